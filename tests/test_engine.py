"""The engine: accepted risks, a crashing rule, determinism and purity of scenarios."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netplan.checks import registry
from netplan.checks.registry import Hit, Phase, Rule
from netplan.cli import app
from netplan.engine import analyze
from netplan.findings import Severity
from netplan.loader import load_design
from netplan.scenario import plan

ROOT = Path(__file__).resolve().parents[1]
ACCEPTED = str(ROOT / "tests/fixtures/engine/accepted.yaml")


def _by_rule(report, name):
    return [f for f in report.findings if f.rule_name == name]


def test_accepted_expired_and_unused_risks() -> None:
    design = load_design(ACCEPTED)
    report = analyze(design, plan(design), today=date(2026, 11, 25))
    gw = {f.subject: f for f in _by_rule(report, "gateway-unreachable")}
    assert gw["nic:web01/0"].accepted
    assert gw["nic:web01/0"].accepted_reason == "web01 is a kiosk that only serves its own VLAN"
    assert not gw["nic:app01/0"].accepted  # its acceptance expired
    (expired,) = _by_rule(report, "accepted-risk-expired")
    assert expired.message == (
        "acceptance of NP102 for nic:app01/0 expired on 2026-10-01; its findings count again"
    )
    assert expired.location is not None and expired.location.line == 31
    (unused,) = _by_rule(report, "accepted-risk-unused")
    assert unused.subject == "accepted-risk:2"
    assert unused.location is not None and unused.location.line == 32
    assert report.counts()["accepted"] == 1


def test_acceptance_before_expiry_counts_and_after_does_not() -> None:
    design = load_design(ACCEPTED)
    early = analyze(design, plan(design), today=date(2026, 9, 30))
    assert {f.subject for f in _by_rule(early, "gateway-unreachable") if f.accepted} == {
        "nic:web01/0",
        "nic:app01/0",
    }
    late = analyze(design, plan(design), today=date(2027, 2, 1))
    assert not [f for f in _by_rule(late, "gateway-unreachable") if f.accepted]


def test_accepted_findings_do_not_count_for_exit_code(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["analyze", ACCEPTED, "--today", "2026-09-30", "-f", "json"])
    assert '"accepted": true' in res.stdout
    # stretched-single-gateway is not accepted: still an error.
    assert res.exit_code == 1


@pytest.fixture
def crashing_rule(monkeypatch: pytest.MonkeyPatch):
    def boom(ctx):
        yield Hit("vm:x", "never")
        raise RuntimeError("kaboom")

    fake = Rule(
        "NP999",
        "always-crashes",
        Severity.warning,
        "test",
        "s",
        "w",
        "e",
        "f",
        (Phase.before, Phase.after),
        boom,
    )
    rules = dict(registry.RULES)
    rules["NP999"] = fake
    monkeypatch.setattr(registry, "RULES", rules)
    return fake


def test_crashing_rule_becomes_internal_error_finding(crashing_rule) -> None:
    design = load_design(ACCEPTED)
    report = analyze(design, plan(design), today=date(2026, 11, 25))
    errs = report.internal_errors
    assert len(errs) == 2  # one per scenario
    assert errs[0].message == "rule NP999 always-crashes failed: RuntimeError: kaboom"
    assert _by_rule(report, "gateway-unreachable")  # the other rules still ran


def test_crashing_rule_exits_3(crashing_rule) -> None:
    res = CliRunner().invoke(app, ["analyze", ACCEPTED, "--fail-on", "never"])
    assert res.exit_code == 3
    assert "internal error: rule NP999 always-crashes failed" in res.stderr


def test_analysis_never_mutates_the_design() -> None:
    design = load_design(str(ROOT / "designs/hybrid.yaml"))
    before = design.model_dump_json()
    analyze(design, plan(design, all_sites=True, vms=sorted(design.vms)[:2]))
    assert design.model_dump_json() == before


def test_all_sites_is_n_minus_1() -> None:
    design = load_design(str(ROOT / "designs/hybrid.yaml"))
    names = [s.name for s in plan(design, all_sites=True)]
    assert names == ["design-time", *[f"fail {s}" for s in sorted(design.sites)]]


def test_same_input_same_bytes() -> None:
    from netplan.render import render

    design = load_design(str(ROOT / "designs/hybrid.yaml"))
    outs = {
        fmt: render(analyze(design, plan(design), today=date(2026, 11, 25)), fmt)
        for fmt in ("json", "markdown", "sarif", "junit", "text")
    }
    again = {
        fmt: render(
            analyze(
                load_design(str(ROOT / "designs/hybrid.yaml")),
                plan(design),
                today=date(2026, 11, 25),
            ),
            fmt,
        )
        for fmt in outs
    }
    assert outs == again


def test_unused_acceptance_not_reported_when_the_default_loss_was_not_run() -> None:
    design = load_design(ACCEPTED)
    report = analyze(design, plan(design, vms=["web01"]), today=date(2026, 11, 25))
    assert _by_rule(report, "accepted-risk-unused") == []
    full = analyze(design, plan(design, all_sites=True), today=date(2026, 11, 25))
    assert [f.subject for f in _by_rule(full, "accepted-risk-unused")] == ["accepted-risk:2"]
