"""JSON: the machine-readable report; the other formats are views of the same data."""

from __future__ import annotations

import json
from typing import Any

from netplan import __version__
from netplan.engine import Report
from netplan.render import renderer

SCHEMA_VERSION = 1


def report_dict(report: Report) -> dict[str, Any]:
    counts = report.counts()
    worst = report.worst()
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "dr-netplan", "version": __version__},
        "design": report.design.name,
        "file": report.design.location.file if report.design.location else None,
        "approach": str(report.classification.approach),
        "scenarios": [
            {
                **res.scenario.to_dict(),
                "findings": [f.to_dict() for f in res.findings],
            }
            for res in report.results
        ],
        "summary": {
            **counts,
            "scenarios": len(report.results),
            "worst": str(worst) if worst else None,
        },
    }


@renderer("json")
def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
