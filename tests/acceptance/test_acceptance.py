"""Whole designs written from the documentation, with findings that must and must not appear.

tests/acceptance/<area>/<name>.yaml         a design (or <name>.json)
tests/acceptance/<area>/<name>.expect.yaml  what its analysis must show:
    options: {fail: [hq], all_sites: false, vms: [], links: [], test_failover: []}  # optional
    approach: stretched                       # optional: the design's overall approach
    must:      [{rule: gateway-unreachable, subject: "nic:web01/0", scenario: fail hq,
                 severity: error}]            # scenario and severity optional
    must_not:  [{rule: duplicate-ip}, {rule: dhcp-unserved, subject: "nic:app01/0"}]
Unlike the rule cases, these check a realistic design against many rules at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from netplan.engine import analyze
from netplan.loader import load_design
from netplan.scenario import plan

HERE = Path(__file__).parent
DESIGNS = sorted(
    p for p in [*HERE.rglob("*.yaml"), *HERE.rglob("*.json")] if not p.name.endswith(".expect.yaml")
)


def _matches(f, want: dict) -> bool:
    return (
        f.rule_name == want["rule"]
        and want.get("subject", f.subject) == f.subject
        and want.get("scenario", f.scenario) == f.scenario
        and want.get("severity", str(f.severity)) == str(f.severity)
    )


@pytest.mark.parametrize("design_file", DESIGNS, ids=lambda p: str(p.relative_to(HERE)))
def test_acceptance(design_file: Path) -> None:
    expect = yaml.safe_load(design_file.with_name(f"{design_file.stem}.expect.yaml").read_text())
    opts = expect.get("options") or {}
    design = load_design(str(design_file))
    report = analyze(
        design,
        plan(
            design,
            sites=opts.get("fail", []),
            all_sites=opts.get("all_sites", False),
            vms=opts.get("vms", []),
            links=opts.get("links", []),
            test_vms=opts.get("test_failover", []),
        ),
        today=date(2026, 11, 25),
    )
    found = report.findings
    if "approach" in expect:
        assert str(report.classification.approach) == expect["approach"]
    missing = [w for w in expect.get("must", []) if not any(_matches(f, w) for f in found)]
    unwanted = [
        (f.rule_name, f.subject, f.scenario, f.message)
        for w in expect.get("must_not", [])
        for f in found
        if _matches(f, w)
    ]
    assert missing == [], "findings that must appear are missing"
    assert unwanted == [], "findings that must not appear are present"
    assert not report.internal_errors
