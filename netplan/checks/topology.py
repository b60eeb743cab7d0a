"""Approach and topology: how each network is built and whether traffic can still leave it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from netplan.checks._replica_target import injected_v6
from netplan.checks._routing import cidr_text, l2_sites
from netplan.checks._text import short_list
from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.model import DhcpServer, RouterInterface, Scope
from netplan.source import Path
from netplan.state import Context, EffNic

IPv4Address = ipaddress.IPv4Address
IPv4Network = ipaddress.IPv4Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@rule(
    "NP100",
    "design-approach",
    Severity.info,
    "topology",
    summary="Reports the approach of each network (separate, stretched, mirrored) and of the "
    "design (hybrid when mixed), with the evidence.",
    why="Each approach fails differently: a stretched VLAN loses its gateway with its site, a "
    "mirrored range collides when linked, separate ranges need new addresses. Reviewers must "
    "know which one they are looking at.",
    example="segments: {lan: {sites: [hq, dr], ipv4: 10.20.0.0/24}}  # stretched",
    fix="Nothing to fix: read the evidence and check the approach is the one intended.",
    phases=(Phase.before,),
)
def design_approach(ctx: Context) -> Iterator[Hit]:
    cls = ctx.classification
    if not cls.networks:
        return  # nothing drawn yet: no approach to report
    yield Hit("design", f"design approach: {cls.approach} ({'; '.join(cls.evidence)})")
    for net in cls.networks:
        yield Hit(
            f"network:{net.name}",
            f"{net.approach}: {'; '.join(net.evidence)}",
            ("segments", net.segments[0]),
        )


@rule(
    "NP101",
    "stretched-single-gateway",
    Severity.error,
    "topology",
    summary="A stretched segment whose every gateway (FHRP peers included) is in the site that "
    "is lost; on a dual-stack segment, per address family (all IPv6 gateways lost while IPv4 "
    "has a surviving peer is reported too).",
    why="VMs keep their addresses on a stretched VLAN, but their default gateway is gone with "
    "the site: nothing on the VLAN can reach any other network after failover.",
    example="segments: {lan: {sites: [site1, site2]}}; routers: {r1: {site: site1, interfaces: "
    "[{segment: lan, address: 10.20.0.1}]}}",
    fix="Add a router interface in the surviving site, as an FHRP (VRRP/HSRP) peer sharing the "
    "gateway's virtual address, so the same gateway address answers in either site.",
    phases=(Phase.after,),
)
def stretched_single_gateway(ctx: Context) -> Iterator[Hit]:
    dead = ctx.scenario.failed_sites
    if not dead:
        return
    d = ctx.design
    for name, seg in sorted(d.segments.items()):
        if len(seg.sites) < 2 or not ctx.segment_live_sites(name):
            continue
        gateways = ctx.gateways_on(name)
        by_family = _gateway_routers(gateways, seg.ipv4 is not None, seg.ipv6 is not None)
        lost = [
            (fam, routers)
            for fam, routers in by_family.items()
            if routers and {d.routers[r].site for r in routers} <= dead
        ]
        if not lost:
            continue
        routers = sorted({r for _, rs in lost for r in rs})
        sites = sorted({d.routers[r].site for r in routers})
        partly = len(lost) < len(by_family)
        fam = f"IPv{lost[0][0]} " if partly else ""
        vms = sorted({e.vm.name for e in ctx.nics if e.running and e.segment == name})
        without = f"an {fam}gateway" if partly else "a gateway"
        runs = "runs" if len(vms) == 1 else "run"
        stranded = f"; {short_list(vms)} {runs} there without {without}" if vms else ""
        yield Hit(
            f"segment:{name}",
            f"stretched segment {name!r} ({cidr_text(seg)}) lives on in "
            f"{', '.join(ctx.segment_live_sites(name))} but all its {fam}gateways "
            f"({', '.join(routers)}) "
            f"are in {', '.join(sites)}, which is lost{stranded}",
            ("segments", name),
        )


def _gateway_routers(
    gateways: list[tuple[str, RouterInterface]], v4: bool, v6: bool
) -> dict[int, list[str]]:
    """Routers holding a gateway address (interface or FHRP virtual address) per address family
    of the segment; without any, every router interface on it counts (family 0)."""
    out: dict[int, set[str]] = {}
    for r, itf in gateways:
        fhrp = itf.fhrp
        if v4 and (itf.address or (fhrp and fhrp.virtual_address)):
            out.setdefault(4, set()).add(r)
        if v6 and (itf.address_v6 or (fhrp and fhrp.virtual_address_v6)):
            out.setdefault(6, set()).add(r)
    if not out and gateways:  # no CIDR, or interfaces without addresses: any router counts
        return {0: sorted({r for r, _ in gateways})}
    return {fam: sorted(rs) for fam, rs in sorted(out.items())}


@rule(
    "NP102",
    "gateway-unreachable",
    Severity.error,
    "topology",
    summary="A NIC's effective default gateway (IPv4, and IPv6 for a static or injected IPv6 "
    "address) is outside its subnet or is not a live gateway on its L2 segment (on a stretched "
    "segment: not in a site the L2 extension still joins to the VM's). A link-local IPv6 "
    "gateway needs a live router with IPv6 on the segment; IPv6 is judged only on segments where "
    "the design gives some router an IPv6 address. A DHCP NIC without a lease is judged by its "
    "scope's router option.",
    why="Without a reachable gateway the VM answers only on its own segment: users, DNS in the "
    "other site and everything routed are cut off, though the VM looks healthy.",
    example="nics: [{segment: lan, address: 10.20.0.10/24, gateway: 10.20.0.1}]  # .1 only in "
    "the lost site",
    fix="Point the NIC (or its failover TCP/IP, or the scope's router option) at a gateway "
    "address that is live in the site where the VM runs, e.g. an FHRP virtual address with a "
    "peer there.",
)
def gateway_unreachable(ctx: Context) -> Iterator[Hit]:
    for eff in ctx.nics:
        if not eff.running or eff.segment is None:
            continue
        found4 = _effective_gateway(ctx, eff)
        if found4 is not None:
            yield from _judge_gateway(ctx, eff, *found4)
        found6 = _effective_gateway_v6(eff)
        if found6 is not None and _models_v6(ctx, eff.segment):
            yield from _judge_gateway(ctx, eff, *found6)


def _models_v6(ctx: Context, segment: str) -> bool:
    """Whether the design gives any router on the segment an IPv6 gateway address (in any site,
    live or not); if none does, IPv6 routing there is not modelled and not judged."""
    for _, itf in ctx.gateways_on(segment):
        if itf.address_v6 or (itf.fhrp and itf.fhrp.virtual_address_v6):
            return True
    return False


def _judge_gateway(
    ctx: Context, eff: EffNic, gw: Address, net: Network, short: str, long: str, path: Path
) -> Iterator[Hit]:
    segment = eff.segment
    assert segment is not None
    where = f"in {eff.placement.site}" if eff.placement.site else ""
    live = {a: r for a, r in ctx.live_gateway_addresses(segment).items() if a.version == gw.version}
    if gw.version == 6 and gw.is_link_local:
        # fe80:: is on every link: any live IPv6 router interface on the segment answers it
        routers = sorted({r for names in live.values() for r in names})
        if not routers:
            yield Hit(
                eff.subject,
                f"{eff.vm.name} ({short}) {where}: link-local gateway {gw}, but no live router "
                f"has an IPv6 interface on segment {segment!r}",
                path,
            )
            return
        near = l2_sites(ctx, segment, eff.placement.site)
        if not any(ctx.design.routers[r].site in near for r in routers):
            far = ", ".join(f"{r} ({ctx.design.routers[r].site})" for r in routers)
            yield Hit(
                eff.subject,
                f"{eff.vm.name} ({short}) {where}: link-local gateway {gw} can only be a router "
                f"of {far}, which stretched segment {segment!r} no longer reaches from "
                f"{eff.placement.site}: no live L2 link carries it there",
                path,
            )
        return
    if gw not in net:
        yield Hit(
            eff.subject, f"{eff.vm.name} ({long}) {where}: gateway {gw} is outside {net}", path
        )
        return
    if gw not in live:
        known = ", ".join(str(a) for a in sorted(live, key=str)) or "none"
        fam = "IPv6 " if gw.version == 6 else ""
        yield Hit(
            eff.subject,
            f"{eff.vm.name} ({short}) {where}: gateway {gw} is not a live gateway on "
            f"segment {segment!r} (live {fam}gateways there: {known})",
            path,
        )
        return
    near = l2_sites(ctx, segment, eff.placement.site)
    if not any(ctx.design.routers[r].site in near for r in live[gw]):
        far = ", ".join(f"{r} ({ctx.design.routers[r].site})" for r in sorted(live[gw]))
        yield Hit(
            eff.subject,
            f"{eff.vm.name} ({short}) {where}: gateway {gw} is only answered by {far}, "
            f"which stretched segment {segment!r} no longer reaches from "
            f"{eff.placement.site}: no live L2 link carries it there",
            path,
        )


def _effective_gateway_v6(eff: EffNic) -> tuple[Address, Network, str, str, Path] | None:
    """The NIC's IPv6 gateway and address: the injected IPv6 failover TCP/IP, else the static
    IPv6 settings (failover TCP/IP for IPv4 only leaves the guest's IPv6 settings as they are)."""
    injected = injected_v6(eff)
    fo = eff.nic.failover
    iface: ipaddress.IPv6Interface | None
    if injected is not None and fo is not None:
        iface, gw, path = injected, fo.gateway_v6, (*eff.path, "failover", "gateway_v6")
        how = "failover"
    else:
        iface, gw, path = eff.nic.address_v6, eff.nic.gateway_v6, (*eff.path, "gateway_v6")
        how = "static"
    if iface is None or gw is None:
        return None
    return gw, iface.network, f"{iface}", f"{iface}, {how}", path


def _effective_gateway(
    ctx: Context, eff: EffNic
) -> tuple[IPv4Address, IPv4Network, str, str, Path] | None:
    """The NIC's gateway, the network it must lie in, a short and a long description of the
    NIC's address, and the design path to point at.

    A NIC on a DHCP pool address is judged against its scope's subnet; a DHCP NIC that gets no
    lease at all (dhcp-unserved says why) by the router option of a scope for its segment:
    restoring DHCP alone must not leave it with a dead gateway.
    """
    gw = eff.gateway
    if gw is not None and eff.ip is not None:
        return gw, eff.ip.network, f"{eff.ip}", f"{eff.ip}, {eff.ip_source}", eff.path
    if gw is not None and eff.dhcp is not None:
        text = f"DHCP pool of {eff.dhcp[0].name}"
        return gw, eff.dhcp[1].subnet, text, text, _scope_path(eff.dhcp)
    if eff.ip is None and eff.dhcp is None and not eff.nic.is_static_ip and eff.segment:
        for lease in ctx.scopes_for(eff.segment):
            srv, scope = lease
            if scope.router:
                text = (
                    f"DHCP, no lease now; scope {scope.name or scope.subnet} of {srv.name} "
                    f"would give router {scope.router[0]}"
                )
                return scope.router[0], scope.subnet, text, text, _scope_path(lease)
    return None


def _scope_path(lease: tuple[DhcpServer, Scope]) -> Path:
    srv, scope = lease
    index = next(i for i, sc in enumerate(srv.scopes) if sc is scope)
    return ("dhcp_servers", srv.name, "scopes", index, "router")
