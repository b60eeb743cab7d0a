"""Helpers shared by the report tests: a CLI runner and hand-made findings and reports."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from netplan.checks.registry import all_rules
from netplan.classify import classify
from netplan.cli import app
from netplan.engine import Report, ScenarioResult
from netplan.findings import Finding, Severity
from netplan.loader import load_design
from netplan.scenario import DESIGN_TIME, fail_sites
from netplan.source import Location

ROOT = Path(__file__).resolve().parents[2]
DESIGN = "tests/rules/cases/gateway-unreachable/trigger.yaml"
FAIL = fail_sites(["site1"])

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), prog_name="dr-netplan")


def finding(**changes: object) -> Finding:
    base: dict[str, object] = {
        "rule_id": "NP102",
        "rule_name": "gateway-unreachable",
        "severity": Severity.error,
        "scenario": FAIL.name,
        "subject": "nic:web01/0",
        "message": "web01 in site2: gateway 192.168.20.1 is not a live gateway on segment 'lan'",
        "remediation": "Point the NIC at a live gateway.",
        "location": Location(DESIGN, 20, 12),
    }
    base.update(changes)
    return Finding(**base)  # type: ignore[arg-type]


def report(design_time: list[Finding], failed: list[Finding]) -> Report:
    design = load_design(DESIGN)
    return Report(
        design,
        classify(design),
        (ScenarioResult(DESIGN_TIME, tuple(design_time)), ScenarioResult(FAIL, tuple(failed))),
        tuple(all_rules()),
    )


INFO = finding(
    rule_id="NP100",
    rule_name="design-approach",
    severity=Severity.info,
    scenario=DESIGN_TIME.name,
    subject="design",
    message="design approach: stretched [every network]",
    remediation="Nothing to fix.",
    location=Location(DESIGN, 2, 1),
)
WARNING = finding(
    rule_id="NP401",
    rule_name="dns-unavailable",
    severity=Severity.warning,
    subject="nic:app01/eth0",
    message="app01 in site2: its preferred DNS server 192.168.20.53 does not answer: its VM "
    "dns01 is not running in any surviving site",
    remediation="Point the NIC at a DNS server in its site.",
    location=Location(DESIGN, 24, 12),
)
ACCEPTED = finding(
    subject="nic:off01/0",
    message="[bold]off01[/bold] keeps its gateway",
    location=Location(DESIGN, 27, 12),
).accept("[kiosk] VLAN, see <ticket> | `ref`", "net-team")
