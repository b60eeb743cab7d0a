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
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.progress import Progress, TaskID
from rich.table import Table
from rich.text import Text

from netplan.checks.registry import ENGINE_RULES, Rule, all_rules, find_rule
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
    show,
)
from netplan.engine import Report
from netplan.engine import analyze as run_analysis
from netplan.findings import Severity
from netplan.render import render
from netplan.render.rules_doc import rules_markdown
from netplan.render.text import WIDE, plain_text, renderable
from netplan.scenario import Scenario, ScenarioError, plan


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class ExplainFormat(StrEnum):
    text = "text"
    json = "json"


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


ANALYZE_HELP = (
    "Simulate failover and run every rule. Exit 0: nothing at or above --fail-on; 1: findings at "
    "or above it; 2: bad input or usage; 3: internal error.\n\n"
    "Without --fail, --all-sites, --vm, --link or --test-failover the primary site(s) are lost. "
    "The design as drawn (design-time) is always checked too."
)


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


@app.command(help=ANALYZE_HELP)
def analyze(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Design file (YAML or JSON).")],
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
            help="With text: one `file:line:col: severity rule: message [scenario] (subject)` "
            "line per finding.",
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
    """Simulate failover and run every rule (help text: ANALYZE_HELP)."""
    if parsable and format != Format.text:
        fail_input([f"--parsable works with --format text only, not {format.value}"])
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
        show(renderable(report, out.width))
    else:
        emit(render(report, "text-parsable" if parsable else format.value), output)
    for f in report.internal_errors:
        err.print(f"internal error: {f.message}", markup=False)
    raise typer.Exit(_exit_code(report, fail_on))


@app.command()
def rules(
    format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RulesFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write to this file instead of stdout."
        ),
    ] = None,
) -> None:
    """List every rule: ID, name, default severity, category and what it checks."""
    every = [*all_rules(), *ENGINE_RULES]
    if format == RulesFormat.json:
        emit(json.dumps([r.to_dict() for r in every], indent=2) + "\n", output)
    elif format == RulesFormat.markdown:
        emit(rules_markdown(every), output)
    elif output is not None:
        emit(plain_text(_rules_view(every, WIDE), WIDE), output)
    else:
        show(_rules_view(every, out.width))


def _rules_view(every: list[Rule], width: int) -> RenderableType:
    """A table when the `checks` column gets 40 columns or more; otherwise one header row per
    rule with what it checks indented under it. Names are never cut."""
    cols = [max(len(getattr(r, a)) for r in every) for a in ("id", "name", "category")]
    if width - sum(cols) - len("severity") - 16 >= 40:
        table = Table("id", "name", "severity", "category", "checks")
        for c in table.columns[:4]:
            c.no_wrap = True
        for r in every:
            table.add_row(r.id, r.name, str(r.severity), r.category, Text(r.summary))
        return table
    parts: list[RenderableType] = []
    for r in every:
        parts.append(
            Text.assemble(
                (r.id, "bold"), " ", (r.name, "bold"), f"  {r.severity}", (f"  {r.category}", "dim")
            )
        )
        parts.append(Padding(Text(r.summary), (0, 0, 0, 6)))
    return Group(*parts)


@app.command()
def explain(
    rule: Annotated[
        str,
        typer.Argument(metavar="RULE", help="Rule name or ID, e.g. gateway-unreachable or NP102."),
    ],
    format: Annotated[
        ExplainFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExplainFormat.text,
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
    if format == ExplainFormat.json:
        emit(json.dumps(found.to_dict(), indent=2) + "\n", None)
        return
    show(_explain_view(found))


def _explain_view(rule: Rule) -> RenderableType:
    """Plain sections; the example is wrapped, never cropped."""
    phases = ", ".join(str(p) for p in rule.phases)
    parts: list[RenderableType] = [
        Text(f"{rule.id} {rule.name}", style="bold"),
        Text(f"severity {rule.severity} · category {rule.category} · runs {phases}", style="dim"),
    ]
    for title, body, style in (
        ("What it does", rule.summary, ""),
        ("Why it matters", rule.why, ""),
        ("Example", rule.example, "cyan"),
        ("How to fix", rule.fix, ""),
    ):
        parts += [
            Text(""),
            Text(title, style="bold"),
            Padding(Text(body, style=style), (0, 0, 0, 2)),
        ]
    return Group(*parts)
