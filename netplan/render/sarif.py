"""SARIF 2.1.0, so code scanning shows each finding on its line of the design file."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from netplan import __version__
from netplan.checks.registry import ENGINE_RULES, Rule
from netplan.engine import Report
from netplan.findings import Finding
from netplan.render import renderer

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.why},
        "help": {
            "text": f"{r.summary}\n\nWhy: {r.why}\n\nExample: {r.example}\n\nFix: {r.fix}",
            "markdown": f"{r.summary}\n\n**Why it matters:** {r.why}\n\n**Example:**\n\n"
            f"```yaml\n{r.example}\n```\n\n**How to fix:** {r.fix}",
        },
        "defaultConfiguration": {"level": LEVEL[str(r.severity)]},
        "properties": {"category": r.category, "phases": [str(p) for p in r.phases]},
    }


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/:._-~")


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": LEVEL[str(f.severity)],
        "message": {"text": f"{f.message} [{f.scenario}]"},
        "partialFingerprints": {"drNetplanFinding/v1": f.fingerprint},
        "properties": {"scenario": f.scenario, "subject": f.subject, "fix": f.remediation},
    }
    if f.location:
        out["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(f.location.file)},
                    "region": {"startLine": f.location.line, "startColumn": f.location.column},
                }
            }
        ]
    if f.accepted:
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f.accepted_reason
                + (f" (owner: {f.accepted_owner})" if f.accepted_owner else ""),
            }
        ]
    return out


def sarif_dict(report: Report) -> dict[str, Any]:
    rules = sorted([*report.rules, *ENGINE_RULES], key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dr-netplan",
                        "version": __version__,
                        "informationUri": "https://dr-netplan.invalid/docs/rules",
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "results": [_result(f, index) for f in report.findings],
                "properties": {
                    "design": report.design.name,
                    "approach": str(report.classification.approach),
                },
            }
        ],
    }


@renderer("sarif")
def render_sarif(report: Report) -> str:
    return json.dumps(sarif_dict(report), indent=2, ensure_ascii=False) + "\n"
