"""Partial failover (NP107): one VM fails over while the rest of its site stays up.

What breaks depends on how the VM's network is built (stretched, separate or mirrored), so the
rule classifies each failed-over NIC first and judges it by that approach.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from netplan.checks._prefixes import Addr
from netplan.checks._routing import seg_cidrs
from netplan.checks._text import and_list, short_list
from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import Approach
from netplan.findings import Severity
from netplan.state import Context, EffNic

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
        + f" on {eff.segment!r} ({seg.ipv4 or seg.ipv6}), and {short_list(away)} "
        f"(still in {and_list(where)}) {'needs' if len(away) == 1 else 'need'} a route to it",
    ]
    if not all(ctx.sites_routed(w, here) for w in where):
        parts.append(f"but no live routed (non-NAT) link joins {and_list(where)} and {here}")
    if records:
        parts.append(f"and DNS {short_list(records)} must be updated to the new address")
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
        f"{short_list(sorted(dict.fromkeys(broken)), 6)}",
        eff.path,
        severity=Severity.error,
    )
