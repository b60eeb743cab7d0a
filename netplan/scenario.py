"""Failover scenarios: which sites, VMs or links are gone. Pure data; `Context` applies them.

A scenario never touches the design or the graph: `Context` (in `netplan.state`) derives the live
view and each NIC's effective state from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from netplan.model import Design


class Phase(StrEnum):
    """When a rule runs: on the design as drawn (before) and/or after a scenario is applied."""

    before = "before"
    after = "after"


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    phase: Phase
    failed_sites: frozenset[str] = frozenset()
    failed_vms: frozenset[str] = frozenset()  # single VMs failed over while the rest stay
    failed_links: frozenset[str] = frozenset()
    test_vms: frozenset[str] = frozenset()  # test failover: "<vm> - Test" copies, production stays
    description: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "phase": str(self.phase),
            "failed_sites": sorted(self.failed_sites),
            "failed_vms": sorted(self.failed_vms),
            "failed_links": sorted(self.failed_links),
            "test_vms": sorted(self.test_vms),
        }


DESIGN_TIME = Scenario(
    "design-time", Phase.before, description="The design as drawn, everything running."
)


def fail_sites(sites: Iterable[str]) -> Scenario:
    dead = frozenset(sites)
    return Scenario(
        "fail " + "+".join(sorted(dead)),
        Phase.after,
        failed_sites=dead,
        description=f"Site(s) {', '.join(sorted(dead))} lost; replicas start elsewhere.",
    )


def fail_vms(vms: Iterable[str]) -> Scenario:
    moved = frozenset(vms)
    return Scenario(
        "failover vm " + "+".join(sorted(moved)),
        Phase.after,
        failed_vms=moved,
        description=f"Only {', '.join(sorted(moved))} failed over; every site still up.",
    )


def fail_links(links: Iterable[str]) -> Scenario:
    down = frozenset(links)
    return Scenario(
        "fail link " + "+".join(sorted(down)),
        Phase.after,
        failed_links=down,
        description=f"Link(s) {', '.join(sorted(down))} down; every site still up.",
    )


def test_failover(vms: Iterable[str]) -> Scenario:
    tested = frozenset(vms)
    return Scenario(
        "test failover " + "+".join(sorted(tested)),
        Phase.after,
        test_vms=tested,
        description=f"Test failover of {', '.join(sorted(tested))}: a '<name> - Test' copy "
        "starts in the replica site on its test switch; production keeps running.",
    )


class ScenarioError(ValueError):
    """A scenario names something the design does not have (a usage error, exit 2)."""


def plan(
    design: Design,
    sites: Iterable[str] = (),
    all_sites: bool = False,
    vms: Iterable[str] = (),
    links: Iterable[str] = (),
    test_vms: Iterable[str] = (),
) -> list[Scenario]:
    """The scenarios to run: design-time always; then what was asked, or the primary sites' loss."""
    sites, vms, links, tests = list(sites), list(vms), list(links), list(test_vms)
    for kind, names, known in (
        ("site", sites, design.sites),
        ("VM", vms, design.vms),
        ("link", links, design.links),
        ("VM", tests, design.vms),
    ):
        for name in names:
            if name not in known:
                raise ScenarioError(
                    f"unknown {kind} {name!r}; the design has: {', '.join(sorted(known)) or 'none'}"
                )
    out = [DESIGN_TIME]
    if all_sites:
        out += [fail_sites([s]) for s in sorted(design.sites)]
    elif sites:
        out.append(fail_sites(sites))
    if vms:
        out.append(fail_vms(vms))
    if links:
        out.append(fail_links(links))
    if tests:
        unreplicated = sorted(v for v in tests if not design.vms[v].replicated)
        if unreplicated:
            raise ScenarioError(
                f"test failover needs a replica: {', '.join(unreplicated)} has no replica_host"
            )
        out.append(test_failover(tests))
    if not (all_sites or sites or vms or links or tests):
        out.append(fail_sites(design.primary_sites))
    return out
