"""Overlapping ranges that something routes together: nested CIDRs (NP104) or the same CIDR
mirrored in two sites (NP105) on different L2 domains, joined by a live routed link without NAT
that carries them.

Ranges are indexed by a sort-and-sweep, never compared pair by pair, so a design with thousands
of segments costs about as much as reading it. Which sites a prefix joins is `_routing.Reach`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks._prefixes import Net
from netplan.checks._routing import Reach
from netplan.checks._text import and_list
from netplan.checks.registry import Hit, rule
from netplan.classify import overlapping_groups
from netplan.findings import Severity
from netplan.state import Context

# --- ranges ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Range:
    cidr: Net
    segment: str
    field: str  # "ipv4" / "ipv6"


def _live_ranges(ctx: Context) -> list[_Range]:
    out = []
    for name in sorted(ctx.design.segments):
        seg = ctx.design.segments[name]
        if seg.isolated or not ctx.segment_live_sites(name):
            continue
        for field in ("ipv4", "ipv6"):
            cidr = getattr(seg, field)
            if cidr is not None:
                out.append(_Range(cidr, name, field))
    return out


def _joined_sites(
    ctx: Context, reach: Reach, a: str, b: str, prefixes: tuple[Net, ...]
) -> tuple[str, str, Net] | None:
    """Two distinct live sites, one of each segment, routed together for one of `prefixes`."""
    for p in prefixes:
        for sa in ctx.segment_live_sites(a):
            for sb in ctx.segment_live_sites(b):
                if sa != sb and reach.joined(sa, sb, p):
                    return sa, sb, p
    return None


def _via(reach: Reach, sa: str, sb: str, prefix: Net) -> str:
    comp = reach.components(prefix)
    sites = {s for s, c in comp.items() if c == comp[sa]}
    names = reach.links_between(sites, prefix)
    links = ", ".join(f"{n} ({reach.ctx.design.links[n].type}, no NAT)" for n in names)
    return f"link {links} routes {prefix} between {sa} and {sb}"


def _seg_desc(ctx: Context, name: str, cidr: Net) -> str:
    return f"{name!r} ({cidr}, {', '.join(ctx.segment_live_sites(name))})"


@rule(
    "NP104",
    "overlapping-cidr-connected",
    Severity.error,
    "addresses",
    summary="Overlapping (not identical) subnets on different L2 domains in different sites, "
    "while a live routed link without NAT (vpn, wan, l2) joins those sites and carries either "
    "prefix.",
    why="Routers pick the longest match: part of the larger range becomes unreachable from the "
    "other site, and hosts in the overlap answer locally. Failures look random and depend on "
    "which address a VM happens to have.",
    example="segments: {hq-lan: {sites: [hq], ipv4: 10.1.0.0/16}, dr-lan: {sites: [dr], ipv4: "
    "10.1.5.0/24}}; links: {vpn: {type: vpn, sites: [hq, dr]}}",
    fix="Renumber one side so the ranges are disjoint, or NAT the link, or stop carrying the "
    "overlapping prefix on it (carries:).",
)
def overlapping_cidr_connected(ctx: Context) -> Iterator[Hit]:
    ranges = _live_ranges(ctx)
    by_seg: dict[str, list[_Range]] = {}
    for r in ranges:
        by_seg.setdefault(r.segment, []).append(r)
    reach = Reach(ctx)
    found: dict[tuple[str, str], list[str]] = {}
    for group in overlapping_groups([(r.cidr, r.segment) for r in ranges]):
        if len(group) < 2:
            continue
        members = [r for name in group for r in by_seg[name]]
        for outer, inner in _nested_pairs(members):
            if outer.cidr == inner.cidr or outer.segment == inner.segment:
                continue
            hit = _joined_sites(ctx, reach, outer.segment, inner.segment, (outer.cidr, inner.cidr))
            if hit is None:
                continue
            sa, sb, p = hit
            via = _via(reach, sa, sb, p)
            for me, other in ((outer, inner), (inner, outer)):
                rel = "contains" if me is outer else "lies inside"
                found.setdefault((me.segment, me.field), []).append(
                    f"{rel} {_seg_desc(ctx, other.segment, other.cidr)}; {via}"
                )
    for (segment, field), what in sorted(found.items()):
        cidr = getattr(ctx.design.segments[segment], field)
        yield Hit(
            f"segment:{segment}",
            f"segment {_seg_desc(ctx, segment, cidr)} overlaps another L2 domain that is "
            f"routed to it: {'; '.join(dict.fromkeys(what))}",
            ("segments", segment, field),
        )


def _nested_pairs(members: list[_Range]) -> Iterator[tuple[_Range, _Range]]:
    """(outer, inner) for every range and each range containing it. CIDRs either nest or are
    disjoint, so a sweep with a stack of open ranges finds them; the pairs are at most
    n x nesting depth (<= 128), not n squared."""
    for family in (4, 6):
        items = sorted(
            (m for m in members if m.cidr.version == family),
            key=lambda m: (int(m.cidr.network_address), m.cidr.prefixlen, m.segment),
        )
        stack: list[_Range] = []
        for m in items:
            start = int(m.cidr.network_address)
            while stack and int(stack[-1].cidr.broadcast_address) < start:
                stack.pop()
            for outer in stack:
                yield outer, m
            stack.append(m)


@rule(
    "NP105",
    "mirrored-networks-connected",
    Severity.error,
    "addresses",
    summary="The same CIDR on different L2 domains in different sites (a mirrored range), and a "
    "live VPN/WAN/L2 link without NAT carries it between those sites.",
    why="Mirrored ranges only work while nothing routes between them: once a link carries the "
    "range, every address exists twice (the gateway first of all), and replicas meet their "
    "own twins.",
    example="segments: {hq-lan: {sites: [hq], ipv4: 192.168.10.0/24}, dr-lan: {sites: [dr], "
    "ipv4: 192.168.10.0/24}}; links: {vpn: {type: vpn, sites: [hq, dr]}}  # no NAT",
    fix="Keep the mirrored sites connected only through NAT (external addresses), or stop "
    "carrying the range on the link (carries:), or renumber one site (separate networks).",
)
def mirrored_networks_connected(ctx: Context) -> Iterator[Hit]:
    by_cidr: dict[Net, list[_Range]] = {}
    for r in _live_ranges(ctx):
        by_cidr.setdefault(r.cidr, []).append(r)
    reach = Reach(ctx)
    for cidr in sorted(by_cidr, key=lambda c: (c.version, int(c.network_address), c.prefixlen)):
        members = by_cidr[cidr]
        if len(members) < 2:
            continue
        comp = reach.components(cidr)
        buckets: dict[int, list[tuple[_Range, str]]] = {}
        for m in members:
            for site in ctx.segment_live_sites(m.segment):
                if site in comp:
                    buckets.setdefault(comp[site], []).append((m, site))
        for _, entries in sorted(buckets.items()):
            segs = sorted({m.segment for m, _ in entries})
            sites = sorted({s for _, s in entries})
            if len(segs) < 2 or len(sites) < 2:
                continue
            links = reach.links_between(set(sites), cidr)
            via = ", ".join(f"{n} ({ctx.design.links[n].type}, no NAT)" for n in links)
            field = {m.segment: m.field for m, _ in entries}
            for segment in segs:
                others = ", ".join(repr(o) for o in segs if o != segment)
                yield Hit(
                    f"segment:{segment}",
                    f"mirrored range {cidr}: segment {segment!r} "
                    f"({', '.join(ctx.segment_live_sites(segment))}) and {others} are different "
                    f"L2 domains with the same addresses, and link {via} carries {cidr} between "
                    f"{and_list(sites)}: every address there now exists twice",
                    ("segments", segment, field[segment]),
                )
