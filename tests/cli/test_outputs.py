"""The reports as their readers meet them: the text report in an 80- and a 140-column terminal,
Markdown as a pull-request comment, and the commands' own output (SARIF and JUnit are in
test_outputs_ci.py).

Most tests render a hand-made report (fixed findings, strings with markup in them), so they test
the renderers, not the rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from output_helpers import ACCEPTED, DESIGN, INFO, WARNING, finding, report, run

from netplan.checks.registry import ENGINE_RULES, all_rules
from netplan.cli.app import out
from netplan.render import markdown, render
from netplan.render.markdown import code, text
from netplan.render.text import plain
from netplan.source import Location

FORMATS = ("text", "json", "markdown", "sarif", "junit")

# The engine sorts worst first; the accepted error comes before the warning on purpose.
SAMPLE = report([INFO], [finding(), ACCEPTED, WARNING])


# --- text -----------------------------------------------------------------------------------


def test_text_at_80_columns_is_a_list_with_the_message_under_a_header_row() -> None:
    assert plain(SAMPLE, 80) == (
        "dr-netplan trigger (tests/rules/cases/gateway-unreachable/trigger.yaml) -\n"
        "approach: stretched\n"
        "\n"
        "design-time  1 info\n"
        "The design as drawn, everything running.\n"
        "info     NP100 design-approach  design  line 2:1\n"
        "         design approach: stretched [every network]\n"
        "\n"
        "fail site1  1 error, 1 warning, 1 accepted\n"
        "Site(s) site1 lost; replicas start elsewhere.\n"
        "error    NP102 gateway-unreachable  nic:web01/0  line 20:12\n"
        "         web01 in site2: gateway 192.168.20.1 is not a live gateway on segment\n"
        "         'lan'\n"
        "warning  NP401 dns-unavailable  nic:app01/eth0  line 24:12\n"
        "         app01 in site2: its preferred DNS server 192.168.20.53 does not answer:\n"
        "         its VM dns01 is not running in any surviving site\n"
        "accepted NP102 gateway-unreachable  nic:off01/0  line 27:12\n"
        "         [bold]off01[/bold] keeps its gateway\n"
        "         accepted: [kiosk] VLAN, see <ticket> | `ref` (owner: net-team)\n"
        "\n"
        "How to fix (dr-netplan explain RULE)\n"
        "  - gateway-unreachable: Point the NIC at a live gateway.\n"
        "  - dns-unavailable: Point the NIC at a DNS server in its site.\n"
        "\n"
        "1 error, 1 warning, 1 info, 1 accepted in 2 scenarios\n"
    )


def test_text_at_140_columns_is_a_table() -> None:
    lines = plain(SAMPLE, 140).splitlines()
    assert max(map(len, lines)) <= 140
    assert (
        "│ error    │ NP102 gateway-unreachable │ nic:web01/0    │ web01 in site2: gateway "
        "192.168.20.1 is not a live gateway on segment    │ 20:12 │"
    ) in lines
    # Accepted findings come after the active ones, with the reason and owner under the message.
    start = lines.index(next(line for line in lines if "│ accepted │" in line))
    assert "│ warning  │" in lines[start - 2]
    assert "[bold]off01[/bold] keeps its gateway" in lines[start]
    assert "accepted: [kiosk] VLAN, see <ticket> | `ref` (owner: net-team)" in lines[start + 1]


def test_cli_text_follows_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "width", 80)
    narrow = run("analyze", "designs/hybrid.yaml", "--fail-on", "never", "--today", "2026-11-25")
    assert narrow.exit_code == 0
    lines = narrow.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert all(line == line.rstrip() for line in lines)
    assert "accepted NP402 dns-ttl-vs-rto  record:api01.corp.example  line 327:51" in lines
    assert (
        "         accepted: Partner systems cache api01 for 20 minutes whatever the TTL;" in lines
    )
    assert lines[-1] == "0 errors, 7 warnings, 21 info, 1 accepted in 2 scenarios"
    monkeypatch.setattr(out, "width", 140)
    wide = run("analyze", "designs/hybrid.yaml", "--fail-on", "never", "--today", "2026-11-25")
    assert max(map(len, wide.stdout.splitlines())) <= 140
    assert "┃ severity ┃ rule " in wide.stdout


def test_text_file_is_the_140_column_layout(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    res = run("analyze", DESIGN, "-o", str(target), "--fail-on", "never")
    assert res.exit_code == 0
    written = target.read_text(encoding="utf-8")
    assert "┃ severity ┃ rule" in written
    assert max(map(len, written.splitlines())) <= 140


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_inline_escaping() -> None:
    assert text("a|b <b>x</b> *y* [l](u) ~z~ \\ test_segment _em_") == (
        "a\\|b \\<b>x\\</b> \\*y\\* \\[l\\](u) \\~z\\~ \\\\ test_segment \\_em\\_"
    )
    assert text("two\nlines") == "two lines"
    assert code("nic:a|b") == "`nic:a\\|b`"
    assert code("a `b` c") == "``a `b` c``"
    assert code("`x`", cell=False) == "`` `x` ``"


def test_markdown_comment() -> None:
    md = render(SAMPLE, "markdown")
    assert md.startswith(
        "## dr-netplan: trigger\n"
        "\n"
        "🔴 **1 error, 1 warning, 1 info, 1 accepted in 2 scenarios** · design "
        "`tests/rules/cases/gateway-unreachable/trigger.yaml` · approach **stretched**\n"
        "\n"
        "| scenario | 🔴 errors | 🟠 warnings | 🔵 info | ⚪ accepted |\n"
        "|---|--:|--:|--:|--:|\n"
        "| design-time | 0 | 0 | 1 | 0 |\n"
        "| fail site1 | 1 | 1 | 0 | 1 |\n"
    )
    assert (
        "### 🔴 fail site1\n"
        "\n"
        "*Site(s) site1 lost; replicas start elsewhere.*\n"
        "\n"
        "| severity | rule | subject | message | line |\n"
        "|---|---|---|---|---|\n"
        "| 🔴 error | `gateway-unreachable` | `nic:web01/0` | web01 in site2: gateway 192.168.20.1 "
        "is not a live gateway on segment 'lan' | 20 |\n"
        "| 🟠 warning | `dns-unavailable` | `nic:app01/eth0` | app01 in site2: its preferred DNS "
        "server 192.168.20.53 does not answer: its VM dns01 is not running in any surviving "
        "site | 24 |\n"
        "\n"
        "<details><summary>1 accepted</summary>\n"
        "\n"
        "| severity | rule | subject | message | line |\n"
        "|---|---|---|---|---|\n"
        "| ⚪ accepted | `gateway-unreachable` | `nic:off01/0` | \\[bold\\]off01\\[/bold\\] keeps "
        "its gateway *(accepted by `net-team`: \\[kiosk\\] VLAN, see \\<ticket> \\| \\`ref\\`)* "
        "| 27 |\n"
        "\n"
        "</details>\n"
    ) in md
    assert md.endswith(
        "### How to fix\n"
        "\n"
        "- 🔴 `gateway-unreachable`: Point the NIC at a live gateway.\n"
        "- 🟠 `dns-unavailable`: Point the NIC at a DNS server in its site.\n"
        "\n"
        "`dr-netplan explain RULE` tells why a rule matters, with an example.\n"
    )


def test_markdown_folds_errors_after_the_first_twenty() -> None:
    errors = [
        finding(subject=f"nic:vm{i:02}/0", location=Location(DESIGN, i + 1, 1)) for i in range(23)
    ]
    md = render(report([], [*errors, WARNING]), "markdown")
    main, folded = md.split("<details><summary>3 more errors, 1 more warning</summary>")
    assert main.count("| 🔴 error |") == 20
    assert folded.count("| 🔴 error |") == 3 and folded.count("| 🟠 warning |") == 1
    assert (
        "### ✅ design-time\n\n*The design as drawn, everything running.*\n\nNo findings.\n"
    ) in md


def test_markdown_stays_under_the_comment_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = [
        finding(subject=f"nic:vm{i:03}/0", location=Location(DESIGN, i + 1, 1)) for i in range(300)
    ]
    full = render(report([], errors), "markdown")
    assert "Not shown" not in full
    monkeypatch.setattr(markdown, "BUDGET", 6_000)
    short = render(report([], errors), "markdown")
    assert len(short) <= 6_000
    assert (
        "*Not shown (the comment would be too long): 270 errors; see the JSON (`-f json`) or "
        "SARIF report.*"
    ) in short
    assert short.count("| 🔴 error |") == 20 + 10


def test_markdown_keeps_angle_brackets_of_the_test_failover_description() -> None:
    res = run("analyze", "designs/hybrid.yaml", "--test-failover", "sql01", "-f", "markdown")
    assert (
        "*Test failover of sql01: a '\\<name> - Test' copy starts in the replica site on its test "
        "switch; production keeps running.*"
    ) in res.stdout


# --- the commands ---------------------------------------------------------------------------


def test_parsable_goes_with_text_only() -> None:
    res = run("analyze", DESIGN, "--parsable", "-f", "json")
    assert res.exit_code == 2
    assert res.stderr == "--parsable works with --format text only, not json\n"
    assert res.stdout == ""


def test_rules_and_explain_accept_only_their_formats(tmp_path: Path) -> None:
    assert run("rules", "-f", "sarif").exit_code == 2
    assert run("explain", "gateway-unreachable", "-f", "markdown").exit_code == 2
    target = tmp_path / "rules.txt"
    res = run("rules", "-o", str(target))
    assert res.exit_code == 0 and res.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert "┃ id    ┃ name" in written
    assert all(r.name in written for r in all_rules())


def test_rules_at_80_columns_never_cut_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "width", 80)
    res = run("rules")
    lines = res.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert "…" not in res.stdout
    for r in [*all_rules(), *ENGINE_RULES]:
        assert f"{r.id} {r.name}  {r.severity}  {r.category}" in lines


def test_explain_prints_the_whole_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "width", 80)
    res = run("explain", "stretched-single-gateway")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[:2] == [
        "NP101 stretched-single-gateway",
        "severity error · category topology · runs after",
    ]
    example = lines[lines.index("Example") + 1 : lines.index("How to fix") - 1]
    assert " ".join(line.strip() for line in example) == (
        "segments: {lan: {sites: [site1, site2]}}; routers: {r1: {site: site1, interfaces: "
        "[{segment: lan, address: 10.20.0.1}]}}"
    )


def test_classify_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(out, "width", 80)
    res = run("classify", "designs/hybrid.yaml")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[0] == "Litware hybrid DR design: overall approach hybrid"
    i = lines.index("srv  stretched  sites dr, hq; 10.20.0.0/24")
    assert lines[i + 1] == (
        "    segment 'srv' (10.20.0.0/24, VLAN 20) is one L2 domain in sites hq, dr: the"
    )


def test_analyze_help_states_the_exit_codes() -> None:
    res = run("analyze", "--help")
    assert res.exit_code == 0
    words = " ".join(re.sub(r"[│╭╮╰╯─]", " ", res.stdout).split())
    assert (
        "Simulate failover and run every rule. Exit 0: nothing at or above --fail-on; 1: "
        "findings at or above it; 2: bad input or usage; 3: internal error."
    ) in words
    assert "Usage: dr-netplan analyze [OPTIONS] {FILE}" in words


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_byte_identical_and_has_no_timestamp(fmt: str) -> None:
    args = ("analyze", "designs/hybrid.yaml", "--all-sites", "-f", fmt, "--today", "2026-11-25")
    first, second = run(*args), run(*args)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|timestamp", first.stdout)
