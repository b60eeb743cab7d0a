"""Routing after failover: can users still reach the replicas, and can the replicas answer?

Also the reachability helpers the address and topology rules share: which links carry a prefix,
which sites are joined for it, what a router advertises, where remote users arrive.

Decisions (documented in the rules' texts too):
- A link carries a prefix when `carries` is unset (every prefix) or the prefix lies inside one of
  the listed prefixes. Only live vpn/wan/l2 links without NAT route private prefixes.
- A router advertises its `advertises` list, or by default the subnets of its interfaces.
- On-site client networks arrive in their own site while it is live. Remote ones (no site; access
  vpn or internet) arrive at any live site with an Internet presence (public addresses or an end
  of an internet link); if no site declares one, at any live site. Users reached by NAT only
  (no prefix of their own) are checked one way: their replies leave through the edge that
  translated them.
- A client network must reach a failed-over VM's new segment only if it reached the VM's
  primary segment in the design as drawn: a path the design never had is not a regression.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import Approach
from netplan.findings import Severity
from netplan.model import ClientNetwork, Design, Link, Router, Segment
from netplan.model.types import LinkType
from netplan.state import ROUTED_LINKS, Context, EffNic

Net = ipaddress.IPv4Network | ipaddress.IPv6Network
Addr = ipaddress.IPv4Address | ipaddress.IPv6Address

# --- shared helpers --------------------------------------------------------------------------


def seg_cidrs(seg: Segment) -> list[Net]:
    return [n for n in (seg.ipv4, seg.ipv6) if n is not None]


def carries(link: Link, item: Net | Addr) -> bool:
    """A link carries a prefix/address: `carries` unset = everything; else it must lie inside
    one of the listed prefixes."""
    if link.carries is None:
        return True
    for c in link.carries:
        if c.version != item.version:
            continue
        if isinstance(item, ipaddress.IPv4Network | ipaddress.IPv6Network):
            if item.subnet_of(c):  # type: ignore[arg-type]
                return True
        elif item in c:
            return True
    return False


def advertised(design: Design, router: Router) -> tuple[Net, ...]:
    """Prefixes a router announces: `advertises`, else its interfaces' subnets."""
    if router.advertises is not None:
        return router.advertises
    out: list[Net] = []
    for itf in router.interfaces:
        out += seg_cidrs(design.segments[itf.segment])
    return tuple(out)


def advertises(design: Design, router: Router, prefix: Net) -> bool:
    return any(
        a.version == prefix.version and prefix.subnet_of(a)  # type: ignore[arg-type]
        for a in advertised(design, router)
    )


class Reach:
    """Which sites route to each other for one prefix or address: over routed (vpn/wan/l2),
    non-NAT links that carry it. Live in the scenario, or with `baseline` in the design as drawn
    (every site up, links as their `up` says). Components are cached per set of carrying links,
    so a design with thousands of prefixes and a handful of links does a handful of unions."""

    def __init__(self, ctx: Context, baseline: bool = False) -> None:
        self.ctx = ctx
        self.baseline = baseline
        d = ctx.design
        self.links: list[tuple[str, Link]] = [
            (n, link)
            for n, link in sorted(d.links.items())
            if link.type in ROUTED_LINKS
            and not link.nat
            and (link.up if baseline else ctx.link_live(n))
        ]
        self._comps: dict[frozenset[str], dict[str, int]] = {}

    def site_ok(self, site: str | None) -> bool:
        if site is None:
            return False
        return site in self.ctx.design.sites if self.baseline else self.ctx.site_live(site)

    def carriers(self, item: Net | Addr) -> list[tuple[str, Link]]:
        return [(n, link) for n, link in self.links if carries(link, item)]

    def components(self, item: Net | Addr) -> dict[str, int]:
        """Live site -> component id, for the links that carry `item`."""
        used = self.carriers(item)
        key = frozenset(n for n, _ in used)
        comp = self._comps.get(key)
        if comp is None:
            sites = sorted(s for s in self.ctx.design.sites if self.site_ok(s))
            parent = {s: s for s in sites}

            def find(x: str) -> str:
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            for _, link in used:
                a, b = link.sites
                if a in parent and b in parent:
                    ra, rb = find(a), find(b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            roots = sorted({find(s) for s in sites})
            ids = {r: i for i, r in enumerate(roots)}
            comp = {s: ids[find(s)] for s in sites}
            self._comps[key] = comp
        return comp

    def joined(self, a: str, b: str, item: Net | Addr) -> bool:
        comp = self.components(item)
        return a in comp and b in comp and comp[a] == comp[b]

    def links_between(self, sites: set[str], item: Net | Addr) -> list[str]:
        """Carrying links with both ends among `sites` (to name them in messages)."""
        return [n for n, link in self.carriers(item) if set(link.sites) <= sites]


def internet_sites(design: Design) -> set[str]:
    """Sites with an Internet presence: public addresses or an end of an internet link."""
    out = {s for s, site in design.sites.items() if site.public_addresses}
    for link in design.links.values():
        if link.type == LinkType.internet:
            out.update(link.sites)
    return out


def entry_sites(ctx: Context, cn: ClientNetwork, reach: Reach) -> list[str]:
    """Where a client network's users arrive: their site, or for remote users any site with an
    Internet presence (any site at all if the design declares none)."""
    if cn.site is not None:
        return [cn.site] if reach.site_ok(cn.site) else []
    candidates = internet_sites(ctx.design) or set(ctx.design.sites)
    return sorted(s for s in candidates if reach.site_ok(s))


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


def and_list(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _names(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


# --- NP103 -----------------------------------------------------------------------------------


@rule(
    "NP103",
    "route-return-path",
    Severity.error,
    "routing",
    summary="After failover, a segment holding failed-over VMs is not reachable both ways from "
    "the user networks that reached those VMs before (over live links that carry both "
    "prefixes, through a live router that advertises it), or a stretched prefix is no longer "
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
        if segment in moved and not (net and net.approach == Approach.mirrored):
            # a mirrored range is reached from other sites by NAT only, never routed
            reasons += _unreachable_from(ctx, now, base, segment, sorted(origins[segment]))
        if not reasons:
            continue
        cidrs = ", ".join(str(c) for c in seg_cidrs(seg)) or "no CIDR"
        held = (
            f"now holds failed-over {_names(sorted(moved[segment]))}"
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


# --- NP107 -----------------------------------------------------------------------------------


@rule(
    "NP107",
    "partial-failover",
    Severity.warning,
    "routing",
    summary="One VM failed over while the rest stay: on a stretched segment its traffic "
    "hairpins through the old site's gateway (warning); on separate networks its peers need "
    "routes and DNS for its new address (warning); on a mirrored range every dependency by "
    "internal address now hits the local twin instead (error).",
    why="Partial failovers (one broken VM, a test that went live) are common and mix the "
    "sites: what worked because everything moved together breaks when one VM moves alone.",
    example="dr-netplan check design.yaml --vm web01  # web01 alone in dr",
    fix="Stretched: give the replica site a local gateway (FHRP localisation) or accept the "
    "hairpin. Separate: route the replica prefix to the peers and update DNS (short TTLs, "
    "dynamic registration). Mirrored: fail over the VM together with everything it talks to, "
    "or reach cross-site services by their external (NAT) address.",
    phases=(Phase.after,),
)
def partial_failover(ctx: Context) -> Iterator[Hit]:
    sc = ctx.scenario
    if not sc.failed_vms:
        return
    used_by: dict[str, list[str]] = {}  # reverse of depends_on, built once
    for name in sorted(ctx.design.vms):
        for dep in ctx.design.vms[name].depends_on:
            used_by.setdefault(dep, []).append(name)
    on_segment: dict[str, set[Addr]] = {}
    for eff in ctx.nics:
        if eff.running and eff.ip is not None and eff.segment:
            on_segment.setdefault(eff.segment, set()).add(eff.ip.ip)
    for vm_name in sorted(sc.failed_vms):
        pl = ctx.placements.get(vm_name)
        if pl is None or not pl.failed_over:
            continue
        vm = ctx.design.vms[vm_name]
        peers = (sorted(d for d in vm.depends_on if d in ctx.design.vms), used_by.get(vm_name, []))
        for eff in ctx.nics_of(vm_name):
            if eff.segment is None:
                continue
            kind = _approach(ctx, eff)
            if kind == Approach.stretched:
                hit = _hairpin(ctx, eff)
            elif kind == Approach.mirrored:
                hit = _twin(ctx, eff, peers, on_segment.get(eff.segment, set()))
            else:
                hit = _separate(ctx, eff, peers)
            if hit is not None:
                yield hit


def _approach(ctx: Context, eff: EffNic) -> Approach:
    if eff.segment == eff.nic.segment and len(ctx.design.segments[eff.segment].sites) > 1:
        return Approach.stretched
    net = ctx.classification.network_of(eff.nic.segment)
    if net and net.approach == Approach.mirrored and eff.segment in net.segments:
        return Approach.mirrored
    return Approach.separate


def _hairpin(ctx: Context, eff: EffNic) -> Hit | None:
    gw, here = eff.gateway, eff.placement.site
    if gw is None or eff.segment is None:
        return None
    d = ctx.design
    routers = ctx.live_gateway_addresses(eff.segment).get(gw, [])
    sites = {d.routers[r].site for r in routers}
    if not routers or here in sites:
        return None  # no gateway at all is gateway-unreachable's; a local peer: no hairpin
    who = ", ".join(f"{r} ({d.routers[r].site})" for r in sorted(routers))
    return Hit(
        f"vm:{eff.vm.name}",
        f"{eff.vm.name} failed over to {here} while {d.host_site(eff.vm.host)} stays up, on "
        f"stretched segment {eff.segment!r}; its gateway {gw} is answered only by {who}: "
        "every packet to another network "
        f"crosses the site interconnect to {and_list(sorted(sites))} and back (hairpin)",
        eff.path,
    )


def _separate(ctx: Context, eff: EffNic, peers: tuple[list[str], list[str]]) -> Hit | None:
    d = ctx.design
    vm, here = eff.vm.name, eff.placement.site
    uses, used_by = peers
    away = [
        n for n in sorted(set(uses) | set(used_by)) if ctx.placements[n].site not in (None, here)
    ]
    if not away:
        return None  # nothing it talks to, and nothing talking to it, was left behind
    old = eff.nic.address.ip if eff.nic.address else None
    new = eff.ip.ip if eff.ip else None
    records = [
        r.name
        for r in d.dns_records
        if r.vm == vm and r.type.value in ("A", "AAAA") and (new is None or r.value != str(new))
    ]
    seg = d.segments[eff.segment or eff.nic.segment]
    where = sorted({str(ctx.placements[n].site) for n in away})
    parts = [
        f"{vm} failed over to {here} without its peers: it now has "
        f"{new or 'an address from DHCP'}"
        + (f" instead of {old}" if old and old != new else "")
        + f" on {eff.segment!r} ({seg.ipv4 or seg.ipv6}), and {_names(away)} "
        f"(still in {and_list(where)}) {'needs' if len(away) == 1 else 'need'} a route to it",
    ]
    if not all(ctx.sites_routed(w, here) for w in where):
        parts.append(f"but no live routed (non-NAT) link joins {and_list(where)} and {here}")
    if records:
        parts.append(f"and DNS {_names(records)} must be updated to the new address")
    return Hit(f"vm:{vm}", "; ".join(parts), eff.path)


def _twin(
    ctx: Context, eff: EffNic, peers: tuple[list[str], list[str]], local: set[Addr]
) -> Hit | None:
    """Only addresses inside the mirrored range change meaning: in the replica site they reach
    the twin segment, where the VM's old neighbours are not."""
    d = ctx.design
    vm, here, segment = eff.vm.name, eff.placement.site, eff.segment
    if segment is None:
        return None
    twin = seg_cidrs(d.segments[segment])

    def in_twin(addr: Addr) -> bool:
        return any(addr in c for c in twin)

    answering = set(local) | set(ctx.live_gateway_addresses(segment))
    answering |= {
        s.address
        for svcs in (ctx.dns_services, ctx.dc_services, ctx.dhcp_services)
        for s in svcs.values()
        if s.live and s.site == here and s.address is not None
    }
    uses, used_by = peers
    broken: list[str] = []
    for dep in uses:
        for other in ctx.nics_of(dep):
            if other.ip is not None and in_twin(other.ip.ip) and other.segment != segment:
                broken.append(f"{vm} -> {dep} ({other.ip.ip})")
    for dep in used_by:
        if ctx.placements[dep].site not in (None, here):
            broken.append(f"{dep} -> {vm}")
    addrs = [ipaddress.ip_address(a) for a in d.vms[vm].depends_on if a not in d.vms]
    for addr in addrs:
        if in_twin(addr) and addr not in answering:
            broken.append(f"{vm} -> {addr}")
    for addr in eff.dns:
        if in_twin(addr) and addr not in answering:
            broken.append(f"{vm} -> DNS {addr}")
    if not broken:
        return None
    return Hit(
        f"vm:{vm}",
        f"{vm} failed over to {segment!r} in {here} while {eff.nic.segment!r} in "
        f"{ctx.design.host_site(eff.vm.host)}, its mirror, stays up: these dependencies use "
        f"internal addresses of the mirrored range, which now reach the twin instead: "
        f"{_names(sorted(dict.fromkeys(broken)), 6)}",
        eff.path,
        severity=Severity.error,
    )
