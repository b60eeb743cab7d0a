"""Golden outputs of the example designs: any change to findings or formats shows up as a diff.

When a change is intended, regenerate with `NETPLAN_UPDATE_GOLDENS=1 .venv/bin/python -m pytest
tests/test_golden.py` and review `git diff tests/golden` before committing.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from netplan.engine import analyze
from netplan.loader import load_design
from netplan.render import render
from netplan.scenario import plan

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 11, 25)

CASES = [
    ("separate", "json", {}),
    ("stretched", "json", {}),
    ("mirrored", "json", {}),
    ("hybrid", "json", {}),
    ("hybrid", "json", {"all_sites": True}),
    ("stretched", "markdown", {}),
    ("separate", "sarif", {}),
]


def _name(design: str, fmt: str, options: dict) -> str:
    suffix = "-all-sites" if options.get("all_sites") else ""
    ext = {"json": "json", "markdown": "md", "sarif": "sarif"}[fmt]
    return f"{design}{suffix}.{ext}"


@pytest.mark.parametrize(("design", "fmt", "options"), CASES, ids=[_name(*c) for c in CASES])
def test_golden(design: str, fmt: str, options: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # locations are relative, as a user would type them
    loaded = load_design(f"designs/{design}.yaml")
    out = render(analyze(loaded, plan(loaded, **options), today=TODAY), fmt)
    path = GOLDEN / _name(design, fmt, options)
    if os.environ.get("NETPLAN_UPDATE_GOLDENS"):
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"missing golden {path.name}: run with NETPLAN_UPDATE_GOLDENS=1"
    assert out == path.read_text(encoding="utf-8")
