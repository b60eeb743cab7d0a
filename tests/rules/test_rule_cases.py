"""Every rule has a case folder: a design that triggers it and a near-identical one that doesn't.

tests/rules/cases/<rule-name>/
    trigger.yaml   the design that must trigger the rule
    clean.yaml     nearly the same design; the rule must not fire in any scenario
    expected.yaml  scenario options and the exact findings of this rule in trigger.yaml:
        options: {fail: [hq], all_sites: false, vms: [], links: [], test_failover: []}  # optional
        findings:
          - {scenario: "fail hq", subject: "nic:web01/0", severity: error}
The findings of the rule in trigger.yaml must be exactly the listed ones (scenario, subject,
severity); other rules may fire too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from netplan.checks.registry import all_rules
from netplan.engine import analyze
from netplan.loader import load_design
from netplan.scenario import plan

CASES = Path(__file__).parent / "cases"
TODAY = date(2026, 11, 25)


def _case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir()) if CASES.exists() else []


def _run(design_file: Path, options: dict) -> list:
    design = load_design(str(design_file))
    scenarios = plan(
        design,
        sites=options.get("fail", []),
        all_sites=options.get("all_sites", False),
        vms=options.get("vms", []),
        links=options.get("links", []),
        test_vms=options.get("test_failover", []),
    )
    return analyze(design, scenarios, today=TODAY).findings


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: p.name)
def test_trigger_gives_exactly_the_expected_findings(case: Path) -> None:
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    findings = _run(case / "trigger.yaml", expected.get("options") or {})
    got = sorted(
        (f.scenario, f.subject, str(f.severity)) for f in findings if f.rule_name == case.name
    )
    want = sorted(
        (e["scenario"], e["subject"], e.get("severity", "error")) for e in expected["findings"]
    )
    assert got == want
    assert not [f for f in findings if f.rule_name == "internal-error"]


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: p.name)
def test_clean_variant_does_not_trigger(case: Path) -> None:
    expected = yaml.safe_load((case / "expected.yaml").read_text())
    findings = _run(case / "clean.yaml", expected.get("options") or {})
    assert [f for f in findings if f.rule_name == case.name] == []
    assert not [f for f in findings if f.rule_name == "internal-error"]


def test_every_catalog_rule_has_a_case() -> None:
    names = {r.name for r in all_rules()}
    cases = {p.name for p in _case_dirs()}
    assert names - cases == set(), "rules without a case folder"
    assert cases - names == set(), "case folders for unknown rules"
