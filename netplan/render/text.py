"""Terminal text: per scenario, its findings worst first, then how to fix, then a summary line.

On a wide terminal the findings are a table; when the message column would be too narrow to
read, each finding is a compact header row (severity, rule, subject, line) with its message
indented under it. Every design-supplied string is printed as plain text, never as markup.
"""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from netplan.engine import Report, ScenarioResult
from netplan.findings import Finding
from netplan.render import renderer
from netplan.render._common import (
    acceptance,
    design_file,
    fixes,
    ordered,
    status,
    summary_line,
    tally,
    tally_text,
)

STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan", "accepted": "dim"}
WIDE = 140  # the width of text written to a file (`-o`, or `render(report, "text")`)
MIN_MESSAGE = 50  # the narrowest message column worth a table
INDENT = 9  # the message under a compact header row starts under the rule
CHROME = 16  # borders and padding of the 5-column table
MAX_SUBJECT = 30  # a longer subject folds in the table

__all__ = ["WIDE", "plain", "plain_text", "renderable", "summary_line"]


def _rule(f: Finding) -> str:
    return f"{f.rule_id} {f.rule_name}"


def _where(f: Finding) -> str:
    return f"{f.location.line}:{f.location.column}" if f.location else "-"


def _message(f: Finding) -> Text:
    text = Text(f.message)
    if f.accepted:
        text.append("\n" + acceptance(f), style="dim")
    return text


def use_table(report: Report, width: int) -> bool:
    """Whether a 5-column table leaves the message at least MIN_MESSAGE columns."""
    findings = report.findings
    if not findings:
        return True
    fixed = (
        len("severity")
        + max(len(_rule(f)) for f in findings)
        + min(max(len(f.subject) for f in findings), MAX_SUBJECT)
        + max(len("line"), *(len(_where(f)) for f in findings))
    )
    return width - fixed - CHROME >= MIN_MESSAGE


def _heading(res: ScenarioResult) -> list[RenderableType]:
    """The scenario's name and counts; what it simulates on the next line."""
    sc = res.scenario
    counts = (tally_text(tally(res.findings)), "" if res.findings else "green")
    head = Text.assemble((sc.name, "bold"), "  ", counts)
    return [head, Text(sc.description, style="dim")] if sc.description else [head]


def _table(findings: tuple[Finding, ...]) -> Table:
    table = Table(show_lines=False, expand=False)
    table.add_column("severity", no_wrap=True)
    table.add_column("rule", no_wrap=True)
    table.add_column("subject", overflow="fold", max_width=MAX_SUBJECT)
    table.add_column("message", overflow="fold", min_width=MIN_MESSAGE // 2)
    table.add_column("line", no_wrap=True)
    for f in ordered(findings):
        sev = status(f)
        table.add_row(
            Text(sev, style=STYLE[sev]),
            Text(_rule(f)),
            Text(f.subject),
            _message(f),
            Text(_where(f)),
        )
    return table


def _compact(findings: tuple[Finding, ...]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for f in ordered(findings):
        sev = status(f)
        head = Text.assemble(
            (f"{sev:<{INDENT - 1}}", STYLE[sev]), " ", (_rule(f), "bold"), "  ", f.subject
        )
        if f.location:
            head.append(f"  line {_where(f)}", style="dim")
        out += [head, Padding(_message(f), (0, 0, 0, INDENT))]
    return out


def renderable(report: Report, width: int = WIDE) -> RenderableType:
    """The report as rich renderables laid out for `width` columns (the CLI prints them in
    colour on a terminal)."""
    parts: list[RenderableType] = [
        Text.assemble(
            ("dr-netplan ", "bold"),
            (report.design.name, "bold"),
            f" ({design_file(report)}) - approach: ",
            (str(report.classification.approach), "bold"),
        )
    ]
    table = use_table(report, width)
    for res in report.results:
        parts += [Text(""), *_heading(res)]
        if not res.findings:
            continue
        if table:
            parts.append(_table(res.findings))
        else:
            parts += _compact(res.findings)
    todo = fixes(report.findings)
    if todo:
        parts += [Text(""), Text.assemble(("How to fix", "bold"), " (dr-netplan explain RULE)")]
        grid = Table.grid()
        grid.add_column(width=4, no_wrap=True)
        grid.add_column()
        for _, name, fix in todo:
            grid.add_row("  - ", Text.assemble((name, "bold"), f": {fix}"))
        parts.append(grid)
    parts += [Text(""), Text(summary_line(report), style="bold")]
    return Group(*parts)


def plain_text(renderable: RenderableType, width: int) -> str:
    """A rich layout as plain text `width` columns wide, without the trailing blanks rich pads
    lines with."""
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None, force_terminal=False, highlight=False).print(
        renderable, soft_wrap=False
    )
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())


def plain(report: Report, width: int = WIDE) -> str:
    """The report without colour, laid out for `width` columns."""
    return plain_text(renderable(report, width), width)


@renderer("text")
def render_text(report: Report) -> str:
    return plain(report, WIDE)


@renderer("text-parsable")
def render_parsable(report: Report) -> str:
    """`file:line:col: severity name: message [scenario] (subject)`, one finding a line."""
    lines = []
    for res in report.results:
        for f in res.findings:
            where = str(f.location) if f.location else "-"
            msg = " ".join(f.message.splitlines())  # one finding, one line
            lines.append(f"{where}: {status(f)} {f.rule_name}: {msg} [{f.scenario}] ({f.subject})")
    return "".join(line + "\n" for line in lines)
