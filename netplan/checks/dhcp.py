"""DHCP for failed-over clients: whether a running DHCP NIC still gets a lease (NP301), whether
the live scopes hand out routers and DNS servers that survive (NP302), and whether a reserved
client keeps its reservation in the scope that serves it after failover (NP303).

The DHCP failover partnership itself (NP306) is in `dhcp_failover`; MAC addresses (NP304,
NP305) in `mac`. Everything is indexed (by subnet, by segment, reservations by client ID) so cost
stays near-linear in the number of NICs and reservations.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from netplan.checks._dns_directory import DnsDirectory
from netplan.checks._prefixes import Addr
from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.model import DhcpServer, Scope
from netplan.source import Path
from netplan.state import Context, EffNic, Service


def _where(eff: EffNic) -> str:
    pl = eff.placement
    return f"{pl.where} in {pl.site}" if pl.site else pl.where


def _scope_index(srv: DhcpServer, scope: Scope) -> int:
    return next(i for i, s in enumerate(srv.scopes) if s is scope)


def _scope_label(srv: DhcpServer, scope: Scope) -> str:
    name = f" ({scope.name})" if scope.name else ""
    return f"scope {scope.subnet}{name} on {srv.name}"


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
    live = [
        ctx.dhcp_services[s.name]
        for s, _ in ctx.scopes_for(segment)
        if ctx.dhcp_services[s.name].live
    ]
    relayed = {
        a
        for r, itf in ctx.gateways_on(segment)
        if ctx.site_live(ctx.design.routers[r].site)
        for a in itf.dhcp_relay
    }
    if any(s.address in relayed for s in live):
        here = ", ".join(ctx.segment_live_sites(segment))
        return (
            f"Restore routing between {here} and {live[0].site}, or better, serve "
            f"{seg.ipv4} from a DHCP server (or DHCP failover partner) in {here} so the lease "
            "does not depend on the link."
        )
    addrs = ", ".join(str(s.address) for s in live if s.address is not None) or "its address"
    return (
        f"Add {addrs} to dhcp_relay (ip helper-address) on the live gateway interface of "
        f"segment {segment!r} (or put a DHCP server on the segment)."
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
    reasons: dict[str | None, str] = {}
    for eff in ctx.nics:
        if not eff.running or eff.ip_source != "none" or not eff.dhcp_problem:
            continue
        if eff.segment not in reasons:
            reasons[eff.segment] = _relay_reason(ctx, eff.segment) or eff.dhcp_problem
        seg = f" on segment {eff.segment!r}" if eff.segment else ""
        yield Hit(
            eff.subject,
            f"{eff.vm.name} ({_where(eff)}){seg} gets no DHCP lease: {reasons[eff.segment]}",
            eff.path,
            fix=_unserved_fix(ctx, eff.segment),
        )


def _relay_reason(ctx: Context, segment: str | None) -> str:
    """Why live servers with a scope for the segment don't reach it: the relays the live
    gateways have, and whether the servers' sites are routed ("" when not a relay problem)."""
    if segment is None:
        return ""
    live = [
        (srv, ctx.dhcp_services[srv.name])
        for srv, _ in ctx.scopes_for(segment)
        if ctx.dhcp_services[srv.name].live
    ]
    if not live:
        return ""
    relays: dict[object, list[str]] = {}
    for rname, itf in ctx.gateways_on(segment):
        if ctx.site_live(ctx.design.routers[rname].site):
            for a in itf.dhcp_relay:
                relays.setdefault(a, []).append(rname)
    servers = ", ".join(
        f"{srv.name} ({svc.address or 'no address'} in {svc.site})" for srv, svc in live
    )
    here = ", ".join(ctx.segment_live_sites(segment))
    relayed = [(srv, svc) for srv, svc in live if svc.address in relays]
    if relayed:
        srv, svc = relayed[0]
        return (
            f"{', '.join(relays[svc.address])} relays DHCP to {srv.name} ({svc.address}), but "
            f"{svc.site} is not routed to {here} over a live vpn/wan/l2 link without NAT, and no "
            f"live DHCP server is on the segment"
        )
    if not relays:
        gws = [r for r, _ in ctx.gateways_on(segment) if ctx.site_live(ctx.design.routers[r].site)]
        by = (
            f"its live gateway ({', '.join(dict.fromkeys(gws))}) has no dhcp_relay"
            if gws
            else "it has no live gateway to relay DHCP"
        )
        verb = "is" if len(live) == 1 else "are"
        return f"the live DHCP server {servers} {verb} not on {segment!r}, and {by}"
    targets = ", ".join(sorted(str(a) for a in relays))
    return (
        f"the live gateway on {segment!r} relays DHCP to {targets}, not to the live server "
        f"{servers}, and none is on the segment"
    )


# --- NP302 ---------------------------------------------------------------------------------------


class _ScopeReach:
    """Which live segments a live DHCP server's scope actually reaches
    (`Context.dhcp_reaches`: on-link, on its router's interfaces, or relayed)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        d = ctx.design
        self.segments_by_subnet: dict[ipaddress.IPv4Network, list[str]] = {}
        for name in sorted(d.segments):
            seg = d.segments[name]
            if seg.ipv4 is not None and ctx.segment_live_sites(name):
                self.segments_by_subnet.setdefault(seg.ipv4, []).append(name)

    def segments(self, svc: Service, scope: Scope) -> list[str]:
        srv = self.ctx.design.dhcp_servers[svc.name]
        return [
            name
            for name in self.segments_by_subnet.get(scope.subnet, [])
            if self.ctx.dhcp_reaches(srv, name)
        ]


def _dns_problems(ctx: Context, dns: DnsDirectory, addr: Addr, segments: list[str]) -> str:
    """Why a scope's DNS option does not answer its clients ("" when it answers, or when the
    design cannot tell), judged from the live sites of the segments the scope serves."""
    sites = [site for seg in segments for site in ctx.segment_live_sites(seg)]
    problems = [dns.problem(addr, site) for site in sites]
    if not problems or any(not p for p in problems):
        return ""
    return problems[0] or ""


@rule(
    "NP302",
    "dhcp-options-dead-site",
    Severity.error,
    "dhcp-mac",
    summary="A live scope hands out a router (option 3) that is not a live gateway on its "
    "segment, or DNS servers (option 6) none of which answers its clients (down, moved, or not "
    "routed from the segment; judged as dns-unavailable judges a NIC's servers); warning when "
    "only the first DNS server (or the first of several routers) fails.",
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
    dns = DnsDirectory(ctx)
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
                live: dict[Addr, list[str]] = {}
                for seg in segments:
                    live.update(ctx.live_gateway_addresses(seg))
                dead = [r for r in scope.router if r not in live]
                known = ", ".join(str(a) for a in sorted(live, key=str)) or "none"
                routers = ", ".join(
                    str(r) + ("" if r in scope.subnet else f" (outside {scope.subnet})")
                    for r in scope.router
                )
                if len(dead) == len(scope.router):
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label} hands out router {routers}, which is not a live gateway on "
                        f"{segs} (live gateways there: {known})",
                        (*base, "router"),
                    )
                elif scope.router[0] in dead:
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label} hands out router {routers}: the first, {scope.router[0]}, is "
                        f"not a live gateway on {segs} (live gateways there: {known}); clients "
                        "depend on dead-gateway detection to use the next one",
                        (*base, "router"),
                        severity=Severity.warning,
                    )
            if scope.dns:
                why = [_dns_problems(ctx, dns, a, segments) for a in scope.dns]
                ok = [str(a) for a, w in zip(scope.dns, why, strict=True) if not w]
                listed = ", ".join(map(str, scope.dns))
                if not ok:
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label} hands out DNS {listed}: none answers clients on {segs}: "
                        f"{'; '.join(why)}",
                        (*base, "dns"),
                    )
                elif why[0]:
                    yield Hit(
                        f"dhcp:{name}",
                        f"{label} hands out DNS {listed}: the preferred server does not answer "
                        f"({why[0]}): clients try it first and wait for the time-out before "
                        f"they use {', '.join(ok)}",
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
        reserved = ctx.reservations_by_client(old_scope).get(mac)
        new_srv, new_scope = eff.dhcp
        if reserved is None or new_scope is old_scope:
            continue
        if mac in ctx.reservations_by_client(new_scope):
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
