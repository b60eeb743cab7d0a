"""Commands that run the rules: analyze, rules, explain."""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markdown import Markdown
from rich.progress import Progress, TaskID
from rich.table import Table

from netplan.checks.registry import ENGINE_RULES, all_rules, find_rule
from netplan.cli.app import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    app,
    emit,
    err,
    fail_input,
    load_or_exit,
    out,
)
from netplan.engine import Report
from netplan.engine import analyze as run_analysis
from netplan.findings import Severity
from netplan.render import render
from netplan.render.rules_doc import rules_markdown
from netplan.render.text import renderable
from netplan.scenario import Scenario, ScenarioError, plan


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class _LazyProgress:
    """A progress bar that appears only on a terminal and only once a sweep passes 1 s."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.t0 = total, 0, time.monotonic()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, scenario: Scenario) -> None:
        if self.bar is None and sys.stderr.isatty() and time.monotonic() - self.t0 > 1.0:
            self.bar = Progress(console=err, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("scenarios", total=self.total, completed=self.done)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=self.done, description=scenario.name)
        self.done += 1

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _exit_code(report: Report, fail_on: FailOn) -> int:
    if report.internal_errors:
        return EXIT_INTERNAL
    if fail_on == FailOn.never:
        return 0
    threshold = Severity(fail_on.value).rank
    active = [f for f in report.findings if not f.accepted]
    return EXIT_FINDINGS if any(f.severity.rank >= threshold for f in active) else 0


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        fail_input([f"--today: {value!r} is not a date; expected YYYY-MM-DD"])


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="Design file (YAML or JSON).")],
    fail: Annotated[
        list[str] | None,
        typer.Option(
            "--fail", metavar="SITE", help="Site to lose (repeatable; together = one scenario)."
        ),
    ] = None,
    all_sites: Annotated[
        bool, typer.Option("--all-sites", help="N-1 sweep: every single-site loss.")
    ] = False,
    vm: Annotated[
        list[str] | None,
        typer.Option(
            "--vm", metavar="VM", help="Fail over only this VM (repeatable): partial failover."
        ),
    ] = None,
    link: Annotated[
        list[str] | None,
        typer.Option("--link", metavar="LINK", help="Take this link down (repeatable)."),
    ] = None,
    test_failover: Annotated[
        list[str] | None,
        typer.Option(
            "--test-failover",
            metavar="VM",
            help="Test failover of this VM (repeatable): a "
            "'<name> - Test' copy on its test switch.",
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    parsable: Annotated[
        bool,
        typer.Option(
            "--parsable",
            help="With text: one `file:line:col: severity rule: message` line per finding.",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file."),
    ] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Lowest severity that makes the exit code 1.")
    ] = FailOn.error,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Date for accepted-risk expiry (YYYY-MM-DD; default today).",
        ),
    ] = None,
) -> None:
    """Simulate failover and run every rule. Exit 0 clean, 1 findings at/above --fail-on,
    2 bad input, 3 internal error.

    Without --fail/--all-sites/--vm/--link/--test-failover the primary site(s) are lost. The
    design as drawn (design-time) is always checked too.
    """
    day = _parse_day(today)
    design = load_or_exit(file)
    try:
        scenarios = plan(design, fail or [], all_sites, vm or [], link or [], test_failover or [])
    except ScenarioError as exc:
        fail_input([f"{file}: {exc}"])
    progress = _LazyProgress(len(scenarios))
    try:
        report = run_analysis(design, scenarios, today=day, progress=progress)
    finally:
        progress.close()
    if format == Format.text and output is None and not parsable:
        out.print(renderable(report))
    else:
        name = "text-parsable" if format == Format.text and parsable else format.value
        emit(render(report, name), output)
    for f in report.internal_errors:
        err.print(f"internal error: {f.message}", markup=False)
    raise typer.Exit(_exit_code(report, fail_on))


@app.command()
def rules(
    format: Annotated[
        Format, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = Format.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """List every rule: ID, name, default severity, category and what it checks."""
    every = [*all_rules(), *ENGINE_RULES]
    if format == Format.json:
        emit(json.dumps([r.to_dict() for r in every], indent=2) + "\n", output)
        return
    if format == Format.markdown:
        emit(rules_markdown(every), output)
        return
    if format != Format.text:
        fail_input(["rules: --format takes text, json or markdown"])
    table = Table("id", "name", "severity", "category", "checks")
    for r in every:
        table.add_row(r.id, r.name, str(r.severity), r.category, r.summary)
    out.print(table)


@app.command()
def explain(
    rule: Annotated[
        str, typer.Argument(help="Rule name or ID, e.g. gateway-unreachable or NP102.")
    ],
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json.")] = Format.text,
) -> None:
    """Explain one rule: what it does, why it matters, an example, how to fix it."""
    found = find_rule(rule)
    if found is None:
        names = sorted(r.name for r in all_rules())
        import difflib

        close = difflib.get_close_matches(rule, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; see `dr-netplan rules`"
        err.print(f"unknown rule {rule!r}{hint}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    if format == Format.json:
        emit(json.dumps(found.to_dict(), indent=2) + "\n", None)
        return
    phases = ", ".join(str(p) for p in found.phases)
    out.print(
        Markdown(
            f"# {found.id} {found.name}\n\n"
            f"*Severity:* **{found.severity}** · *Category:* {found.category} · "
            f"*Runs:* {phases}\n\n"
            f"## What it does\n\n{found.summary}\n\n## Why it matters\n\n{found.why}\n\n"
            f"## Example\n\n```yaml\n{found.example}\n```\n\n## How to fix\n\n{found.fix}\n"
        )
    )
