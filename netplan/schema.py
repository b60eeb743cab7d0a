"""JSON Schema of the design format, for editors (completion and validation while typing)."""

from __future__ import annotations

import json
from typing import Any

from netplan.model import Design
from netplan.model.types import Named

SCHEMA_ID = "https://dr-netplan.invalid/schema/design-v1.json"


def _named_titles() -> set[str]:
    out: set[str] = set()
    todo = list(Named.__subclasses__())
    while todo:
        cls = todo.pop()
        out.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return out


def design_schema() -> dict[str, Any]:
    """The schema; `name` is dropped from keyed objects because the mapping key supplies it."""
    schema = Design.model_json_schema(mode="validation")
    named = _named_titles()
    for title, definition in schema.get("$defs", {}).items():
        if title in named:
            definition.get("properties", {}).pop("name", None)
            if "required" in definition:
                definition["required"] = [r for r in definition["required"] if r != "name"]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "dr-netplan design"
    return schema


def schema_text() -> str:
    return json.dumps(design_schema(), indent=2, sort_keys=True) + "\n"
