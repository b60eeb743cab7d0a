"""Address collisions: overlapping or mirrored ranges that something routes together, and one
address used by two things.

Everything is indexed (ranges by a sort-and-sweep, addresses by a dict address -> owners), never
compared pair by pair, so a design with 20,000 VMs costs about as much as reading it.

A *domain* is where one address must be unique: one L2 segment, or the sites that route that
address to each other over live vpn/wan/l2 links without NAT that carry it (one site is always
one routed domain). Mirrored twins in unconnected sites are therefore not duplicates.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks.registry import Hit, Phase, rule
from netplan.checks.routing import Addr, Net, Reach, and_list, seg_cidrs
from netplan.classify import overlapping_groups
from netplan.findings import Severity
from netplan.graph import replica_segment
from netplan.source import Path
from netplan.state import Context, Service, injectable, nic_subject

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


# --- duplicate addresses ---------------------------------------------------------------------

# Who to report when several own an address: the most easily changed first. A failover IP is
# the usual culprit; a service running on a router is reported as that router's gateway.
_FAILOVER, _NIC, _RESERVATION, _HOST, _SERVICE, _GATEWAY, _ON_ROUTER = range(7)


@dataclass(frozen=True, slots=True)
class _Owner:
    address: Addr
    identity: str  # owners with one identity are one thing (a VM and the DC inside it...)
    label: str
    subject: str
    path: Path
    rank: int  # who to report: NICs first, gateways last
    live: bool  # in use now; False = only after a failover / when its client starts
    segments: tuple[str, ...]
    sites: tuple[str, ...]


class _Owners:
    """Every address in use in the scenario, indexed by address."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.by_addr: dict[Addr, list[_Owner]] = {}
        self._subnets: dict[tuple[int, int], dict[Net, list[str]]] = {}
        for name in sorted(ctx.design.segments):
            for c in seg_cidrs(ctx.design.segments[name]):
                self._subnets.setdefault((c.version, c.prefixlen), {}).setdefault(c, []).append(
                    name
                )
        self.iface_owner: dict[tuple[str, Addr], tuple[str, str]] = {}

    def add(self, o: _Owner) -> None:
        self.by_addr.setdefault(o.address, []).append(o)

    def segments_at(self, addr: Addr, site: str | None) -> tuple[str, ...]:
        """Segments in `site` whose range holds `addr` (at most one lookup per prefix length)."""
        out: list[str] = []
        for (version, plen), nets in self._subnets.items():
            if version != addr.version:
                continue
            net = ipaddress.ip_network(f"{addr}/{plen}", strict=False)
            out += [
                s
                for s in nets.get(net, [])
                if site is None or site in self.ctx.design.segments[s].sites
            ]
        return tuple(sorted(set(out)))


def _collect(ctx: Context) -> _Owners:
    d = ctx.design
    own = _Owners(ctx)
    _gateways(ctx, own)
    macs: dict[str, str] = {}
    for eff in ctx.nics:
        for mac in (eff.mac, eff.nic.mac):
            if mac:
                macs.setdefault(mac, f"vm:{eff.vm.name}")
    _nics(ctx, own)
    if ctx.scenario.phase == Phase.before:
        _failover_ips(ctx, own)
    for kind, services, coll, label in (
        ("dhcp", ctx.dhcp_services, "dhcp_servers", "DHCP server"),
        ("dns", ctx.dns_services, "dns_servers", "DNS server"),
        ("dc", ctx.dc_services, "domain_controllers", "domain controller"),
    ):
        for name, svc in services.items():
            if name.startswith("dc:") and kind == "dns":
                continue  # a DC's own DNS: the DC entry covers its address
            _service(ctx, own, svc, kind, coll, label)
    for name in sorted(d.hosts):
        host = d.hosts[name]
        if host.address is None or not ctx.site_live(host.site):
            continue
        segs = (host.segment,) if host.segment else own.segments_at(host.address, host.site)
        own.add(
            _Owner(
                host.address,
                f"host:{name}",
                f"Hyper-V host {name} ({host.site})",
                f"host:{name}",
                ("hosts", name, "address"),
                _HOST,
                True,
                segs,
                (host.site,),
            )
        )
    _reservations(ctx, own, macs)
    return own


def _gateways(ctx: Context, own: _Owners) -> None:
    d = ctx.design
    for rname in sorted(d.routers):
        rtr = d.routers[rname]
        if not ctx.site_live(rtr.site):
            continue
        for i, itf in enumerate(rtr.interfaces):
            base: Path = ("routers", rname, "interfaces", i)
            fhrp = itf.fhrp
            vips = (fhrp.virtual_address, fhrp.virtual_address_v6) if fhrp is not None else (None,)
            for field, addr in (("address", itf.address), ("address_v6", itf.address_v6)):
                if addr is None or addr in vips:
                    continue  # a VRRP address owner: registered once, as the virtual address
                own.iface_owner[(rtr.site, addr)] = (f"router:{rname}", rname)
                own.add(
                    _Owner(
                        addr,
                        f"router:{rname}",
                        f"gateway {rname} ({rtr.site}) on {itf.segment!r}",
                        f"segment:{itf.segment}",
                        (*base, field),
                        _GATEWAY,
                        True,
                        (itf.segment,),
                        (rtr.site,),
                    )
                )
            if fhrp is None:
                continue
            for field, addr in (
                ("virtual_address", fhrp.virtual_address),
                ("virtual_address_v6", fhrp.virtual_address_v6),
            ):
                if addr is None:
                    continue
                ident = f"vip:{itf.segment}:{fhrp.group}"  # FHRP peers share it: one owner
                own.iface_owner[(rtr.site, addr)] = (ident, rname)
                own.add(
                    _Owner(
                        addr,
                        ident,
                        f"{fhrp.protocol.upper()} group {fhrp.group} virtual address on "
                        f"{itf.segment!r} ({rname}, {rtr.site})",
                        f"segment:{itf.segment}",
                        (*base, "fhrp", field),
                        _GATEWAY,
                        True,
                        (itf.segment,),
                        (rtr.site,),
                    )
                )


def _nics(ctx: Context, own: _Owners) -> None:
    for eff in ctx.nics:
        if not eff.running or eff.segment is None:
            continue
        site = eff.placement.site
        where = f"{eff.segment!r} in {site}"
        moved = eff.placement.failed_over
        how = {"failover": "failover IP", "reservation": "reserved address"}.get(
            eff.ip_source, f"{eff.ip_source} address"
        ) + (" after failover" if moved and eff.ip_source != "failover" else "")
        if eff.ip is not None:
            field = {"static": ("address",), "failover": ("failover", "address")}.get(
                eff.ip_source, ()
            )
            own.add(
                _Owner(
                    eff.ip.ip,
                    f"vm:{eff.vm.name}",
                    f"{eff.subject} ({how}, {where})",
                    eff.subject,
                    (*eff.path, *field),
                    _FAILOVER if eff.ip_source == "failover" else _NIC,
                    True,
                    (eff.segment,),
                    (site,) if site else (),
                )
            )
        v6, field6 = eff.nic.address_v6, ("address_v6",)
        fo = eff.nic.failover
        if moved and fo is not None and fo.address_v6 is not None and injectable(eff.vm, eff.nic):
            v6, field6 = fo.address_v6, ("failover", "address_v6")
        if v6 is not None:
            own.add(
                _Owner(
                    v6.ip,
                    f"vm:{eff.vm.name}",
                    f"{eff.subject} ({where})",
                    eff.subject,
                    (*eff.path, *field6),
                    _FAILOVER if field6[0] == "failover" else _NIC,
                    True,
                    (eff.segment,),
                    (site,) if site else (),
                )
            )


def _failover_ips(ctx: Context, own: _Owners) -> None:
    """Design time: configured failover IPs, live only once their VM has failed over."""
    d = ctx.design
    for vm_name in sorted(d.vms):
        vm = d.vms[vm_name]
        if not vm.replica_host:
            continue
        site = d.host_site(vm.replica_host)
        for i, nic in enumerate(vm.nics):
            fo = nic.failover
            if fo is None or not injectable(vm, nic):
                continue
            segment = replica_segment(d, vm.replica_host, nic)
            if segment is None or site is None:
                continue
            subject = nic_subject(vm_name, nic, i)
            for field, iface in (("address", fo.address), ("address_v6", fo.address_v6)):
                if iface is None:
                    continue
                own.add(
                    _Owner(
                        iface.ip,
                        f"vm:{vm_name}",
                        f"failover IP of {subject} ({segment!r} in {site}, only after failover)",
                        subject,
                        ("vms", vm_name, "nics", i, "failover", field),
                        _FAILOVER,
                        False,
                        (segment,),
                        (site,),
                    )
                )


def _service(ctx: Context, own: _Owners, svc: Service, kind: str, coll: str, label: str) -> None:
    if not svc.live or svc.address is None or svc.site is None:
        return
    obj = svc.obj
    vm_name: str | None = getattr(obj, "vm", None)
    rank = _SERVICE
    if vm_name:
        identity = f"vm:{vm_name}"  # the service answers on its VM's NIC: not a second user
        segs = tuple(
            sorted(
                {
                    e.segment
                    for e in ctx.nics_of(vm_name)
                    if e.segment and e.ip is not None and e.ip.ip == svc.address
                }
            )
        ) or own.segments_at(svc.address, svc.site)
    else:
        # A service without a VM on a router's address runs on that router (DHCP/DNS proxy);
        # services without a VM sharing one address in one site are one server.
        iface = own.iface_owner.get((svc.site, svc.address))
        identity = iface[0] if iface else f"server:{svc.site}/{svc.address}"
        segs = own.segments_at(svc.address, svc.site)
        rank = _ON_ROUTER if iface else _SERVICE
    own.add(
        _Owner(
            svc.address,
            identity,
            f"{label} {svc.name} ({svc.site}{', in VM ' + vm_name if vm_name else ''})",
            f"{kind}:{svc.name}",
            (coll, svc.name, "address"),
            rank,
            True,
            segs,
            (svc.site,),
        )
    )


def _reservations(ctx: Context, own: _Owners, macs: dict[str, str]) -> None:
    d = ctx.design
    asking: dict[str, set[str]] = {}  # MAC -> segments where it asks DHCP for an address now
    for eff in ctx.nics:
        if eff.running and eff.mac and eff.segment and not eff.nic.is_static_ip:
            asking.setdefault(eff.mac, set()).add(eff.segment)
    for name, svc in ctx.dhcp_services.items():
        if not svc.live:
            continue
        srv = d.dhcp_servers[name]
        for si, scope in enumerate(srv.scopes):
            segs = _scope_segments(ctx, own, scope.subnet, svc.site)
            sites = tuple(sorted({s for g in segs for s in ctx.segment_live_sites(g)}))
            sites = sites or ((svc.site,) if svc.site else ())
            for ri, res in enumerate(scope.reservations):
                known = macs.get(res.client_id)
                identity = known or f"client:{res.client_id}"
                live = bool(asking.get(res.client_id, set()) & set(segs)) if known else True
                who = known[3:] if known else "an unlisted client"
                own.add(
                    _Owner(
                        res.address,
                        identity,
                        f"DHCP reservation for {res.client_id} ({who}) in scope "
                        f"{scope.name or scope.subnet} of {name}"
                        + ("" if live else "; its client does not ask for it there now"),
                        f"dhcp:{name}",
                        ("dhcp_servers", name, "scopes", si, "reservations", ri),
                        _RESERVATION,
                        live,
                        segs,
                        sites,
                    )
                )


def _scope_segments(
    ctx: Context, own: _Owners, subnet: ipaddress.IPv4Network, site: str | None
) -> tuple[str, ...]:
    """Segments a scope hands addresses on: those with its subnet in the server's site, else
    those routed to it, else every segment with that subnet."""
    cands = [
        s
        for s in own._subnets.get((4, subnet.prefixlen), {}).get(subnet, [])
        if ctx.segment_live_sites(s)
    ]
    local = [s for s in cands if site in ctx.design.segments[s].sites]
    routed = [s for s in cands if any(ctx.sites_routed(site, x) for x in ctx.segment_live_sites(s))]
    return tuple(local or routed or cands)


def _domains(owners: list[_Owner], reach: Reach, address: Addr) -> list[list[_Owner]]:
    """Owners grouped by domain: one segment, or sites routed together for this address.
    Union over shared keys: linear in the owners of the address."""
    comp = reach.components(address)
    parent = list(range(len(owners)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, object], int] = {}
    for i, o in enumerate(owners):
        isolated = bool(o.segments) and all(
            reach.ctx.design.segments[s].isolated for s in o.segments
        )
        keys: list[tuple[str, object]] = [("seg", s) for s in o.segments]
        if not isolated:
            keys += [("site", comp.get(s, s)) for s in o.sites]
        for k in keys:
            j = first.setdefault(k, i)
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[_Owner]] = {}
    for i, o in enumerate(owners):
        groups.setdefault(find(i), []).append(o)
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
    own = _collect(ctx)
    reach = Reach(ctx)
    for address in sorted(own.by_addr, key=lambda a: (a.version, int(a))):
        owners = own.by_addr[address]
        if len({o.identity for o in owners}) < 2:
            continue
        for group in _domains(owners, reach, address):
            yield from _report(address, group)


def _report(address: Addr, group: list[_Owner]) -> Iterator[Hit]:
    best: dict[str, _Owner] = {}
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
