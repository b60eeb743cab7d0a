"""The positioned YAML reader: positions, YAML 1.2 scalars, every way a file can be unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest

import netplan.yamlread as yamlread
from netplan.errors import DesignError
from netplan.loader import load_design
from netplan.source import Location
from netplan.yamlread import parse, read_text

MINIMAL = "sites: {hq: {role: primary}}\n"
ONCE = "a key may appear only once in a mapping"


def problems_of(call, *args) -> list[str]:
    """Run `call(*args)`, expect a DesignError, return its problems as output lines."""
    with pytest.raises(DesignError) as exc:
        call(*args)
    return [str(p) for p in exc.value.problems]


def bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"BUG: {reason}")


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    f = tmp_path / name
    if isinstance(data, bytes):
        f.write_bytes(data)
    else:
        f.write_text(data, encoding="utf-8")
    return str(f)


# --- positions ------------------------------------------------------------------------------


POSITIONS_DOC = """\
# comment
sites:
  hq:
    role: primary
list:
  - first
  -   second
  - {k: v}
"""


def test_positions_of_keys_are_one_based_line_and_column():
    _, smap = parse(POSITIONS_DOC, "d.yaml")
    assert smap.positions[()] == (2, 1)
    assert smap.positions[("sites",)] == (2, 1)
    assert smap.positions[("sites", "hq")] == (3, 3)
    assert smap.positions[("sites", "hq", "role")] == (4, 5)
    assert smap.positions[("list",)] == (5, 1)


def test_positions_of_list_items_point_at_the_item():
    _, smap = parse(POSITIONS_DOC, "d.yaml")
    assert smap.positions[("list", 0)] == (6, 5)
    assert smap.positions[("list", 1)] == (7, 7)
    assert smap.positions[("list", 2)] == (8, 5)
    assert smap.positions[("list", 2, "k")] == (8, 6)


def test_locate_falls_back_to_nearest_recorded_ancestor():
    _, smap = parse(POSITIONS_DOC, "d.yaml")
    assert smap.locate(("sites", "hq", "role")) == Location("d.yaml", 4, 5)
    assert smap.locate(("sites", "hq", "missing", 3)) == Location("d.yaml", 3, 3)
    assert smap.locate(("nowhere",)) == Location("d.yaml", 2, 1)
    assert smap.locate(()) == Location("d.yaml", 2, 1)


def test_flow_style_positions():
    _, smap = parse("a: {b: [10, 20]}\n", "f.yaml")
    assert smap.positions[("a", "b")] == (1, 5)
    assert smap.positions[("a", "b", 0)] == (1, 9)
    assert smap.positions[("a", "b", 1)] == (1, 13)


# --- YAML 1.2 scalars -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:15:50:10:20:30", "00:15:50:10:20:30"),  # base-60 int in YAML 1.1
        ("1:20", "1:20"),
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("tRUE", "tRUE"),
        ("0x1F", 31),
        ("0o17", 15),
        ("012", 12),  # decimal in YAML 1.2, not octal
        ("-7", -7),
        ("+7", 7),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("1.5", 1.5),
        ("-1.5e3", -1500.0),
        (".5", 0.5),
        ("~", None),
        ("null", None),
        ("NULL", None),
        ("", None),
        ("2024-01-31", "2024-01-31"),
        ("2024-01-31T10:00:00Z", "2024-01-31T10:00:00Z"),
        ("10.0.0.1", "10.0.0.1"),
        ("10.0.0.0/24", "10.0.0.0/24"),
        ("2001:db8::1", "2001:db8::1"),
        ('"true"', "true"),
        ("'12'", "12"),
        ("!!str 12", "12"),
        ("!!int '12'", 12),
    ],
)
def test_yaml_1_2_core_scalars(text, expected):
    data, _ = parse(f"v: {text}\n", "s.yaml")
    assert data["v"] == expected
    assert type(data["v"]) is type(expected)


@pytest.mark.parametrize(("text", "sign"), [(".inf", 1), ("-.inf", -1), ("+.inf", 1)])
def test_infinities(text, sign):
    data, _ = parse(f"v: {text}\n", "s.yaml")
    assert data["v"] == sign * float("inf")


def test_nan():
    data, _ = parse("v: .nan\n", "s.yaml")
    assert data["v"] != data["v"]


def test_keys_stay_strings():
    data, _ = parse("1: a\ntrue: b\n~: c\n", "k.yaml")
    assert data == {"1": "a", "true": "b", "~": "c"}


# --- duplicate keys -------------------------------------------------------------------------


def test_duplicate_key_reports_both_positions():
    text = "a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n"
    assert problems_of(parse, text, "d.yaml") == [
        "d.yaml:5:3: b.x: duplicate key 'x' (first at line 3); "
        "a key may appear only once in a mapping"
    ]


def test_every_duplicate_key_is_reported():
    text = "x: 1\nx: 2\ny: 1\ny: 2\n"
    assert problems_of(parse, text, "d.yaml") == [
        "d.yaml:2:1: x: duplicate key 'x' (first at line 1); " + ONCE,
        "d.yaml:4:1: y: duplicate key 'y' (first at line 3); " + ONCE,
    ]


def test_quoted_and_plain_key_are_the_same_key():
    assert problems_of(parse, "'1': a\n1: b\n", "d.yaml") == [
        "d.yaml:2:1: 1: duplicate key '1' (first at line 1); " + ONCE
    ]


def test_duplicate_key_inside_inline_merge_is_reported():
    text = "a:\n  <<: {x: 1, x: 2}\n"
    assert problems_of(parse, text, "d.yaml") == [
        "d.yaml:2:14: a.x: duplicate key 'x' (first at line 2); "
        "a key may appear only once in a mapping"
    ]


def test_non_scalar_key_is_a_problem():
    assert problems_of(parse, "? [a, b]\n: 1\n", "k.yaml") == [
        "k.yaml:1:3: (file): a key must be a plain scalar, not a list or mapping"
    ]


# --- anchors, aliases, merges ---------------------------------------------------------------


def test_alias_copies_the_value_and_its_positions():
    data, smap = parse("a: &x {k: 1, l: [1, 2]}\nb: *x\n", "a.yaml")
    assert data["b"] == {"k": 1, "l": [1, 2]}
    assert smap.positions[("b",)] == (2, 1)
    assert smap.positions[("b", "k")] == (1, 8)  # where the anchored value is written


def test_merge_key():
    text = "base: &b {role: replica, vlan: 10}\nsite:\n  <<: *b\n  role: primary\n"
    data, smap = parse(text, "m.yaml")
    assert data["site"] == {"role": "primary", "vlan": 10}
    assert smap.positions[("site", "role")] == (4, 3)
    # a merged key has no position under the merging mapping: it resolves to that mapping's key
    assert smap.locate(("site", "vlan")) == Location("m.yaml", 2, 1)


def test_merge_list_earlier_sources_win_and_explicit_keys_win_over_all():
    text = "a: &a {k: a, only_a: 1}\nb: &b {k: b, only_b: 2, m: b}\nc:\n  <<: [*a, *b]\n  m: c\n"
    data, _ = parse(text, "m.yaml")
    assert data["c"] == {"k": "a", "only_a": 1, "only_b": 2, "m": "c"}


def test_merge_of_a_scalar_is_a_problem():
    assert problems_of(parse, "a:\n  <<: 1\n", "m.yaml") == [
        "m.yaml:2:7: a: a merge key (<<) takes a mapping or a list of mappings"
    ]


def test_merge_of_a_scalar_in_a_merge_list_points_at_the_scalar():
    assert problems_of(parse, "a:\n  <<: [{k: 1}, 2]\n", "m.yaml") == [
        "m.yaml:2:16: a: a merge key (<<) takes a mapping or a list of mappings"
    ]


def test_quoted_merge_key_is_an_ordinary_key():
    data, _ = parse("a:\n  '<<': {k: 1}\n", "m.yaml")
    assert data == {"a": {"<<": {"k": 1}}}


def test_recursive_alias_is_a_design_error():
    assert problems_of(parse, "a: &x [*x]\n", "r.yaml") == [
        "r.yaml:1:4: a[0]: recursive alias: a node contains itself"
    ]


def test_recursive_merge_is_a_design_error():
    assert problems_of(parse, "a: &x\n  k: 1\n  <<: *x\n", "r.yaml") == [
        "r.yaml:1:4: a: recursive alias: a node contains itself"
    ]


def test_undefined_alias_is_a_design_error():
    assert problems_of(parse, "a: *x\n", "u.yaml") == [
        "u.yaml:1:4: (file): YAML syntax: found undefined alias"
    ]


def test_alias_bomb_is_stopped(monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_NODES", 1000)
    text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 4):
        text += f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n"
    # the 1001st node is an `x` of l0 (line 1), reached through l2's aliases
    assert problems_of(parse, text, "b.yaml") == [
        "b.yaml:1:37: l2[7][8][9]: the document expands to more than 1000 nodes (alias bomb?)"
    ]


def test_merge_bomb_is_stopped(monkeypatch):
    monkeypatch.setattr(yamlread, "MAX_NODES", 1000)
    text = "l0: &l0 {a: 1, b: 2}\n"
    for i in range(1, 5):
        text += f"l{i}: &l{i} {{<<: [{', '.join([f'*l{i - 1}'] * 10)}]}}\n"
    # merges share the builder's node budget: the 1001st node is l0's `b`, merged into l3
    assert problems_of(parse, text, "b.yaml") == [
        "b.yaml:1:19: l3.b: the document expands to more than 1000 nodes (alias bomb?)"
    ]


# --- tags ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "sites: !!python/object:os.system {}\n",
            "t.yaml:1:8: sites: unsupported YAML tag 'tag:yaml.org,2002:python/object:os.system'",
            id="python-object",
        ),
        pytest.param(
            "cmd: !!python/object/apply:os.system [echo hi]\n",
            "t.yaml:1:6: cmd: unsupported YAML tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
            id="python-apply",
        ),
        pytest.param(
            "a: !!set {x: null}\n",
            "t.yaml:1:4: a: unsupported YAML tag 'tag:yaml.org,2002:set'",
            id="set",
        ),
        pytest.param(
            "sites:\n  hq: !custom x\n",
            "t.yaml:2:7: sites.hq: unsupported YAML tag '!custom': only plain data is allowed",
            id="custom-scalar",
        ),
        pytest.param(
            "a: !!binary aGVsbG8=\n",
            "t.yaml:1:4: a: unsupported YAML tag 'tag:yaml.org,2002:binary': "
            "only plain data is allowed",
            id="binary",
        ),
        pytest.param(
            "a: !!timestamp 2024-01-01\n",
            "t.yaml:1:4: a: unsupported YAML tag 'tag:yaml.org,2002:timestamp': "
            "only plain data is allowed",
            id="timestamp",
        ),
        pytest.param(
            "a:\n  <<: {k: !custom x}\n",
            "t.yaml:2:11: a.k: unsupported YAML tag '!custom': only plain data is allowed",
            id="custom-scalar-in-merge",
        ),
    ],
)
def test_unsupported_tags_are_design_errors_at_their_field(text, expected):
    assert problems_of(parse, text, "t.yaml") == [expected]


def test_unsupported_tag_is_still_reported_without_crashing():
    """Whatever the path, a scalar with an unknown tag is a positioned DesignError."""
    (line,) = problems_of(parse, "sites:\n  hq: !custom x\n", "t.yaml")
    assert line.startswith("t.yaml:2:7: ")
    assert line.endswith("unsupported YAML tag '!custom': only plain data is allowed")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!int abc", "t.yaml:1:4: v: 'abc' is not a valid int"),
        ("!!float abc", "t.yaml:1:4: v: 'abc' is not a valid float"),
        ("!!int 0xZZ", "t.yaml:1:4: v: '0xZZ' is not a valid int"),
        pytest.param(
            "!!bool yes",
            "t.yaml:1:4: v: 'yes' is not a valid bool",
        ),
        pytest.param(
            "!!null abc",
            "t.yaml:1:4: v: 'abc' is not a valid null",
        ),
    ],
)
def test_explicit_tag_with_invalid_text_is_a_design_error(text, expected):
    assert problems_of(parse, f"v: {text}\n", "t.yaml") == [expected]


# --- unreadable files -----------------------------------------------------------------------


def test_missing_file(tmp_path):
    f = str(tmp_path / "nope.yaml")
    assert problems_of(load_design, f) == [f"{f}:1:1: (file): no such file"]


def test_directory(tmp_path):
    assert problems_of(load_design, str(tmp_path)) == [
        f"{tmp_path}:1:1: (file): is a directory; expected a design file (.yaml)"
    ]


def test_empty_file(tmp_path):
    f = write(tmp_path, "empty.yaml", "")
    assert problems_of(load_design, f) == [f"{f}:1:1: (file): empty document; expected a design"]


def test_whitespace_and_comments_only(tmp_path):
    f = write(tmp_path, "blank.yaml", "  \n# nothing here\n\n   # nor here\n")
    assert problems_of(load_design, f) == [f"{f}:1:1: (file): empty document; expected a design"]


def test_binary_file(tmp_path):
    f = write(tmp_path, "bin.yaml", b"sites:\x00\x01\x02")
    assert problems_of(load_design, f) == [
        f"{f}:1:1: (file): binary file; expected YAML or JSON text"
    ]


def test_not_utf8(tmp_path):
    f = write(tmp_path, "latin1.yaml", b"a: \xff\n")
    assert problems_of(load_design, f) == [
        f"{f}:1:4: (file): not valid UTF-8 text; save the file as UTF-8"
    ]


def test_not_utf8_on_a_later_line(tmp_path):
    f = write(tmp_path, "latin1.yaml", b"sites:\n  hq:\n    description: caf\xe9\n")
    assert problems_of(load_design, f) == [
        f"{f}:3:21: (file): not valid UTF-8 text; save the file as UTF-8"
    ]


def test_not_utf8_after_bom(tmp_path):
    f = write(tmp_path, "bom.yaml", b"\xef\xbb\xbfa: \xff\n")
    assert problems_of(load_design, f) == [
        f"{f}:1:4: (file): not valid UTF-8 text; save the file as UTF-8"
    ]


def test_not_utf8_column_counts_characters(tmp_path):
    f = write(tmp_path, "latin1.yaml", "é: ".encode() + b"\xff\n")
    assert problems_of(load_design, f) == [
        f"{f}:1:4: (file): not valid UTF-8 text; save the file as UTF-8"
    ]


def test_not_utf8_column_counts_characters_after_bom(tmp_path):
    f = write(tmp_path, "latin1.yaml", b"\xef\xbb\xbf" + "a: €€ ".encode() + b"\xff\n")
    assert problems_of(load_design, f) == [
        f"{f}:1:7: (file): not valid UTF-8 text; save the file as UTF-8"
    ]


def test_utf8_bom_is_accepted(tmp_path):
    f = write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + MINIMAL.encode())
    design = load_design(f)
    assert list(design.sites) == ["hq"]
    assert design.sites["hq"].location == Location(f, 1, 9)


def test_read_text_strips_bom(tmp_path):
    f = write(tmp_path, "bom.yaml", b"\xef\xbb\xbfa: 1\n")
    assert read_text(f) == "a: 1\n"


def test_top_level_list(tmp_path):
    f = write(tmp_path, "list.yaml", "- a\n- b\n")
    assert problems_of(load_design, f) == [
        f"{f}:1:1: (file): the top level is a list; expected a mapping with keys such as "
        "'sites', 'segments' and 'vms'"
    ]


def test_top_level_list_points_at_the_list(tmp_path):
    f = write(tmp_path, "list.yaml", "# sites\n\n- a\n- b\n")
    assert problems_of(load_design, f) == [
        f"{f}:3:1: (file): the top level is a list; expected a mapping with keys such as "
        "'sites', 'segments' and 'vms'"
    ]


def test_top_level_scalar(tmp_path):
    f = write(tmp_path, "scalar.yaml", "hello\n")
    assert problems_of(load_design, f) == [
        f"{f}:1:1: (file): the top level is a single value ('hello'); expected a mapping with "
        "keys such as 'sites', 'segments' and 'vms'"
    ]


def test_top_level_scalar_points_at_the_scalar(tmp_path):
    f = write(tmp_path, "scalar.yaml", "# sites\n\nhello\n")
    assert problems_of(load_design, f) == [
        f"{f}:3:1: (file): the top level is a single value ('hello'); expected a mapping with "
        "keys such as 'sites', 'segments' and 'vms'"
    ]


def test_multiple_documents(tmp_path):
    f = write(tmp_path, "multi.yaml", MINIMAL + "---\n" + MINIMAL)
    assert problems_of(load_design, f) == [
        f"{f}:2:1: (file): YAML syntax: more than one YAML document; "
        "a design file holds exactly one"
    ]


def test_yaml_syntax_error_points_at_the_problem(tmp_path):
    f = write(tmp_path, "syntax.yaml", "sites:\n  hq: [primary\n  dr: x\n")
    assert problems_of(load_design, f) == [
        f"{f}:3:5: (file): YAML syntax: did not find expected ',' or ']'"
    ]


def test_yaml_bad_indentation(tmp_path):
    f = write(tmp_path, "indent.yaml", "sites:\n  hq:\n    role: primary\n   dr: x\n")
    assert problems_of(load_design, f) == [
        f"{f}:4:4: (file): YAML syntax: did not find expected key"
    ]


def test_tab_indentation_in_yaml_is_a_syntax_error(tmp_path):
    f = write(tmp_path, "tab.yaml", "sites:\n\thq: {role: primary}\n")
    assert problems_of(load_design, f) == [
        f"{f}:2:1: (file): YAML syntax: found character that cannot start any token"
    ]


def test_json_with_tabs_loads(tmp_path):
    f = write(
        tmp_path,
        "design.json",
        '{\n\t"sites": {\n\t\t"hq": {"role": "primary"}\n\t},\n\t"description": "a\\tb"\n}\n',
    )
    design = load_design(f)
    assert design.sites["hq"].role == "primary"
    assert design.description == "a\tb"
    assert design.name == "design"
    # a tab counts as one column, like any other character
    assert design.sites["hq"].location == Location(f, 3, 3)
