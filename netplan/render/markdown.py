"""Markdown fit for a pull-request comment: summary first, errors before warnings, info folded."""

from __future__ import annotations

from netplan.engine import Report
from netplan.findings import Finding
from netplan.render import renderer
from netplan.render.text import summary_line

ICON = {"error": "🔴", "warning": "🟠", "info": "🔵", "accepted": "⚪"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(findings: list[Finding]) -> list[str]:
    out = ["| | rule | subject | message | line |", "|---|---|---|---|---|"]
    for f in findings:
        sev = "accepted" if f.accepted else str(f.severity)
        where = f"{f.location.line}" if f.location else ""
        msg = f.message + (f" *(accepted: {f.accepted_reason})*" if f.accepted else "")
        out.append(
            f"| {ICON[sev]} {sev} | `{f.rule_name}` | `{_cell(f.subject)}` | {_cell(msg)} "
            f"| {where} |"
        )
    return out


@renderer("markdown")
def render_markdown(report: Report) -> str:
    file = report.design.location.file if report.design.location else ""
    lines = [
        f"## dr-netplan: {report.design.name}",
        "",
        f"Design `{file}` - approach **{report.classification.approach}**. {summary_line(report)}.",
        "",
        "| scenario | errors | warnings | info | accepted |",
        "|---|---|---|---|---|",
    ]
    for res in report.results:
        active = [f for f in res.findings if not f.accepted]
        n = {s: sum(1 for f in active if f.severity == s) for s in ("error", "warning", "info")}
        acc = len(res.findings) - len(active)
        lines.append(
            f"| {res.scenario.name} | {n['error']} | {n['warning']} | {n['info']} | {acc} |"
        )
    for res in report.results:
        sc = res.scenario
        lines += ["", f"### {sc.name}", ""]
        if sc.description:
            lines += [sc.description, ""]
        main = [f for f in res.findings if not f.accepted and f.severity != "info"]
        folded = [f for f in res.findings if f.accepted or f.severity == "info"]
        if not res.findings:
            lines.append("No findings.")
        if main:
            lines += _rows(main)
        if folded:
            lines += [""] if main else []
            lines += [f"<details><summary>{len(folded)} info / accepted</summary>", ""]
            lines += _rows(folded)
            lines += ["", "</details>"]
        fixes = sorted({(f.rule_name, f.remediation) for f in main})
        if fixes:
            lines += ["", "**How to fix**", ""]
            lines += [f"- `{name}`: {fix}" for name, fix in fixes]
    return "\n".join(lines) + "\n"
