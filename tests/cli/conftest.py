"""CLI-test fixtures: every test runs from the repo root, as design paths are relative."""

from __future__ import annotations

import pytest
from output_helpers import ROOT


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
