"""Read YAML (or JSON) into plain data plus a SourceMap, safely and with positions.

libyaml's C parser composes the node tree (fast); we build the Python values ourselves so that we
keep every key's position, reject duplicate keys, and resolve scalars by YAML 1.2 core rules.
YAML 1.1's implicit types are a trap in network designs: `10:15:50:10:20:30` is a base-60
integer and `no` is a boolean there. Only `true`/`false`, `null`/`~`, decimal/0x/0o integers and
floats are implicit here; everything else stays a string.
"""

from __future__ import annotations

import re
from pathlib import Path as FsPath
from typing import Any

import yaml

from netplan.errors import DesignError, Problem
from netplan.source import Location, Path, SourceMap

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_NODES = 5_000_000  # guards against alias bombs ("billion laughs")

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Loader(_BaseLoader):
    """A safe loader whose implicit scalar types follow the YAML 1.2 core schema."""


_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Loader.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_Loader.add_implicit_resolver(_MERGE, re.compile(r"^<<$"), ["<"])


def _scalar(node: yaml.ScalarNode, path: Path) -> Any:
    try:
        return _convert(node)
    except _Fail as fail:
        fail.path = path
        raise
    except ValueError:
        kind = node.tag.rsplit(":", 1)[-1]
        raise _Fail(node, f"{node.value!r} is not a valid {kind}", path) from None


def _convert(node: yaml.ScalarNode) -> Any:
    tag, text = node.tag, node.value
    if tag == _STR:
        return text
    if tag == _NULL:
        if text not in ("", "~", "null", "Null", "NULL"):
            raise ValueError(text)
        return None
    if tag == _BOOL:
        if text.lower() not in ("true", "false"):
            raise ValueError(text)
        return text.lower() == "true"
    if tag == _INT:
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    if tag == _FLOAT:
        low = text.lower()
        if low.endswith(".inf"):
            return float("-inf") if low.startswith("-") else float("inf")
        if low == ".nan":
            return float("nan")
        return float(text)
    raise _Fail(node, f"unsupported YAML tag {tag!r}: only plain data is allowed")


class _Fail(Exception):
    def __init__(self, node: yaml.Node, message: str, path: Path = ()) -> None:
        self.node = node
        self.message = message
        self.path = path


class _Builder:
    """Turns a composed node tree into dicts/lists/scalars, recording positions by path."""

    def __init__(self, smap: SourceMap) -> None:
        self.smap = smap
        self.count = 0
        self.active: set[int] = set()
        self.problems: list[Problem] = []

    def _pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _problem(self, node: yaml.Node, path: Path, message: str) -> None:
        line, col = self._pos(node)
        self.problems.append(Problem(Location(self.smap.file, line, col), path, message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Fail(
                node, f"the document expands to more than {MAX_NODES} nodes (alias bomb?)", path
            )
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _MERGE else _scalar(node, path)
        if id(node) in self.active:
            raise _Fail(node, "recursive alias: a node contains itself", path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _SEQ:
                    raise _Fail(node, f"unsupported YAML tag {node.tag!r}", path)
                out = []
                for i, item in enumerate(node.value):
                    self.smap.positions.setdefault((*path, i), self._pos(item))
                    out.append(self.build(item, (*path, i)))
                return out
            if node.tag != _MAP or not isinstance(node, yaml.MappingNode):
                raise _Fail(node, f"unsupported YAML tag {node.tag!r}", path)
            return self._mapping(node, path)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE:
                merged.update(self._merge(value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "a key must be a plain scalar, not a list or mapping")
                continue
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark
                self._problem(
                    key_node,
                    (*path, key),
                    f"duplicate key {key!r} (first at line {first.line + 1}); "
                    "a key may appear only once in a mapping",
                )
                continue
            seen[key] = key_node
            self.smap.positions[(*path, key)] = self._pos(key_node)
            out[key] = self.build(value_node, (*path, key))
        return {**{k: v for k, v in merged.items() if k not in out}, **out}

    def _merge(self, value_node: yaml.Node, path: Path) -> dict[str, Any]:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        merged: dict[str, Any] = {}
        for src in sources:
            if not isinstance(src, yaml.MappingNode):
                raise _Fail(src, "a merge key (<<) takes a mapping or a list of mappings", path)
            # Share the node budget, the recursion guard and the problems; but merged keys keep
            # their anchor's positions, so record them in a throwaway map.
            real, self.smap = self.smap, SourceMap(self.smap.file)
            try:
                value = self.build(src, path)
            finally:
                self.smap = real
            merged = {**value, **merged}
        return merged


def read_text(file: str) -> str:
    """Read a design file as UTF-8 text, turning every I/O failure into a positioned Problem."""
    fs = FsPath(file)
    here = Location(file, 1, 1)
    try:
        if fs.is_dir():
            raise DesignError([Problem(here, (), "is a directory; expected a design file (.yaml)")])
        data = fs.read_bytes()
    except FileNotFoundError:
        raise DesignError([Problem(here, (), "no such file")]) from None
    except PermissionError:
        raise DesignError([Problem(here, (), "permission denied")]) from None
    except OSError as exc:
        raise DesignError([Problem(here, (), f"cannot read: {exc.strerror or exc}")]) from None
    if b"\x00" in data:
        raise DesignError([Problem(here, (), "binary file; expected YAML or JSON text")])
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before[before.rfind(b"\n") + 1 :]
        col = len(line_start.decode("utf-8", "replace")) + 1
        raise DesignError(
            [Problem(Location(file, line, col), (), "not valid UTF-8 text; save the file as UTF-8")]
        ) from None


def parse(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse one YAML/JSON document into plain data and its SourceMap."""
    smap = SourceMap(file)
    # Tabs are legal whitespace in JSON but not YAML indentation; inside JSON strings they must be
    # escaped, so replacing them keeps JSON meaning and every column.
    if file.lower().endswith(".json"):
        text = text.replace("\t", " ")
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if exc.problem and "another document" in exc.problem:
            what = "more than one YAML document; a design file holds exactly one"
        else:
            what = exc.problem or exc.context or "invalid YAML"
        raise DesignError(
            [Problem(Location(file, line, col), (), f"YAML syntax: {what}")]
        ) from None
    except yaml.YAMLError as exc:
        raise DesignError([Problem(Location(file, 1, 1), (), f"YAML syntax: {exc}")]) from None
    if root is None:
        raise DesignError([Problem(Location(file, 1, 1), (), "empty document; expected a design")])
    builder = _Builder(smap)
    smap.positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    try:
        data = builder.build(root, ())
    except _Fail as fail:
        builder._problem(fail.node, fail.path, fail.message)
        raise DesignError(builder.problems) from None
    if builder.problems:
        raise DesignError(builder.problems)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({data!r})"
        raise DesignError(
            [
                Problem(
                    smap.locate(()),
                    (),
                    f"the top level is {kind}; expected a mapping "
                    "with keys such as 'sites', 'segments' and 'vms'",
                )
            ]
        )
    return data, smap
