"""Source positions: every finding and every validation error points at a line in a design file."""

from __future__ import annotations

from dataclasses import dataclass, field

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A 1-based position in a design file."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(slots=True)
class SourceMap:
    """Positions of every key and list item, addressed by their path from the document root.

    A mapping entry is recorded at the position of its key (the line a person edits); a list item
    at the position of the item.
    """

    file: str
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path) -> Location:
        """The position of `path`, or of its nearest recorded ancestor (a missing key's parent)."""
        p = tuple(path)
        while p:
            hit = self.positions.get(p)
            if hit is not None:
                return Location(self.file, hit[0], hit[1])
            p = p[:-1]
        hit = self.positions.get((), (1, 1))
        return Location(self.file, hit[0], hit[1])


def dotted(path: Path) -> str:
    """`('vms', 'web01', 'nics', 0, 'ip')` -> `vms.web01.nics[0].ip`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"
