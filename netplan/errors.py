"""Errors a person can act on: where, which field, what was expected."""

from __future__ import annotations

from dataclasses import dataclass

from netplan.source import Location, Path, dotted


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a design file."""

    location: Location
    path: Path
    message: str

    def __str__(self) -> str:
        where = dotted(self.path) if self.path else "(file)"
        return f"{self.location}: {where}: {self.message}"


class DesignError(Exception):
    """A design could not be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.location, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
