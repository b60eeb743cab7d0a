"""The typer application and what every command shares: loading, output, exit codes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console, RenderableType

from netplan import __version__
from netplan.errors import DesignError
from netplan.loader import load_design
from netplan.model import Design
from netplan.outputs import write_atomic
from netplan.render.text import plain_text

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

app = typer.Typer(
    name="dr-netplan",
    help="Plan and check how the replica site's network behaves when the primary site is gone "
    "(Hyper-V Replica and other VM-level DR), before the build.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        out.print(f"dr-netplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """dr-netplan: design-time checks for the replica site's network."""


def show(renderable: RenderableType) -> None:
    """Print a rich layout: in colour on a terminal; elsewhere (a pipe, a file) as plain text at
    the same width, without the trailing blanks rich pads lines with."""
    if out.is_terminal:
        out.print(renderable, soft_wrap=False)
    else:
        emit(plain_text(renderable, out.width), None)


def fail_input(lines: list[str]) -> NoReturn:
    for line in lines:
        err.print(line, markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def load_or_exit(file: Path) -> Design:
    """Load a design or print every problem (file:line:col: path: message) and exit 2."""
    try:
        return load_design(str(file))
    except DesignError as exc:
        fail_input([str(p) for p in exc.problems])


def emit(text: str, output: Path | None) -> None:
    """Print to stdout, or write atomically to `output`."""
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
    else:
        try:
            write_atomic(output, text)
        except OSError as exc:
            fail_input([f"{output}: cannot write: {exc.strerror or exc}"])
        err.print(f"wrote {output}", markup=False)
