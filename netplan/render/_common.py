"""What the human-readable formats share: counting, ordering and naming findings.

(A module whose name starts with `_` registers no renderer.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from netplan.engine import Report
from netplan.findings import Finding

LEVELS = ("error", "warning", "info")


def plural(n: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def status(f: Finding) -> str:
    """`error`, `warning`, `info`, or `accepted` for a finding that an accepted risk covers."""
    return "accepted" if f.accepted else str(f.severity)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Active findings first (worst first, as the engine sorts them), accepted ones last."""
    items = list(findings)
    return [f for f in items if not f.accepted] + [f for f in items if f.accepted]


def tally(findings: Iterable[Finding]) -> dict[str, int]:
    """Active findings per severity, plus `accepted`."""
    out = dict.fromkeys((*LEVELS, "accepted"), 0)
    for f in findings:
        out[status(f)] += 1
    return out


def tally_text(counts: dict[str, int], *, zeros: bool = False) -> str:
    """`2 errors, 1 warning, 1 accepted` (zero counts left out unless `zeros`)."""
    parts = []
    for key in (*LEVELS, "accepted"):
        n = counts[key]
        if n or (zeros and key != "accepted"):
            parts.append(plural(n, key) if key in ("error", "warning") else f"{n} {key}")
    return ", ".join(parts) or "no findings"


def summary_line(report: Report) -> str:
    """`0 errors, 7 warnings, 21 info, 1 accepted in 2 scenarios`."""
    return f"{tally_text(report.counts(), zeros=True)} in {plural(len(report.results), 'scenario')}"


def fixes(findings: Sequence[Finding]) -> list[tuple[str, str, str]]:
    """Distinct (worst severity, rule name, remediation) of the active errors and warnings: the
    rules with errors first, then by rule ID, as the findings are sorted."""
    worst: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        if is_problem(f):
            key = (f.rule_id, f.rule_name, f.remediation)
            if key not in worst or f.severity.rank > worst[key].severity.rank:
                worst[key] = f
    ordered_keys = sorted(worst, key=lambda k: (-worst[k].severity.rank, k))
    return [(str(worst[k].severity), k[1], k[2]) for k in ordered_keys]


def is_problem(f: Finding) -> bool:
    """An active error or warning: what a reader must act on."""
    return not f.accepted and f.severity != "info"


def acceptance(f: Finding) -> str:
    """`accepted: <reason> (owner: <owner>)`."""
    owner = f" (owner: {f.accepted_owner})" if f.accepted_owner else ""
    return f"accepted: {f.accepted_reason}{owner}"


def design_file(report: Report) -> str:
    return report.design.location.file if report.design.location else ""
