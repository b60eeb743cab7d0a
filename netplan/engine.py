"""Run every rule over every scenario; apply accepted risks; produce one Report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from netplan.checks.registry import ENGINE_RULES, INTERNAL_ERROR, Hit, Rule, all_rules
from netplan.classify import Classification, classify
from netplan.findings import Finding, Severity
from netplan.graph import build_graph
from netplan.model import AcceptedRisk, Design
from netplan.perf import paused_gc
from netplan.scenario import DESIGN_TIME, Scenario
from netplan.source import Location
from netplan.state import Context


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    scenario: Scenario
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Report:
    design: Design
    classification: Classification
    results: tuple[ScenarioResult, ...]
    rules: tuple[Rule, ...] = field(default=())

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def counts(self) -> dict[str, int]:
        """Active (not accepted) findings per severity, plus accepted."""
        out = {str(s): 0 for s in Severity}
        out["accepted"] = 0
        for f in self.findings:
            out["accepted" if f.accepted else str(f.severity)] += 1
        return out

    def worst(self) -> Severity | None:
        active = [f.severity for f in self.findings if not f.accepted]
        return max(active, key=lambda s: s.rank) if active else None

    @property
    def internal_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.rule_id == INTERNAL_ERROR.id]


def _to_finding(rule: Rule, ctx: Context, hit: Hit) -> Finding:
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        severity=hit.severity or rule.severity,
        scenario=ctx.scenario.name,
        subject=hit.subject,
        message=hit.message,
        remediation=hit.fix or rule.fix,
        location=ctx.design.locate(hit.path) if hit.path else ctx.design.location,
    )


def run_rules(ctx: Context, rules: Iterable[Rule]) -> list[Finding]:
    """Findings of the rules that apply to the scenario's phase; a crashing rule is a finding."""
    out: dict[tuple[str, str, str], Finding] = {}
    for rule in rules:
        if ctx.scenario.phase not in rule.phases:
            continue
        try:
            hits = list(rule.check(ctx))
        except Exception as exc:  # a bug in one rule must not hide the others
            msg = f"rule {rule.id} {rule.name} failed: {type(exc).__name__}: {exc}"
            hits = []
            f = _to_finding(INTERNAL_ERROR, ctx, Hit(f"rule:{rule.name}", msg))
            out[(f.rule_name, f.subject, f.message)] = f
        for hit in hits:
            f = _to_finding(rule, ctx, hit)
            out.setdefault((f.rule_name, f.subject, f.message), f)
    return sorted(out.values(), key=Finding.sort_key)


def _matches(risk: AcceptedRisk, f: Finding) -> bool:
    if risk.rule not in (f.rule_id, f.rule_name):
        return False
    if risk.subject == f.subject:
        return True
    name = f.subject.split(":", 1)[-1]
    return risk.subject in (name, name.split("/", 1)[0])


def apply_accepted(
    design: Design, results: list[ScenarioResult], today: date
) -> list[ScenarioResult]:
    """Mark accepted findings; report expired and unmatched acceptances in the design-time run."""
    used: set[int] = set()
    new: list[ScenarioResult] = []
    extra: list[Finding] = []
    for res in results:
        findings = []
        for f in res.findings:
            for i, risk in enumerate(design.accepted_risks):
                if _matches(risk, f):
                    used.add(i)
                    if risk.expires is None or risk.expires >= today:
                        f = f.accept(risk.reason, risk.owner)
                        break
            findings.append(f)
        new.append(ScenarioResult(res.scenario, tuple(findings)))
    for i, risk in enumerate(design.accepted_risks):
        loc = risk.location
        if risk.expires is not None and risk.expires < today:
            extra.append(
                _engine_finding(
                    ENGINE_RULES[1],
                    design.locate(("accepted_risks", i, "expires")),
                    f"accepted-risk:{i}",
                    f"acceptance of {risk.rule} for {risk.subject} expired on {risk.expires}; "
                    "its findings count again",
                )
            )
        if i not in used and _covers_default(design, results):
            extra.append(
                _engine_finding(
                    ENGINE_RULES[2],
                    loc,
                    f"accepted-risk:{i}",
                    f"accepted risk {risk.rule} for {risk.subject} matches no finding",
                )
            )
    if extra and new:
        first = new[0]
        merged = sorted([*first.findings, *extra], key=Finding.sort_key)
        new[0] = ScenarioResult(first.scenario, tuple(merged))
    return new


def _covers_default(design: Design, results: list[ScenarioResult]) -> bool:
    """Whether the run includes the default loss (the primary sites), so an acceptance that
    matched nothing is really stale rather than meant for a scenario that was not run."""
    primary = frozenset(design.primary_sites)
    lost = {r.scenario.failed_sites for r in results}
    return primary in lost or all(frozenset([s]) in lost for s in primary)


def _engine_finding(rule: Rule, loc: Location | None, subject: str, msg: str) -> Finding:
    return Finding(rule.id, rule.name, rule.severity, DESIGN_TIME.name, subject, msg, rule.fix, loc)


def analyze(
    design: Design,
    scenarios: list[Scenario],
    today: date | None = None,
    progress: Callable[[Scenario], None] | None = None,
) -> Report:
    """Build the graph once; run every scenario over views of it."""
    with paused_gc():
        graph = build_graph(design)
        classification = classify(design)
        rules = all_rules()
        results = []
        for sc in scenarios:
            if progress:
                progress(sc)
            ctx = Context(design, graph, classification, sc)
            results.append(ScenarioResult(sc, tuple(run_rules(ctx, rules))))
    results = apply_accepted(design, results, today or date.today())
    return Report(design, classification, tuple(results), tuple(rules))
