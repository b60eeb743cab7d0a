"""Terminal text: one table per scenario, grouped by severity, and a summary line."""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from netplan.engine import Report
from netplan.findings import Finding
from netplan.render import renderer

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "accepted": "dim"}


def summary_line(report: Report) -> str:
    c = report.counts()
    parts = [f"{c['error']} error(s)", f"{c['warning']} warning(s)", f"{c['info']} info"]
    if c["accepted"]:
        parts.append(f"{c['accepted']} accepted")
    return f"{', '.join(parts)} in {len(report.results)} scenario(s)"


def _where(f: Finding) -> str:
    return f"{f.location.line}:{f.location.column}" if f.location else ""


def renderable(report: Report) -> RenderableType:
    """The report as rich renderables (the CLI prints them in colour on a terminal)."""
    file = report.design.location.file if report.design.location else ""
    parts: list[RenderableType] = [
        Text.assemble(
            ("dr-netplan ", "bold"),
            (report.design.name, "bold"),
            f" ({file}) - approach: ",
            (str(report.classification.approach), "bold"),
        )
    ]
    for res in report.results:
        sc = res.scenario
        title = f"{sc.name}: {sc.description}" if sc.description else sc.name
        if not res.findings:
            parts.append(Text(f"\n{title}\n  no findings", style="green"))
            continue
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        for col in ("severity", "rule", "subject", "message", "line"):
            table.add_column(col, overflow="fold")
        for f in res.findings:
            sev = "accepted" if f.accepted else str(f.severity)
            msg = f.message + (f" [accepted: {f.accepted_reason}]" if f.accepted else "")
            table.add_row(
                Text(sev, style=STYLE[sev]), f"{f.rule_id} {f.rule_name}", f.subject, msg, _where(f)
            )
        parts.append(Text(""))
        parts.append(table)
    parts.append(Text("\n" + summary_line(report), style="bold"))
    return Group(*parts)


@renderer("text")
def render_text(report: Report) -> str:
    buf = io.StringIO()
    Console(file=buf, width=140, color_system=None, force_terminal=False, highlight=False).print(
        renderable(report)
    )
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


@renderer("text-parsable")
def render_parsable(report: Report) -> str:
    """`file:line:col: severity name: message [scenario] (subject)`, one finding a line."""
    lines = []
    for res in report.results:
        for f in res.findings:
            where = str(f.location) if f.location else "-"
            sev = "accepted" if f.accepted else str(f.severity)
            lines.append(f"{where}: {sev} {f.rule_name}: {f.message} [{f.scenario}] ({f.subject})")
    return "".join(line + "\n" for line in lines)
