"""The `dr-netplan` command line (also `python -m netplan`)."""

from __future__ import annotations

import sys

from netplan.cli.app import EXIT_INTERNAL, app

# Importing the command modules registers their commands on `app`.
from netplan.cli import analysis_cmds, design_cmds  # noqa: F401  isort: skip


def main() -> None:
    """Entry point: never show a traceback, map unexpected failures to exit 3."""
    try:
        app(prog_name="dr-netplan")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:  # a bug in dr-netplan, not in the design
        sys.stderr.write(
            f"dr-netplan: internal error: {type(exc).__name__}: {exc}\n"
            "Please report this with the design file that triggered it.\n"
        )
        raise SystemExit(EXIT_INTERNAL) from None
