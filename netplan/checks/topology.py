"""Approach and topology: how each network is built and whether traffic can still leave it."""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.state import Context


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
    "is lost.",
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
    for name, seg in sorted(ctx.design.segments.items()):
        if len(seg.sites) < 2 or not ctx.segment_live_sites(name):
            continue
        gateways = ctx.gateways_on(name)
        sites = {ctx.design.routers[r].site for r, _ in gateways}
        if gateways and sites <= dead:
            names = ", ".join(sorted({r for r, _ in gateways}))
            yield Hit(
                f"segment:{name}",
                f"stretched segment {name!r} ({seg.ipv4 or seg.ipv6}) spans "
                f"{', '.join(seg.sites)} but all its gateways ({names}) are in "
                f"{', '.join(sorted(sites))}, which is lost",
                ("segments", name),
            )


@rule(
    "NP102",
    "gateway-unreachable",
    Severity.error,
    "topology",
    summary="A NIC's effective default gateway is outside its subnet or is not a live gateway "
    "on its L2 segment.",
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
        gw = eff.gateway
        if not eff.running or gw is None or eff.ip is None or eff.segment is None:
            continue
        where = f"in {eff.placement.site}" if eff.placement.site else ""
        if gw not in eff.ip.network:
            yield Hit(
                eff.subject,
                f"{eff.vm.name} ({eff.ip}, {eff.ip_source}) {where}: gateway {gw} is outside "
                f"{eff.ip.network}",
                eff.path,
            )
            continue
        live = ctx.live_gateway_addresses(eff.segment)
        if gw not in live:
            known = ", ".join(str(a) for a in sorted(live, key=str)) or "none"
            yield Hit(
                eff.subject,
                f"{eff.vm.name} ({eff.ip}) {where}: gateway {gw} is not a live gateway on "
                f"segment {eff.segment!r} (live gateways there: {known})",
                eff.path,
            )
