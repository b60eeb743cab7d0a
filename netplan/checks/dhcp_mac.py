"""DHCP and MAC: whether failed-over DHCP clients still get a lease, the right options and their
reservations, and whether MAC addresses stay unique and stable across sites.

Shared helpers: `host_mac_pool` (a host's dynamic MAC range as integers, per facts.md) and
`mac_int` / `mac_text`. Everything is indexed (by MAC, by subnet, by segment) so cost stays
near-linear in the number of NICs, reservations and hosts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.graph import replica_segment
from netplan.model import Design, DhcpFailover, DhcpServer, Host, Reservation, Scope
from netplan.model.types import DhcpFailoverMode, DhcpFailoverRole, MacMode
from netplan.source import Path
from netplan.state import Context, EffNic, Service

#: Hyper-V's OUI: every default dynamic pool is 00-15-5D-xx-yy-00..FF.
HYPERV_OUI = 0x00155D000000


# --- MAC helpers ---------------------------------------------------------------------------------


def mac_int(mac: str) -> int:
    """A normalised MAC (`00-15-5D-0A-0B-01`) as a 48-bit integer."""
    return int(mac.replace("-", "").replace(":", ""), 16)


def mac_text(value: int) -> str:
    digits = f"{value:012X}"
    return "-".join(digits[i : i + 2] for i in range(0, 12, 2))


@dataclass(frozen=True, slots=True)
class MacPool:
    """A host's dynamic MAC range, inclusive, and where it came from."""

    host: str
    low: int
    high: int
    origin: str  # "mac_pool" or "default from 10.1.99.11"

    def __str__(self) -> str:
        low, high = mac_text(self.low), mac_text(self.high)
        if low[:15] == high[:15]:
            return f"{low}..{high[15:]}"  # 00-15-5D-63-0B-00..FF
        return f"{low}..{high}"


def host_mac_pool(host: Host) -> MacPool | None:
    """The host's dynamic MAC pool: `mac_pool` if set, else Hyper-V's default 00-15-5D-xx-yy-00..FF
    with xx-yy the last two octets of its IPv4 address; None when neither is known."""
    if host.mac_pool is not None:
        return MacPool(
            host.name, mac_int(host.mac_pool.min), mac_int(host.mac_pool.max), "mac_pool"
        )
    if host.address is None:
        return None
    octets = host.address.packed
    base = HYPERV_OUI | octets[2] << 16 | octets[3] << 8
    return MacPool(host.name, base, base | 0xFF, f"default from {host.address}")


def _where(eff: EffNic) -> str:
    pl = eff.placement
    return f"{pl.where} in {pl.site}" if pl.site else pl.where


def _scope_index(srv: DhcpServer, scope: Scope) -> int:
    return next(i for i, s in enumerate(srv.scopes) if s is scope)


def _scope_label(srv: DhcpServer, scope: Scope) -> str:
    name = f" ({scope.name})" if scope.name else ""
    return f"scope {scope.subnet}{name} on {srv.name}"


class _Reservations:
    """Reservations of each scope indexed by client ID, built lazily (one dict per scope)."""

    def __init__(self) -> None:
        self._by_scope: dict[int, dict[str, Reservation]] = {}

    def of(self, scope: Scope) -> dict[str, Reservation]:
        key = id(scope)
        idx = self._by_scope.get(key)
        if idx is None:
            idx = {}
            for res in scope.reservations:
                idx.setdefault(res.client_id, res)
            self._by_scope[key] = idx
        return idx


# --- NP301 ---------------------------------------------------------------------------------------


def _unserved_fix(ctx: Context, segment: str | None) -> str:
    """A remediation for the reason `Context.dhcp_for` gives (same order of tests)."""
    if segment is None:
        return (
            "Connect the replica NIC to a network in the replica site (the segment's "
            "failover_segment or the NIC's replica_segment)."
        )
    seg = ctx.design.segments[segment]
    if not ctx.scopes_for(segment):
        return (
            f"Create a DHCP scope for {seg.ipv4 or segment} on a server that is live in the site "
            "where the NIC runs, or give the NIC a static address / failover IP."
        )
    if not any(ctx.dhcp_services[s.name].live for s, _ in ctx.scopes_for(segment)):
        return (
            f"Add a DHCP server (or a DHCP failover partner) in the site where the NIC runs, "
            f"with a scope for {seg.ipv4}, and relay DHCP to it from the segment's gateway."
        )
    return (
        f"Add the live DHCP server's address to dhcp_relay (ip helper-address) on the live "
        f"gateway interface of segment {segment!r}, and make sure the sites are routed."
    )


@rule(
    "NP301",
    "dhcp-unserved",
    Severity.error,
    "dhcp-mac",
    summary="A running DHCP NIC has no live DHCP scope for the segment it is on: there is no "
    "scope, the server(s) are down, or no live gateway relays to a live server.",
    why="A DHCP client without a server falls back to a 169.254 APIPA address after failover: "
    "the VM boots, but nothing can reach it and it reaches nothing.",
    example="vms: {app01: {host: hv-hq, replica_host: hv-dr, nics: [{segment: hq-srv, ip: "
    "dhcp}]}}  # dr-srv's scope is on dhcp-dr, but dr-rtr has no dhcp_relay to it",
    fix="Give the segment a scope on a server that lives in the site that serves it, and relay "
    "DHCP to that server from the segment's live gateway (dhcp_relay); or address the NIC "
    "statically with a failover IP.",
)
def dhcp_unserved(ctx: Context) -> Iterator[Hit]:
    for eff in ctx.nics:
        if not eff.running or eff.ip_source != "none" or not eff.dhcp_problem:
            continue
        seg = f" on segment {eff.segment!r}" if eff.segment else ""
        yield Hit(
            eff.subject,
            f"{eff.vm.name} ({_where(eff)}){seg} gets no DHCP lease: {eff.dhcp_problem}",
            eff.path,
            fix=_unserved_fix(ctx, eff.segment),
        )


# --- NP302 ---------------------------------------------------------------------------------------


class _ScopeReach:
    """Which live segments a live DHCP server's scope actually reaches (on-link or relayed),
    following the same test as `Context.dhcp_for`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        d = ctx.design
        self.segments_by_subnet: dict[ipaddress.IPv4Network, list[str]] = {}
        for name in sorted(d.segments):
            seg = d.segments[name]
            if seg.ipv4 is not None and ctx.segment_live_sites(name):
                self.segments_by_subnet.setdefault(seg.ipv4, []).append(name)
        self.relays: dict[str, set[object]] = {}
        for rname in sorted(d.routers):
            rtr = d.routers[rname]
            if not ctx.site_live(rtr.site):
                continue
            for itf in rtr.interfaces:
                self.relays.setdefault(itf.segment, set()).update(itf.dhcp_relay)

    def segments(self, svc: Service, scope: Scope) -> list[str]:
        out = []
        for name in self.segments_by_subnet.get(scope.subnet, []):
            seg = self.ctx.design.segments[name]
            addr = svc.address
            on_link = addr is not None and addr in scope.subnet and svc.site in seg.sites
            relayed = addr in self.relays.get(name, set()) and any(
                self.ctx.sites_routed(site, svc.site) for site in self.ctx.segment_live_sites(name)
            )
            if on_link or relayed:
                out.append(name)
        return out


def _dns_usable(ctx: Context, addr: object, segments: list[str]) -> bool:
    svc = ctx.live_dns_addresses.get(addr)  # type: ignore[call-overload]
    if svc is None:
        return False
    return any(
        ctx.sites_routed(site, svc.site) for seg in segments for site in ctx.segment_live_sites(seg)
    )


@rule(
    "NP302",
    "dhcp-options-dead-site",
    Severity.error,
    "dhcp-mac",
    summary="A live scope hands out a router (option 3) that is not a live gateway on its "
    "segment, or DNS servers (option 6) that are all dead; warning when only the first DNS "
    "server (or the first of several routers) is dead.",
    why="Scopes copied from the primary site keep pointing at its gateway and DNS servers: the "
    "replicas get a lease but cannot route or resolve names once that site is gone.",
    example="dhcp_servers: {dhcp-dr: {site: dr, scopes: [{subnet: 10.40.0.0/24, router: "
    "[10.40.0.1], dns: [10.40.0.10]}]}}  # .1 and .10 exist only in hq",
    fix="Set the scope's router option to a gateway that is live in the serving site (e.g. an "
    "FHRP virtual address with a peer there) and list a DNS server of the serving site first.",
    phases=(Phase.after,),
)
def dhcp_options_dead_site(ctx: Context) -> Iterator[Hit]:
    reach = _ScopeReach(ctx)
    for name, svc in ctx.dhcp_services.items():
        if not svc.live:
            continue
        srv = ctx.design.dhcp_servers[name]
        for i, scope in enumerate(srv.scopes):
            segments = reach.segments(svc, scope)
            if not segments:
                continue  # serves nobody here; dhcp-unserved reports the clients
            label = f"{_scope_label(srv, scope)} (live in {svc.site})"
            segs = ", ".join(repr(s) for s in segments)
            base: Path = ("dhcp_servers", name, "scopes", i)
            if scope.router:
                live: dict[object, list[str]] = {}
                for seg in segments:
                    live.update(ctx.live_gateway_addresses(seg))
                dead = [r for r in scope.router if r not in live]
                known = ", ".join(str(a) for a in sorted(live, key=str)) or "none"
                if len(dead) == len(scope.router):
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label} hands out router {', '.join(map(str, scope.router))}, which "
                        f"is not a live gateway on {segs} (live gateways there: {known})",
                        (*base, "router"),
                    )
                elif scope.router[0] in dead:
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label}: the first router option {scope.router[0]} is not a live "
                        f"gateway on {segs} (live gateways there: {known}); clients depend on "
                        "dead-gateway detection to use the next one",
                        (*base, "router"),
                        severity=Severity.warning,
                    )
            if scope.dns:
                ok = [a for a in scope.dns if _dns_usable(ctx, a, segments)]
                listed = ", ".join(map(str, scope.dns))
                if not ok:
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label} hands out DNS {listed}: none is a live DNS server reachable "
                        f"from {segs}",
                        (*base, "dns"),
                    )
                elif scope.dns[0] not in ok:
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label} hands out DNS {listed}: the preferred server {scope.dns[0]} is "
                        f"dead: clients try it first and wait for the time-out before they use "
                        f"{', '.join(map(str, ok))}",
                        (*base, "dns"),
                        severity=Severity.warning,
                    )


# --- NP303 ---------------------------------------------------------------------------------------


@rule(
    "NP303",
    "dhcp-reservation-missing",
    Severity.warning,
    "dhcp-mac",
    summary="A NIC reserved by its MAC (client ID) in the scope that serves it before failover "
    "has no reservation for that client ID in the scope that serves it after failover.",
    why="The replica gets a random pool address instead of its planned one: DNS records, "
    "firewall rules and clients that use the reserved address miss it.",
    example="hq scope reserves 00-15-5D-FE-01-23 for web01; the dr scope reserves app01 only",
    fix="Reserve the same client ID in the scope that serves the replica (with an address of "
    "that site's range), or run DHCP failover replication if the scopes are partners.",
    phases=(Phase.after,),
)
def dhcp_reservation_missing(ctx: Context) -> Iterator[Hit]:
    from netplan.scenario import DESIGN_TIME  # here: scenario imports the checks package

    before = Context(ctx.design, ctx.graph, ctx.classification, DESIGN_TIME)
    leases: dict[str, tuple[tuple[DhcpServer, Scope] | None, str]] = {}
    index = _Reservations()
    for eff in ctx.nics:
        mac = eff.nic.mac
        if not eff.running or eff.dhcp is None or eff.mac_changed or mac is None:
            continue  # a changed dynamic MAC is dynamic-mac-reservation's finding
        seg = eff.nic.segment
        if seg not in leases:
            leases[seg] = before.dhcp_for(seg)
        old = leases[seg][0]
        if old is None:
            continue
        old_srv, old_scope = old
        reserved = index.of(old_scope).get(mac)
        new_srv, new_scope = eff.dhcp
        if reserved is None or new_scope is old_scope or mac in index.of(new_scope):
            continue
        yield Hit(
            eff.subject,
            f"{eff.vm.name} (client ID {mac}) is reserved {reserved.address} in "
            f"{_scope_label(old_srv, old_scope)}; after failover ({_where(eff)}) "
            f"{_scope_label(new_srv, new_scope)} serves it and has no reservation for {mac}, "
            "so it gets a pool address",
            (
                "dhcp_servers",
                new_srv.name,
                "scopes",
                _scope_index(new_srv, new_scope),
                "reservations",
            ),
        )


# --- NP304 ---------------------------------------------------------------------------------------


@rule(
    "NP304",
    "dynamic-mac-reservation",
    Severity.error,
    "dhcp-mac",
    summary="A replicated VM's NIC has a dynamic MAC that a DHCP reservation references.",
    why="Hyper-V regenerates a dynamic MAC from the replica host's pool when the VM starts "
    "there, so the reservation no longer matches and the replica gets a pool address (or none).",
    example="nics: [{segment: hq-srv, ip: dhcp, mac: 00-15-5D-63-0B-21}]  # mac_mode defaults "
    "to dynamic; a scope reserves 00-15-5D-63-0B-21",
    fix="Set mac_mode: static with that MAC on the NIC (Set-VMNetworkAdapter -StaticMacAddress) "
    "so it survives failover, or address the NIC with a static IP and a failover IP.",
    phases=(Phase.before,),
)
def dynamic_mac_reservation(ctx: Context) -> Iterator[Hit]:
    refs: dict[str, list[str]] = {}
    for name in sorted(ctx.design.dhcp_servers):
        srv = ctx.design.dhcp_servers[name]
        for scope in srv.scopes:
            for res in scope.reservations:
                refs.setdefault(res.client_id, []).append(
                    f"{name} reserves {res.address} in {scope.subnet}"
                )
    for eff in ctx.nics:
        nic, vm = eff.nic, eff.vm
        if nic.mac_mode != MacMode.dynamic or nic.mac is None:
            continue
        if not (vm.replica_host or vm.extended_host) or nic.mac not in refs:
            continue
        target = vm.replica_host or vm.extended_host or ""
        host = ctx.design.hosts.get(target)
        pool = host_mac_pool(host) if host else None
        yield Hit(
            eff.subject,
            f"{vm.name} has dynamic MAC {nic.mac}, which a reservation uses "
            f"({'; '.join(refs[nic.mac])}); the replica starts on {target} with a new MAC "
            f"from that host's pool{f' ({pool})' if pool else ''}, so the reservation stops "
            "matching",
            (*eff.path, "mac_mode"),
        )


# --- NP305 ---------------------------------------------------------------------------------------


def _host_members(design: Design) -> dict[str, list[str]]:
    """Host names behind a placement name (a host, or every node of a cluster)."""
    out: dict[str, list[str]] = {h: [h] for h in design.hosts}
    for name in sorted(design.hosts):
        cl = design.hosts[name].cluster
        if cl:
            out.setdefault(cl, []).append(name)
    return out


def host_segments(design: Design) -> dict[str, set[str]]:
    """L2 segments where each host's dynamic MACs appear: its management segment (the host's own
    vNICs) and every segment a dynamic-MAC NIC of a VM it runs, or receives as a replica/extended
    replica, connects to. Static-MAC NICs draw nothing from the pool and are not counted."""
    members = _host_members(design)
    out: dict[str, set[str]] = {h: set() for h in design.hosts}
    for name, host in design.hosts.items():
        if host.segment:
            out[name].add(host.segment)
    for vm in design.vms.values():
        dynamic = [n for n in vm.nics if n.mac_mode == MacMode.dynamic]
        if not dynamic:
            continue
        for placement in (vm.host, vm.replica_host, vm.extended_host):
            if placement is None:
                continue
            segs = {
                nic.segment if placement == vm.host else replica_segment(design, placement, nic)
                for nic in dynamic
            }
            segs.discard(None)
            for h in members.get(placement, []):
                out[h].update(s for s in segs if s is not None)
    return out


def _l2_severity(design: Design, segments: set[str]) -> tuple[Severity, str]:
    parts = []
    stretched = False
    for s in sorted(segments):
        seg = design.segments[s]
        if len(seg.sites) > 1:
            stretched = True
            parts.append(f"{s!r} (stretched over {', '.join(seg.sites)})")
        else:
            parts.append(repr(s))
    return (Severity.error if stretched else Severity.warning), ", ".join(parts)


def _pool_overlaps(design: Design) -> Iterator[Hit]:
    pools = {h: p for h in sorted(design.hosts) if (p := host_mac_pool(design.hosts[h]))}
    shared: dict[tuple[str, str], set[str]] = {}
    by_segment: dict[str, list[MacPool]] = {}
    for h, segs in host_segments(design).items():
        if h in pools:
            for s in segs:
                by_segment.setdefault(s, []).append(pools[h])
    for seg in sorted(by_segment):
        end, owner = -1, ""
        for p in sorted(by_segment[seg], key=lambda p: (p.low, p.high, p.host)):
            if p.low <= end:
                shared.setdefault((p.host, owner), set()).add(seg)
            if p.high > end:
                end, owner = p.high, p.host
    for (h, other), segs in sorted(shared.items()):
        sev, where = _l2_severity(design, segs)
        mine, theirs = pools[h], pools[other]
        path: Path = ("hosts", h, "mac_pool" if design.hosts[h].mac_pool else "address")
        yield Hit(
            f"host:{h}",
            f"host {h}'s dynamic MAC pool {mine} ({mine.origin}) overlaps {other}'s {theirs} "
            f"({theirs.origin}) and both put dynamic MACs on {where}: two adapters there can "
            "get the same MAC",
            path,
            severity=sev,
        )


def _when(eff: EffNic, segment: str) -> str:
    return "now" if segment == eff.nic.segment else "after failover"


def _static_duplicates(ctx: Context) -> Iterator[Hit]:
    design = ctx.design
    by_mac: dict[str, list[EffNic]] = {}
    for eff in ctx.nics:
        if eff.nic.mac is not None:
            by_mac.setdefault(eff.nic.mac, []).append(eff)
    for mac in sorted(by_mac):
        group = by_mac[mac]
        if len(group) < 2:
            continue
        first_on: dict[str, EffNic] = {}
        shared: dict[tuple[str, str], tuple[EffNic, EffNic, set[str]]] = {}
        for eff in group:  # already in VM/NIC order
            vm = eff.vm
            segs = {eff.nic.segment}
            for placement in (vm.replica_host, vm.extended_host):
                if placement:
                    segs.add(replica_segment(design, placement, eff.nic))  # type: ignore[arg-type]
            for s in sorted(x for x in segs if x is not None):
                owner = first_on.setdefault(s, eff)
                if owner is not eff:
                    key = (eff.subject, owner.subject)
                    shared.setdefault(key, (eff, owner, set()))[2].add(s)
        for _key, (eff, owner, segs) in sorted(shared.items()):
            sev, where = _l2_severity(design, segs)
            when = "; ".join(
                (f"{s!r}: " if len(segs) > 1 else "")
                + f"{eff.vm.name} {_when(eff, s)}, {owner.vm.name} {_when(owner, s)}"
                for s in sorted(segs)
            )
            yield Hit(
                eff.subject,
                f"{eff.vm.name} uses MAC {mac}, the same as {owner.vm.name} "
                f"({owner.subject}), and both connect to {where} ({when})",
                (*eff.path, "mac"),
                severity=sev,
            )


@rule(
    "NP305",
    "mac-pool-overlap",
    Severity.warning,
    "dhcp-mac",
    summary="Hyper-V hosts with overlapping dynamic MAC pools share an L2 segment (a host's "
    "management segment, or one where dynamic-MAC NICs of VMs it runs or receives as replicas "
    "connect), or NICs that share a segment (before or after failover) use the same MAC; error "
    "when the shared segment is stretched. Hosts with no address and no mac_pool are skipped.",
    why="Duplicate MACs on one L2 domain make switches flap the address between ports: both "
    "VMs lose packets intermittently. Hosts cloned from one image, or whose addresses end in "
    "the same two octets, get the same default pool.",
    example="hosts: {hv-hq1: {address: 10.1.99.11}, hv-dr1: {address: 10.2.99.11}}  # both "
    "00-15-5D-63-0B-00..FF, VMs on a stretched VLAN",
    fix="Give each host a distinct mac_pool (Set-VMHost -MacAddressMinimum/-MacAddressMaximum), "
    "or change the duplicated static MAC.",
    phases=(Phase.before,),
)
def mac_pool_overlap(ctx: Context) -> Iterator[Hit]:
    yield from _pool_overlaps(ctx.design)
    yield from _static_duplicates(ctx)


# --- NP306 ---------------------------------------------------------------------------------------


def _relationship(
    design: Design, survivor: str, dead: str
) -> tuple[DhcpFailover, DhcpFailoverRole, Path] | None:
    """The failover settings as the survivor sees them: its own block, else its partner's."""
    own = design.dhcp_servers[survivor].failover
    theirs = design.dhcp_servers[dead].failover
    if own is not None and own.partner == dead:
        return own, own.role, ("dhcp_servers", survivor, "failover")
    if theirs is not None and theirs.partner == survivor:
        role = (
            DhcpFailoverRole.standby
            if theirs.role == DhcpFailoverRole.active
            else DhcpFailoverRole.active
        )
        return theirs, role, ("dhcp_servers", dead, "failover")
    return None


def _reservation_gaps(survivor: DhcpServer, dead: DhcpServer) -> tuple[list[str], Path | None]:
    """Reservations of the dead partner missing (or different) on the survivor, per shared
    subnet; and the path of the first survivor scope that lacks one."""
    mine = {s.subnet: (i, s) for i, s in enumerate(survivor.scopes)}
    gaps: list[str] = []
    first: Path | None = None
    for scope in dead.scopes:
        if scope.subnet not in mine:
            continue
        i, own = mine[scope.subnet]
        have = {r.client_id: r.address for r in own.reservations}
        for res in scope.reservations:
            got = have.get(res.client_id)
            if got == res.address:
                continue
            what = "missing" if got is None else f"{got} instead"
            gaps.append(f"{res.client_id} -> {res.address} in {scope.subnet} ({what})")
            if first is None:
                first = ("dhcp_servers", survivor.name, "scopes", i, "reservations")
    return gaps, first


@rule(
    "NP306",
    "dhcp-failover-takeover",
    Severity.warning,
    "dhcp-mac",
    summary="A DHCP failover partner is lost with its site and the survivor will not take over "
    "by itself (hot-standby standby or load-balance without automatic state transition: "
    "partner-down plus MCLT), or the partners' reservations differ.",
    why="Until partner-down is declared and MCLT has passed, the survivor hands out only its "
    "reserve (hot standby) or its own share (load balance): a site's worth of replicas booting "
    "at once exhausts it. Reservations reach the partner only through failover replication.",
    example="dhcp_servers: {dhcp-dr: {site: dr, failover: {partner: dhcp-hq, mode: hot-standby, "
    "role: standby, reserve_percent: 5}}}",
    fix="Enable automatic state transition on the relationship (Set-DhcpServerv4Failover "
    "-AutoStateTransition $true -StateSwitchInterval), shorten MCLT, put partner-down in the "
    "runbook, and run Invoke-DhcpServerv4FailoverReplication after every reservation change.",
    phases=(Phase.after,),
)
def dhcp_failover_takeover(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    seen: set[tuple[str, str]] = set()
    for name in sorted(d.dhcp_servers):
        fo = d.dhcp_servers[name].failover
        if fo is None or fo.partner not in d.dhcp_servers:
            continue
        pair = (min(name, fo.partner), max(name, fo.partner))
        if pair in seen:
            continue
        seen.add(pair)
        a, b = (ctx.dhcp_services[n] for n in pair)
        if a.live == b.live:
            continue
        survivor, dead = (a, b) if a.live else (b, a)
        rel = _relationship(d, survivor.name, dead.name)
        if rel is None:
            continue
        cfg, role, path = rel
        site = d.dhcp_servers[dead.name].site
        gone = f"is lost with {site}" if not ctx.site_live(site) else "is down"
        mclt = f"MCLT {cfg.mclt_seconds} s ({cfg.mclt_seconds / 60:g} min)"
        subject = f"dhcp:{survivor.name}"
        if not cfg.auto_state_transition:
            if cfg.mode == DhcpFailoverMode.hot_standby and role == DhcpFailoverRole.standby:
                yield Hit(
                    subject,
                    f"hot-standby partner {dead.name} {gone} and {survivor.name} is the standby: "
                    f"it gives new clients only its {cfg.reserve_percent}% reserve of each "
                    "scope's free addresses until someone declares partner-down (automatic "
                    f"state transition is off), then waits {mclt} before it serves the whole "
                    "pool",
                    (*path, "auto_state_transition"),
                )
            elif cfg.mode == DhcpFailoverMode.load_balance:
                yield Hit(
                    subject,
                    f"load-balance partner {dead.name} {gone}: {survivor.name} gives new clients "
                    "only its own share of the free addresses, and renews the partner's clients "
                    f"for at most {cfg.mclt_seconds} s, until someone declares partner-down "
                    f"(automatic state transition is off); then it waits {mclt} before it "
                    "serves the whole pool",
                    (*path, "auto_state_transition"),
                )
        gaps, gap_path = _reservation_gaps(d.dhcp_servers[survivor.name], d.dhcp_servers[dead.name])
        no_sync = sorted(
            (n != survivor.name, n)
            for n in pair
            if (f := d.dhcp_servers[n].failover) is not None and not f.replicate_reservations
        )
        if gaps or no_sync:
            parts = []
            if gaps:
                shown = "; ".join(gaps[:5]) + (
                    f"; and {len(gaps) - 5} more" if len(gaps) > 5 else ""
                )
                parts.append(
                    f"{len(gaps)} reservation(s) of {dead.name} are missing or different on "
                    f"{survivor.name}: {shown}"
                )
            if no_sync:
                parts.append(
                    "failover replication of reservations is off on "
                    f"{', '.join(n for _, n in no_sync)} (replicate_reservations: false), so "
                    "reservations changed on one partner never reach the other"
                )
            yield Hit(
                subject,
                f"failover partner {dead.name} {gone}: " + "; ".join(parts),
                gap_path or ("dhcp_servers", no_sync[0][1], "failover", "replicate_reservations"),
            )
