"""SARIF 2.1.0, so code scanning shows each finding on its line of the design file.

GitHub code scanning reads `artifactLocation.uri` relative to the repository root: the design
file's path is made relative to the nearest enclosing Git work tree (a directory holding
`.git`), whatever directory dr-netplan ran in, with symbolic links resolved. Outside any work
tree it is relative to the working directory, or else an absolute `file://` URI. Every result has
a location (the top of the design file when the finding has none), a level (`note` for info) and
a fingerprint that survives edits which only move lines; accepted findings carry a suppression
with the reason and owner.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from netplan import __version__
from netplan.checks.registry import ENGINE_RULES, Rule
from netplan.engine import Report
from netplan.findings import Finding
from netplan.render import renderer
from netplan.source import Location

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
        "properties": {
            "category": r.category,
            "phases": [str(p) for p in r.phases],
            "tags": ["dr-netplan", r.category],
        },
    }


def _work_tree(directory: Path) -> Path | None:
    """The nearest directory at or above `directory` that holds `.git` (a directory, or a file
    in a worktree or submodule)."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def artifact_location(path: str) -> dict[str, str]:
    """`{"uri": ...}` relative to the work tree holding `path` (to the working directory outside
    any), or an absolute `file://` URI."""
    target = Path(os.path.realpath(path))
    root = _work_tree(target.parent)
    if root is not None:
        return {"uri": _quote(target.relative_to(root).as_posix())}
    try:
        return {"uri": _quote(target.relative_to(os.path.realpath(".")).as_posix())}
    except ValueError:
        return {"uri": target.as_uri()}


def _quote(relative: str) -> str:
    return quote(relative, safe="/._-~")


def _result(
    f: Finding,
    index: dict[str, int],
    fallback: Location | None,
    artifacts: dict[str, dict[str, str]],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index[f.rule_id],
        "level": LEVEL[str(f.severity)],
        "message": {"text": f"{f.message} [{f.scenario}]"},
        # Namespaced: GitHub computes its own primaryLocationLineHash on upload.
        "partialFingerprints": {"drNetplanFinding/v1": f.fingerprint},
        "properties": {"scenario": f.scenario, "subject": f.subject, "fix": f.remediation},
    }
    loc = f.location or fallback
    if loc:
        if loc.file not in artifacts:
            artifacts[loc.file] = artifact_location(loc.file)
        out["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": artifacts[loc.file],
                    "region": {"startLine": loc.line, "startColumn": loc.column},
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
    top = report.design.location
    fallback = Location(top.file, 1, 1) if top else None
    artifacts: dict[str, dict[str, str]] = {}  # one look for the work tree per file
    results = [_result(f, index, fallback, artifacts) for f in report.findings]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "dr-netplan",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r) for r in rules],
            }
        },
        "invocations": [{"executionSuccessful": not report.internal_errors}],
    }
    run |= {
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "design": report.design.name,
            "approach": str(report.classification.approach),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


@renderer("sarif")
def render_sarif(report: Report) -> str:
    return json.dumps(sarif_dict(report), indent=2, ensure_ascii=False) + "\n"
