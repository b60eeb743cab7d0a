"""Helpers shared by the loader tests: fixture paths and collecting a DesignError's lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from netplan.errors import DesignError
from netplan.loader import load_design

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
INVALID = FIXTURES / "invalid"
VALID = FIXTURES / "valid"


def rel(path: Path) -> str:
    """Fixture paths as a person types them (relative to the repo root, the pytest rootdir)."""
    return str(path.relative_to(ROOT))


def load_problems(file: str) -> list[str]:
    with pytest.raises(DesignError) as exc:
        load_design(file)
    lines = [str(p) for p in exc.value.problems]
    assert str(exc.value) == "\n".join(lines)
    return lines


def problems_of(call, *args) -> list[str]:
    """Run `call(*args)`, expect a DesignError, return its problems as output lines."""
    with pytest.raises(DesignError) as exc:
        call(*args)
    return [str(p) for p in exc.value.problems]
