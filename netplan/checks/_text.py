"""Wording shared by the rule messages of several modules: lists of names in running text.

One place, so that the same kind of list reads the same in every finding.
"""

from __future__ import annotations


def and_list(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def short_list(items: list[str], limit: int = 5) -> str:
    """The first `limit` items, comma-separated, and how many more there are."""
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")
