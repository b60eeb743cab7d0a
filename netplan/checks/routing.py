"""Routing after failover (NP103): can users still reach the segments that hold replicas, and
can the replicas answer? The shared reachability helpers (`Reach`, `carries`, `advertises`...)
live in `_routing`; `carries` and `seg_cidrs` are re-exported here for the topology rules.

Decisions (documented in the rule's texts too; link and advertising decisions: see `_routing`):
- Users reached by NAT only (no prefix of their own) are checked one way: their replies leave
  through the edge that translated them.
- A client network must reach a failed-over VM's new segment only if it reached the VM's
  primary segment in the design as drawn: a path the design never had is not a regression.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks._prefixes import Net
from netplan.checks._routing import (
    Reach,
    advertises,
    cidr_text,
    entry_sites,
    internet_sites,
    seg_cidrs,
)
from netplan.checks._routing import carries as carries  # re-exported: topology imports it here
from netplan.checks._text import and_list, short_list
from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import Approach
from netplan.findings import Severity
from netplan.model import ClientNetwork, Design, Router, Segment
from netplan.model.types import SegmentPurpose
from netplan.state import Context


def _client_cidrs(cn: ClientNetwork) -> list[Net]:
    return [n for n in (cn.ipv4, cn.ipv6) if n is not None]


def _describe_client(cn: ClientNetwork) -> str:
    cidrs = ", ".join(str(c) for c in _client_cidrs(cn))
    where = f"site {cn.site}" if cn.site else f"remote, {cn.access or 'internet'}"
    return f"{cn.name} ({cidrs + ', ' if cidrs else ''}{where})"


def _routers_by_site(design: Design) -> dict[str, list[Router]]:
    out: dict[str, list[Router]] = {}
    for name in sorted(design.routers):
        rtr = design.routers[name]
        out.setdefault(rtr.site, []).append(rtr)
    return out


@dataclass(frozen=True, slots=True)
class _Verdict:
    applicable: bool
    ok: bool
    why: str = ""


_NA = _Verdict(False, True)
_OK = _Verdict(True, True)


def _reaches(ctx: Context, reach: Reach, cn: ClientNetwork, segment: str) -> _Verdict:
    """Does a client network reach a segment both ways (forward to the segment's prefix, back to
    the client's prefix) over links that carry them, through a router that advertises it?"""
    d = ctx.design
    seg = d.segments[segment]
    client = _client_cidrs(cn)
    fams = [c for c in seg_cidrs(seg) if not client or any(x.version == c.version for x in client)]
    if seg.isolated or not fams:
        return _NA
    attach = sorted(
        {
            d.routers[r].site
            for r, _ in ctx.gateways_on(segment)
            if reach.site_ok(d.routers[r].site) and d.routers[r].site in seg.sites
        }
    )
    if not attach:
        return _NA  # no gateway at all: stretched-single-gateway / gateway-unreachable say so
    entries = entry_sites(ctx, cn, reach)
    if not entries:
        if cn.site is not None:
            return _NA  # on-site users of a lost site are gone with it
        where = ", ".join(sorted(internet_sites(d))) or "any site"
        return _Verdict(True, False, f"no live site to connect to (users arrive at {where})")
    routers = _routers_by_site(d)
    reasons: list[str] = []
    for a in entries:
        for b in attach:
            if a == b:
                return _OK
            for sp in fams:
                cp = next((x for x in client if x.version == sp.version), None)
                live_rtrs = [r for r in routers.get(b, []) if reach.site_ok(r.site)]
                if not any(advertises(d, r, sp) for r in live_rtrs):
                    reasons.append(f"no live router in {b} advertises {sp}")
                elif not reach.joined(a, b, sp):
                    reasons.append(
                        f"no live routed link (vpn/wan/l2, no NAT) from {a} to {b} carries {sp}"
                    )
                elif cp is not None and not reach.joined(b, a, cp):
                    reasons.append(
                        f"no return path: no live routed link from {b} back to {a} carries {cp}"
                    )
                else:
                    return _OK
    return _Verdict(True, False, "; ".join(dict.fromkeys(reasons)))


# --- NP103 -----------------------------------------------------------------------------------

_NO_USERS = (SegmentPurpose.storage, SegmentPurpose.replication)


@rule(
    "NP103",
    "route-return-path",
    Severity.error,
    "routing",
    summary="After failover, a segment holding failed-over VMs is not reachable both ways from "
    "the user networks that reached those VMs before (over live links that carry both "
    "prefixes, through a live router that advertises it; storage and replication segments "
    "carry no user traffic and are not checked for it), or a stretched prefix is no longer "
    "advertised by any live router. Remote users (no site) arrive at any live site with public "
    "addresses or an internet link. Warning at design time when two sites advertise a "
    "stretched prefix and one of them through a stateful firewall.",
    why="A replica that boots with the right address is still useless if the users' traffic has "
    "no route to its new segment, or its replies have no route back to the users. A stretched "
    "prefix advertised from two sites invites asymmetric paths, which stateful firewalls drop.",
    example="links: {vpn: {type: vpn, sites: [hq, dr], carries: [10.1.0.0/16]}}  # the dr "
    "replica segment 10.2.30.0/24 is not carried to branch users",
    fix="Carry the replica segment's prefix, and the users' prefixes for the return, on a link "
    "that survives the failover, and advertise the replica prefix from a live router in the "
    "replica site (for a stretched prefix: from the surviving site too). For a stretched "
    "prefix advertised by both sites, keep paths symmetric (advertise it from the active site "
    "only, or prefer one site consistently in both directions).",
)
def route_return_path(ctx: Context) -> Iterator[Hit]:
    if ctx.scenario.phase == Phase.before:
        yield from _asymmetric_advertising(ctx)
        return
    d = ctx.design
    now, base = Reach(ctx), Reach(ctx, baseline=True)
    moved: dict[str, set[str]] = {}
    origins: dict[str, set[str]] = {}
    running: set[str] = set()
    for eff in ctx.nics:
        if not eff.running or eff.segment is None:
            continue
        running.add(eff.segment)
        if eff.placement.failed_over:
            moved.setdefault(eff.segment, set()).add(eff.vm.name)
            origins.setdefault(eff.segment, set()).add(eff.nic.segment)
    stretched = {n for n in running if len(d.segments[n].sites) > 1}
    by_site = _routers_by_site(d)
    for segment in sorted(set(moved) | stretched):
        seg = d.segments[segment]
        reasons: list[str] = []
        if segment in stretched:
            reasons += _unadvertised(ctx, seg, by_site)
        net = ctx.classification.network_of(segment)
        if (
            segment in moved
            and not (net and net.approach == Approach.mirrored)
            and seg.purpose not in _NO_USERS
        ):
            # a mirrored range is reached from other sites by NAT only, never routed; users
            # never talk to storage or replication networks
            reasons += _unreachable_from(ctx, now, base, segment, sorted(origins[segment]))
        if not reasons:
            continue
        cidrs = cidr_text(seg)
        held = (
            f"now holds failed-over {short_list(sorted(moved[segment]))}"
            if segment in moved
            else "is stretched"
        )
        yield Hit(
            f"segment:{segment}",
            f"segment {segment!r} ({cidrs}) {held}: " + "; ".join(reasons),
            ("segments", segment),
        )


def _unreachable_from(
    ctx: Context, now: Reach, base: Reach, segment: str, origins: list[str]
) -> list[str]:
    """Client networks that reached one of `origins` (the moved VMs' primary segments) in the
    design as drawn and cannot reach `segment` now, with why."""
    out = []
    for name in sorted(ctx.design.client_networks):
        cn = ctx.design.client_networks[name]
        before = [_reaches(ctx, base, cn, p) for p in origins]
        if not any(v.applicable and v.ok for v in before):
            continue
        verdict = _reaches(ctx, now, cn, segment)
        if verdict.applicable and not verdict.ok:
            out.append(f"{_describe_client(cn)} cannot reach it: {verdict.why}")
    return out


def _unadvertised(ctx: Context, seg: Segment, by_site: dict[str, list[Router]]) -> list[str]:
    d = ctx.design
    out = []
    for prefix in seg_cidrs(seg):
        before = [
            (site, r.name)
            for site in sorted(by_site)
            for r in by_site[site]
            if advertises(d, r, prefix)
        ]
        if before and not any(ctx.site_live(site) for site, _ in before):
            was = ", ".join(f"{r} ({site})" for site, r in before)
            out.append(
                f"stretched prefix {prefix} is no longer advertised by any live router "
                f"(only {was} advertised it)"
            )
    return out


def _asymmetric_advertising(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    by_site = _routers_by_site(d)
    for name, seg in sorted(d.segments.items()):
        if len(seg.sites) < 2:
            continue
        for prefix in seg_cidrs(seg):
            adv = [
                r
                for site in sorted(by_site)
                if ctx.site_live(site)
                for r in by_site[site]
                if advertises(d, r, prefix)
            ]
            sites = sorted({r.site for r in adv})
            firewalls = [r for r in adv if r.stateful_firewall]
            if len(sites) < 2 or not firewalls:
                continue
            who = ", ".join(f"{r.name} ({r.site})" for r in adv)
            fws = and_list([r.name for r in firewalls])
            verb = "is a stateful firewall" if len(firewalls) == 1 else "are stateful firewalls"
            yield Hit(
                f"segment:{name}",
                f"stretched prefix {prefix} of segment {name!r} is advertised from "
                f"{and_list(sites)} ({who}), and {fws} {verb}: a session can enter through one "
                "site and its replies leave through the other, where a firewall drops them as "
                "unknown",
                ("segments", name),
                severity=Severity.warning,
            )
