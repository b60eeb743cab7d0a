"""Output formats. Each module registers one renderer with `@renderer`; a new format is one file."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from netplan.engine import Report

Renderer = Callable[[Report], str]
RENDERERS: dict[str, Renderer] = {}


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        RENDERERS[name] = fn
        return fn

    return register


def render(report: Report, fmt: str) -> str:
    return RENDERERS[fmt](report)


def formats() -> list[str]:
    return sorted(RENDERERS)


for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _mod.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod}")
