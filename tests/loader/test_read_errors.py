"""Design files that cannot be read: missing, a directory, empty, binary, not UTF-8, bad shape."""

from __future__ import annotations

from pathlib import Path

from loader_helpers import problems_of

from netplan.loader import load_design
from netplan.source import Location
from netplan.yamlread import read_text

MINIMAL = "sites: {hq: {role: primary}}\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    f = tmp_path / name
    if isinstance(data, bytes):
        f.write_bytes(data)
    else:
        f.write_text(data, encoding="utf-8")
    return str(f)


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
