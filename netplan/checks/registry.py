"""Rules are small functions registered once with their documentation.

`dr-netplan rules`, `dr-netplan explain` and the SARIF rule metadata all read this registry, so a
rule's words live in one place: next to its code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netplan.findings import Severity
from netplan.scenario import Phase
from netplan.source import Path

if TYPE_CHECKING:
    from netplan.state import Context


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports; the engine adds rule metadata, scenario and source position."""

    subject: str
    message: str
    path: Path = ()
    severity: Severity | None = None  # overrides the rule's default (the catalog's "warning if")
    fix: str | None = None  # a remediation specific to this hit


CheckFn = Callable[["Context"], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    category: str
    summary: str  # what it does
    why: str  # why it matters
    example: str  # a design fragment that triggers it
    fix: str  # how to fix
    phases: tuple[Phase, ...]
    check: CheckFn = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "severity": str(self.severity),
            "category": self.category,
            "phases": [str(p) for p in self.phases],
            "summary": self.summary,
            "why": self.why,
            "example": self.example,
            "fix": self.fix,
        }


RULES: dict[str, Rule] = {}
INTERNAL_ERROR = Rule(
    id="NP000",
    name="internal-error",
    severity=Severity.error,
    category="engine",
    summary="A rule failed while checking this design.",
    why="A rule that crashes checks nothing; its risks are unknown until it is fixed.",
    example="(any design that triggers a bug in a rule)",
    fix="Report the design and the message to the dr-netplan maintainers.",
    phases=(Phase.before, Phase.after),
    check=lambda ctx: (),
)


def _engine_rule(
    id: str, name: str, severity: Severity, summary: str, why: str, example: str, fix: str
) -> Rule:
    return Rule(id, name, severity, "engine", summary, why, example, fix, (Phase.before,), _none)


def _none(ctx: Context) -> Iterable[Hit]:
    return ()


#: Findings the engine itself produces (not checks of the network); explained like any rule.
ENGINE_RULES = (
    INTERNAL_ERROR,
    _engine_rule(
        "NP001",
        "accepted-risk-expired",
        Severity.warning,
        "An accepted risk's expiry date has passed; the findings it covered count again.",
        "Acceptances are decisions with a shelf life; an expired one must be reviewed.",
        "accepted_risks: [{rule: gateway-unreachable, subject: web01, reason: kiosk VLAN, "
        "expires: 2026-01-31}]",
        "Fix the risk, or renew the acceptance with a new expiry date and owner.",
    ),
    _engine_rule(
        "NP002",
        "accepted-risk-unused",
        Severity.warning,
        "An accepted risk matches no finding (wrong rule or subject, or the risk is gone); "
        "reported only when the run includes the loss of the primary site(s).",
        "A stale or mistyped acceptance hides nothing today but may hide the wrong thing later.",
        "accepted_risks: [{rule: dns-unavailable, subject: vm:retired01, reason: old design}]",
        "Remove it, or correct its rule and subject (see `dr-netplan rules`).",
    ),
)


def rule(
    id: str,
    name: str,
    severity: Severity,
    category: str,
    *,
    summary: str,
    why: str,
    example: str,
    fix: str,
    phases: tuple[Phase, ...] = (Phase.before, Phase.after),
) -> Callable[[CheckFn], CheckFn]:
    """Register a check under a stable ID and kebab-case name."""

    def register(fn: CheckFn) -> CheckFn:
        for existing in RULES.values():
            if existing.id == id or existing.name == name:
                raise ValueError(f"rule {id} {name} registered twice")
        RULES[id] = Rule(
            id,
            name,
            severity,
            category,
            summary.strip(),
            why.strip(),
            example.strip(),
            fix.strip(),
            phases,
            fn,
        )
        return fn

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, by ID (importing netplan.checks registers them)."""
    import netplan.checks  # noqa: F401

    return sorted(RULES.values(), key=lambda r: r.id)


def find_rule(key: str) -> Rule | None:
    """A rule by ID (case-insensitive) or name."""
    wanted = key.strip().lower()
    for r in [*all_rules(), *ENGINE_RULES]:
        if r.id.lower() == wanted or r.name == wanted:
            return r
    return None
