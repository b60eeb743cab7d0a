"""The positioned YAML reader: positions, YAML 1.2 scalars, duplicate keys, aliases, tags."""

from __future__ import annotations

import pytest
from loader_helpers import problems_of

import netplan.yamlread as yamlread
from netplan.source import Location
from netplan.yamlread import parse

ONCE = "a key may appear only once in a mapping"


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
