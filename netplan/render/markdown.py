"""Markdown fit for a pull-request comment (GitHub-flavoured).

A verdict and a table of scenarios first; then per scenario its errors and warnings, worst first
(after the first rows the rest is folded), with info and accepted findings folded; then how to
fix each rule. Every string from the design is escaped (it cannot open a tag, a link, emphasis
or a table cell), and the comment stays under GitHub's limit of 65,536 characters: when it would
not, fewer rows are shown and the rest is counted and pointed to the JSON or SARIF report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from netplan.engine import Report, ScenarioResult
from netplan.findings import Finding
from netplan.render import renderer
from netplan.render._common import (
    design_file,
    fixes,
    is_problem,
    ordered,
    plural,
    status,
    summary_line,
    tally,
    tally_text,
)

ICON = {"error": "🔴", "warning": "🟠", "info": "🔵", "accepted": "⚪", "ok": "✅"}
VISIBLE = 20  # errors and warnings shown per scenario before the rest is folded
BUDGET = 60_000  # characters; GitHub rejects a comment over 65,536
# (rows shown per scenario, rows per folded table); None = all. Tried in turn until it fits.
LIMITS: tuple[tuple[int, int | None], ...] = (
    (VISIBLE, None),
    (VISIBLE, 200),
    (VISIBLE, 50),
    (VISIBLE, 10),
    (VISIBLE, 0),
    (10, 0),
    (5, 0),
    (0, 0),
)

# Characters that could start markup inline (`>` only does at the start of a line, where no
# design text is put); `_` only where it could open or close emphasis
# (not inside a word such as test_segment); `&` only where it would form an entity.
_SPECIAL = re.compile(r"[\\`*\[\]<|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|&(?=#?[A-Za-z0-9]+;)")


def text(value: str) -> str:
    """Inline text that renders as itself, also inside a table cell."""
    flat = " ".join(value.splitlines())
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), flat)


def code(value: str, *, cell: bool = True) -> str:
    """A code span around any text (a fence longer than any run of backticks in it); in a table
    cell a `|` is escaped, which GitHub removes again inside the span."""
    flat = " ".join(value.splitlines())
    if not flat:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", flat)), default=0) + 1)
    pad = " " if flat[0] == "`" or flat[-1] == "`" else ""
    span = f"{fence}{pad}{flat}{pad}{fence}"
    return span.replace("|", "\\|") if cell else span


def _verdict(counts: dict[str, int]) -> str:
    if counts["error"]:
        return ICON["error"]
    return ICON["warning"] if counts["warning"] else ICON["ok"]


def _row(f: Finding) -> str:
    sev = status(f)
    msg = text(f.message)
    if f.accepted:
        owner = f" by {code(f.accepted_owner)}" if f.accepted_owner else ""
        msg += f" *(accepted{owner}: {text(f.accepted_reason)})*"
    line = str(f.location.line) if f.location else ""
    return f"| {ICON[sev]} {sev} | {code(f.rule_name)} | {code(f.subject)} | {msg} | {line} |"


def _table(findings: Sequence[Finding], limit: int | None) -> list[str]:
    """A table of the first `limit` findings (all if None), and how many were left out."""
    shown = findings if limit is None else findings[:limit]
    out: list[str] = []
    if shown:
        out += ["| severity | rule | subject | message | line |", "|---|---|---|---|---|"]
        out += [_row(f) for f in shown]
    left = findings[len(shown) :]
    if left:
        out += [
            *([""] if out else []),
            f"*Not shown (the comment would be too long): {tally_text(tally(left))}; "
            "see the JSON (`-f json`) or SARIF report.*",
        ]
    return out


def _folded(findings: Sequence[Finding], limit: int | None, more: bool = False) -> list[str]:
    """Findings in a folded block headed by their counts (`3 info, 1 accepted`; after the first
    errors and warnings: `12 more errors, 1 more warning`)."""
    counts = tally(findings)
    if more:
        summary = ", ".join(
            plural(counts[k], f"more {k}") for k in ("error", "warning") if counts[k]
        )
    else:
        summary = tally_text(counts)
    if limit == 0:
        return ["", *_table(findings, 0)]
    return [
        "",
        f"<details><summary>{summary}</summary>",
        "",
        *_table(findings, limit),
        "",
        "</details>",
    ]


def _scenario(res: ScenarioResult, shown: int, limit: int | None) -> list[str]:
    sc = res.scenario
    counts = tally(res.findings)
    lines = ["", f"### {_verdict(counts)} {text(sc.name)}", ""]
    if sc.description:
        lines += [f"*{text(sc.description)}*", ""]
    findings = ordered(res.findings)
    main = [f for f in findings if is_problem(f)]
    rest = [f for f in findings if not is_problem(f)]
    if not main:
        lines.append("No errors or warnings." if rest else "No findings.")
    elif shown:
        lines += _table(main[:shown], None)
        if main[shown:]:
            lines += _folded(main[shown:], limit, more=True)
    else:
        lines += _table(main, 0)
    if rest:
        lines += _folded(rest, limit)
    return lines


def _render(report: Report, shown: int, limit: int | None) -> str:
    counts = report.counts()
    file = design_file(report)
    lines = [
        f"## dr-netplan: {text(report.design.name)}",
        "",
        f"{_verdict(counts)} **{summary_line(report)}** · design {code(file, cell=False)} · "
        f"approach **{report.classification.approach}**",
        "",
        f"| scenario | {ICON['error']} errors | {ICON['warning']} warnings | {ICON['info']} info "
        f"| {ICON['accepted']} accepted |",
        "|---|--:|--:|--:|--:|",
    ]
    for res in report.results:
        n = tally(res.findings)
        lines.append(
            f"| {text(res.scenario.name)} | {n['error']} | {n['warning']} | {n['info']} "
            f"| {n['accepted']} |"
        )
    for res in report.results:
        lines += _scenario(res, shown, limit)
    todo = fixes(report.findings)
    if todo:
        lines += ["", "### How to fix", ""]
        lines += [f"- {ICON[sev]} {code(name, cell=False)}: {text(fix)}" for sev, name, fix in todo]
        lines += ["", "`dr-netplan explain RULE` tells why a rule matters, with an example."]
    return "\n".join(lines) + "\n"


@renderer("markdown")
def render_markdown(report: Report) -> str:
    for shown, limit in LIMITS:
        out = _render(report, shown, limit)
        if len(out) <= BUDGET:
            break
    return out
