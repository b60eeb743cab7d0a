"""No input crashes the tool: mutated example designs either fail to load with positioned
problems, or analyse without an internal error. Seeded, so every run checks the same inputs."""

from __future__ import annotations

import copy
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from netplan.engine import analyze
from netplan.errors import DesignError
from netplan.loader import load_design
from netplan.scenario import plan
from netplan.yamlread import parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "designs").glob("*.yaml"))
REPLACEMENTS: list[Any] = [
    None,
    "",
    "x",
    0,
    -1,
    4095,
    1.5,
    True,
    [],
    {},
    ["x"],
    {"x": 1},
    "10.0.0.0/8",
    "10.1.10.1",
    "10.1.10.1/24",
    "2001:db8::1",
    "999.1.1.1",
    "00-15-5D-00-00-01",
    "hq",
    "dr",
    "site1",
    "primary",
    "static",
    "dhcp",
]
PER_DESIGN = 60


def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*path, i))
    return out


def _mutate(data: dict, rng: random.Random) -> dict:
    out = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(out)
        target = rng.choice(paths)
        parent = out
        for part in target[:-1]:
            parent = parent[part]
        if rng.random() < 0.2 and isinstance(parent, dict):
            del parent[target[-1]]
        else:
            parent[target[-1]] = copy.deepcopy(rng.choice(REPLACEMENTS))
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_mutated_designs_never_crash(example: Path, tmp_path: Path) -> None:
    data, _ = parse(example.read_text(), str(example))
    rng = random.Random(f"dr-netplan:{example.name}")
    outcomes = {"rejected": 0, "analysed": 0}
    for n in range(PER_DESIGN):
        f = tmp_path / f"m{n}.yaml"
        f.write_text(yaml.safe_dump(_mutate(data, rng), sort_keys=False))
        try:
            design = load_design(str(f))
        except DesignError as exc:
            assert exc.problems and all(p.location.file == str(f) for p in exc.problems)
            outcomes["rejected"] += 1
            continue
        report = analyze(design, plan(design, all_sites=True), today=date(2026, 11, 25))
        assert report.internal_errors == [], (f.read_text(), report.internal_errors[0].message)
        outcomes["analysed"] += 1
    assert outcomes["analysed"] > 0 and outcomes["rejected"] > 0, outcomes
