"""Loader-test fixtures: every test runs from the repo root, as fixture paths are relative."""

from __future__ import annotations

import pytest
from loader_helpers import ROOT


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    """Fixture paths are relative, as a person types them; make them work from any directory."""
    monkeypatch.chdir(ROOT)
