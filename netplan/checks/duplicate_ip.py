"""Duplicate addresses (NP106): one address used by two things in one domain.

A *domain* is where one address must be unique: one L2 segment, or the sites that route that
address to each other over live vpn/wan/l2 links without NAT that carry it (one site is always
one routed domain). Mirrored twins in unconnected sites are therefore not duplicates. Who uses
which address is collected in `_address_owners`; this module groups the owners of each address
by domain and reports the most easily changed one.
"""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks._address_owners import Owner, collect_owners
from netplan.checks._prefixes import Addr
from netplan.checks._routing import Reach, UnionFind
from netplan.checks._text import and_list
from netplan.checks.registry import Hit, rule
from netplan.findings import Severity
from netplan.state import Context


def _domains(owners: list[Owner], reach: Reach, address: Addr) -> list[list[Owner]]:
    """Owners grouped by domain: one segment, or sites routed together for this address.
    Union over shared keys: linear in the owners of the address."""
    comp = reach.components(address)
    domains = UnionFind(range(len(owners)))
    first: dict[tuple[str, object], int] = {}
    for i, o in enumerate(owners):
        isolated = bool(o.segments) and all(
            reach.ctx.design.segments[s].isolated for s in o.segments
        )
        keys: list[tuple[str, object]] = [("seg", s) for s in o.segments]
        if not isolated:
            keys += [("site", comp.get(s, s)) for s in o.sites]
        for k in keys:
            domains.union(i, first.setdefault(k, i))
    groups: dict[int, list[Owner]] = {}
    for i, o in enumerate(owners):
        groups.setdefault(domains.find(i), []).append(o)
    return [g for _, g in sorted(groups.items())]


@rule(
    "NP106",
    "duplicate-ip",
    Severity.error,
    "addresses",
    summary="One address used by two things (a NIC's effective IP, a failover IP, a gateway or "
    "FHRP virtual address, a DC, DNS or DHCP server, a host, a DHCP reservation for another "
    "client) in one L2 segment or routed domain. Error when both are in use together; warning "
    "when they only meet later (a failover IP at design time, a reservation whose client is "
    "not asking).",
    why="Two owners of one address answer ARP in turn: connections flap, the gateway or DNS "
    "server seems to vanish, and a failed-over VM may take over a survivor's identity.",
    example="vms: {web01: {nics: [{segment: hq-apps, address: 10.1.30.21/24, failover: "
    "{address: 10.2.10.10/24}}]}}  # 10.2.10.10 is the dr DC",
    fix="Give one of them another address (and update DNS); for a reservation, reserve a free "
    "address or remove the stale reservation.",
)
def duplicate_ip(ctx: Context) -> Iterator[Hit]:
    own = collect_owners(ctx)
    reach = Reach(ctx)
    for address in sorted(own.by_addr, key=lambda a: (a.version, int(a))):
        owners = own.by_addr[address]
        if len({o.identity for o in owners}) < 2:
            continue
        for group in _domains(owners, reach, address):
            yield from _report(address, group)


def _report(address: Addr, group: list[Owner]) -> Iterator[Hit]:
    best: dict[str, Owner] = {}
    live: dict[str, bool] = {}
    for o in sorted(group, key=lambda o: (o.rank, o.subject, o.label)):
        best.setdefault(o.identity, o)
        live[o.identity] = live.get(o.identity, False) or o.live
    if len(best) < 2:
        return
    # Report the most easily changed owner(s), and also whoever is in use together now.
    top = min(o.rank for o in best.values())
    live_ranks = [o.rank for i, o in best.items() if live[i]]
    top_live = min(live_ranks) if len(live_ranks) > 1 else -1
    segs = sorted({s for o in group for s in o.segments})
    sites = sorted({s for o in group for s in o.sites})
    where = (
        f"on segment {segs[0]!r}" if len(segs) == 1 else f"in one routed domain ({and_list(sites)})"
    )
    everyone = sorted(best.values(), key=lambda o: (o.rank, o.subject, o.label))
    said: set[str] = set()
    for ident, o in sorted(best.items(), key=lambda kv: (kv[1].subject, kv[0])):
        if o.rank != top and not (live[ident] and o.rank == top_live):
            continue
        if o.subject in said:
            continue  # e.g. two gateways of one segment: one finding names both
        said.add(o.subject)
        others = [x for x in everyone if x.identity != ident]
        together = live[ident] and any(live[x.identity] for x in others)
        yield Hit(
            o.subject,
            f"{address} is used {where} by {o.label} and also by "
            + "; ".join(x.label for x in others)
            + ("" if together else " (not both in use yet)"),
            o.path,
            severity=None if together else Severity.warning,
        )
