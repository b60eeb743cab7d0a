"""Load a design file into an immutable Design whose every object knows its source position."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from netplan.errors import DesignError, Problem
from netplan.model import Design
from netplan.model.references import validate_references
from netplan.model.types import Base, Named
from netplan.perf import paused_gc
from netplan.source import Path, SourceMap
from netplan.yamlread import parse, read_text


def load_design(file: str) -> Design:
    """Read, parse, validate and cross-check a design; raise DesignError with every problem."""
    with paused_gc():
        data, smap = parse(read_text(file), file)
        return build_design(data, smap)


def build_design(data: dict[str, Any], smap: SourceMap) -> Design:
    """Validate already-parsed data; positions come from `smap`."""
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        raise DesignError(_problems(exc, data, smap)) from None
    issues = validate_references(design)
    if issues:
        raise DesignError([Problem(smap.locate(p), p, msg) for p, msg in issues])
    _attach_locations(design, (), smap)
    design._source_map = smap
    if not design.name:
        object.__setattr__(design, "name", _default_title(smap.file))
    return design


def _default_title(file: str) -> str:
    stem = file.replace("\\", "/").rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem


def _attach_locations(obj: Any, path: Path, smap: SourceMap) -> None:
    if isinstance(obj, Base):
        obj._loc = smap.locate(path)
        for name in type(obj).model_fields:
            _attach_locations(getattr(obj, name), (*path, name), smap)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            _attach_locations(value, (*path, key), smap)
    elif isinstance(obj, tuple):
        for i, value in enumerate(obj):
            if isinstance(value, Base | tuple | dict):
                _attach_locations(value, (*path, i), smap)


# --- pydantic errors -> positioned problems ---------------------------------------------------


def _problems(exc: ValidationError, data: Any, smap: SourceMap) -> list[Problem]:
    out: dict[Path, Problem] = {}
    for err in exc.errors(include_url=False):
        path, complete = _real_path(data, err["loc"])
        if err["type"] == "missing" and not complete:
            path = (*path, err["loc"][len(path)])
        msg = _message(err, path)
        if path not in out:
            out[path] = Problem(smap.locate(path), path, msg)
    return list(out.values())


def _real_path(data: Any, loc: Path) -> tuple[Path, bool]:
    """Keep the part of pydantic's loc that exists in the input (drops union member tags)."""
    out: list[str | int] = []
    cur = data
    for part in loc:
        in_dict = isinstance(cur, dict) and isinstance(part, str) and part in cur
        in_list = isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        if not (in_dict or in_list):
            return tuple(out), False
        cur = cur[part]
        out.append(part)
    return tuple(out), True


def _message(err: ErrorDetails, path: Path) -> str:
    kind, msg, loc = err["type"], err["msg"], err["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listing = f" (expected one of: {', '.join(allowed)})" if allowed and not close else ""
        return f"unknown key {key!r}{hint}{listing}"
    if kind == "missing":
        last = path[-1] if path else loc[-1]
        if isinstance(last, int):
            return f"missing list item [{last}]; the list is too short"
        return f"missing required key {str(last)!r}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if len(loc) >= 1 and loc[-1] == "name" and kind == "string_pattern_mismatch":
        return (
            "name must start with a letter or digit and use only letters, digits, '.', '_' and '-'"
        )
    if kind == "value_error":
        return msg  # our own validators already quote the value
    value = err.get("input")
    if kind == "tuple_type":
        msg = "Input should be a list"
    elif kind == "dict_type":
        msg = "Input should be a mapping (key: value lines, or {key: value})"
    if isinstance(value, dict | list):
        return f"{msg} (got a {'mapping' if isinstance(value, dict) else 'list'})"
    hint = _hint(kind, value)
    return f"{msg} (got {value!r}){hint}"


def _hint(kind: str, value: object) -> str:
    """What to write instead, for the slips people make most."""
    if kind in ("tuple_type", "list_type"):
        if isinstance(value, str) and value.count("-") == 1 and "." in value:
            first, last = value.split("-")
            return f"; write a list of two addresses: [{first.strip()}, {last.strip()}]"
        return f"; write a list, e.g. [{value}]" if isinstance(value, str | int) else ""
    if kind.startswith("date"):
        return "; write the date as YYYY-MM-DD, e.g. 2027-06-30"
    if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"; quote it to make it text: '{value}'"
    return ""


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model at `loc`, for did-you-mean hints."""
    ann: Any = Design
    for part in loc:
        ann = _step(ann, part)
        if ann is None:
            return []
    model = _model_of(ann)
    if model is None:
        return []
    return sorted(n for n in model.model_fields if n != "name" or not issubclass(model, Named))


def _model_of(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in typing.get_args(ann):
        found = _model_of(arg) if not isinstance(arg, str) else None
        if found is not None and typing.get_origin(ann) in (
            typing.Union,
            types.UnionType,
            typing.Annotated,
        ):
            return found
    return None


def _step(ann: Any, part: Any) -> Any:
    model = _model_of(ann)
    if model is not None:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field else None
    origin = typing.get_origin(ann)
    args = [a for a in typing.get_args(ann) if a is not type(None)]
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in args:
            nxt = _step(arg, part)
            if nxt is not None:
                return nxt
        return None
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is tuple and args and isinstance(part, int):
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        return args[min(part, len(args) - 1)]
    return None
