"""Commands about the design itself: validate, classify, schema."""

from __future__ import annotations

import json
from collections.abc import Sized
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from netplan.classify import Classification
from netplan.classify import classify as classify_design
from netplan.cli.app import EXIT_BAD_INPUT, app, emit, err, load_or_exit, out, show
from netplan.errors import DesignError
from netplan.loader import load_design
from netplan.schema import schema_text

OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to this file instead of stdout."),
]


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


def _count(items: Sized, noun: str) -> str:
    n = len(items)
    return f"{n} {noun}{'' if n == 1 else 's'}"


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE", help="Design files (YAML or JSON).")
    ],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
) -> None:
    """Check design files: syntax, fields, references. Every problem at once; exit 2 if any."""
    bad = False
    for file in files:
        try:
            design = load_design(str(file))
        except DesignError as exc:
            bad = True
            for problem in exc.problems:
                err.print(str(problem), markup=False)
            continue
        if not quiet:
            out.print(
                f"{file}: ok ({_count(design.sites, 'site')}, "
                f"{_count(design.segments, 'segment')}, {_count(design.vms, 'VM')})",
                markup=False,
            )
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def classify(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Design file (YAML or JSON).")],
    format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
    output: OutputOpt = None,
) -> None:
    """Say which approach each network takes (separate, stretched, mirrored) and why."""
    result = classify_design(load_or_exit(file))
    if format == TextOrJson.json:
        emit(json.dumps(result.to_dict(), indent=2) + "\n", output)
        return
    if output is not None:
        lines = [f"{result.design}: {result.approach}", *[f"  {e}" for e in result.evidence]]
        for net in result.networks:
            lines.append(f"- {net.name}: {net.approach} ({', '.join(net.cidrs) or 'no CIDR'})")
            lines += [f"    {e}" for e in net.evidence]
        emit("\n".join(lines) + "\n", output)
        return
    show(_classify_view(result, out.width))


def _classify_view(result: Classification, width: int) -> RenderableType:
    """A table when the evidence column gets 40 columns or more; otherwise one header row per
    network with its evidence indented under it."""
    parts: list[RenderableType] = [
        Text.assemble(
            (result.design, "bold"), ": overall approach ", (str(result.approach), "bold")
        ),
        *[Padding(Text(line), (0, 0, 0, 2)) for line in result.evidence],
    ]
    names = [net.name + ("" if net.carries_vms else " (no VMs)") for net in result.networks]
    fixed = sum(
        max((len(cell) for cell in column), default=0)
        for column in (
            ["network", *names],
            ["approach", *(str(n.approach) for n in result.networks)],
            ["sites", *(", ".join(n.sites) for n in result.networks)],
            ["CIDRs", *(c for n in result.networks for c in n.cidrs)],
        )
    )
    if width - fixed - 16 >= 40:
        table = Table("network", "approach", "sites", "CIDRs", "evidence", show_lines=True)
        for name, net in zip(names, result.networks, strict=True):
            table.add_row(
                Text(name),
                str(net.approach),
                Text(", ".join(net.sites)),
                "\n".join(net.cidrs) or "-",
                Text("\n".join(net.evidence)),
            )
        return Group(*parts, table)
    for name, net in zip(names, result.networks, strict=True):
        parts += [
            Text(""),
            Text.assemble(
                (name, "bold"),
                f"  {net.approach}",
                (f"  sites {', '.join(net.sites)}; {', '.join(net.cidrs) or 'no CIDR'}", "dim"),
            ),
            *[Padding(Text(line), (0, 0, 0, 4)) for line in net.evidence],
        ]
    return Group(*parts)


@app.command()
def schema(output: OutputOpt = None) -> None:
    """Print the JSON Schema of the design format (for editor completion and validation)."""
    emit(schema_text(), output)


__all__ = ["EXIT_BAD_INPUT"]
