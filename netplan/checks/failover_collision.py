"""Failover IP collisions (NP203): after failover, does a NIC's injected failover IP equal an
address something else already answers on in its L2 segment or routed domain?

Runs after failover only: what collides depends on what is live in the scenario (site loss, a
single VM failed over while the rest still runs). The configuration rules are in `failover_ip`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks._replica_target import Address, has_failover, injected_v6
from netplan.checks._routing import Reach, live_interfaces
from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.model import Scope
from netplan.state import Context, EffNic, injectable


@dataclass(frozen=True, slots=True)
class _Holder:
    """Something that answers on an address after failover."""

    label: str
    segment: str | None  # None: the model does not say (services)
    site: str | None
    service_vm: str | None = None  # a service's VM (the address is that VM's own)
    nic: tuple[str, int] | None = None  # (vm, index) of a NIC
    failover: bool = False  # the NIC's address is its injected failover IP


def _v6_of(eff: EffNic) -> ipaddress.IPv6Interface | None:
    injected = injected_v6(eff)
    if injected is not None:
        return injected
    return eff.nic.address_v6 if eff.nic.is_static_ip else None


def _injected(eff: EffNic) -> bool:
    return (
        eff.placement.failed_over and has_failover(eff.nic.failover) and injectable(eff.vm, eff.nic)
    )


def _holders(ctx: Context) -> dict[Address, list[_Holder]]:
    """Every live address after the scenario, indexed by address."""
    d = ctx.design
    out: dict[Address, list[_Holder]] = {}

    def add(a: Address | None, h: _Holder) -> None:
        if a is not None:
            out.setdefault(a, []).append(h)

    for eff in ctx.nics:
        if not eff.running:
            continue
        fo = _injected(eff)
        label = f"NIC {eff.subject.removeprefix('nic:')} ({'failover IP' if fo else eff.ip_source})"
        h = _Holder(label, eff.segment, eff.placement.site, None, (eff.vm.name, eff.index), fo)
        add(eff.ip.ip if eff.ip else None, h)
        v6 = _v6_of(eff)
        add(v6.ip if v6 else None, h)
    for rname, rtr, _, itf in live_interfaces(ctx):
        gw = _Holder(f"gateway {rname} on {itf.segment!r}", itf.segment, rtr.site)
        add(itf.address, gw)
        add(itf.address_v6, gw)
        if itf.fhrp:
            vip = _Holder(
                f"{itf.fhrp.protocol.upper()} VIP of {rname} (group {itf.fhrp.group})",
                itf.segment,
                rtr.site,
            )
            add(itf.fhrp.virtual_address, vip)
            add(itf.fhrp.virtual_address_v6, vip)
    services = [
        *(("DC", s) for s in ctx.dc_services.values()),
        *(("DNS server", s) for k, s in ctx.dns_services.items() if not k.startswith("dc:")),
        *(("DHCP server", s) for s in ctx.dhcp_services.values()),
    ]
    for kind, svc in services:
        if svc.live:
            vm = svc.obj.vm
            add(svc.address, _Holder(f"{kind} {svc.name}", None, svc.site, service_vm=vm))
    for hname in sorted(d.hosts):
        host = d.hosts[hname]
        if ctx.site_live(host.site):
            add(host.address, _Holder(f"host {hname}", host.segment, host.site))
    return out


def _same_domain(reach: Reach, eff: EffNic, h: _Holder, ip: Address) -> bool:
    """One L2 domain, or sites routed to each other for this address (live vpn/wan/l2 links
    without NAT that carry it: a duplicate there breaks routing too). Mirrored twins in sites
    joined only for other prefixes are not one domain."""
    if h.segment is not None and h.segment == eff.segment:
        return True
    a, b = h.site, eff.placement.site
    if a is None or b is None:
        return False
    return a == b or reach.joined(a, b, ip)


def _own_macs(eff: EffNic) -> set[str]:
    return {m for m in (eff.mac, eff.nic.mac) if m}


def _dhcp_clash(
    ctx: Context, eff: EffNic, ip: ipaddress.IPv4Address
) -> tuple[list[str], list[str]]:
    """Reservations of other clients for `ip`, and dynamic ranges holding it without exclusion,
    in the live scopes of the NIC's segment."""
    reserved: list[str] = []
    ranged: list[str] = []
    if eff.segment is None:
        return reserved, ranged
    own = _own_macs(eff)
    for srv, scope in ctx.scopes_for(eff.segment):
        if not ctx.dhcp_services[srv.name].live:
            continue
        mine = False
        for res in ctx.reservations_at(scope, ip):
            if res.client_id in own:
                mine = True
            else:
                who = f" ({res.name})" if res.name else ""
                reserved.append(
                    f"the reservation for {res.client_id}{who} in scope {scope.subnet} on "
                    f"DHCP server {srv.name}"
                )
        if not mine and _in_dynamic_range(scope, ip):
            assert scope.range is not None
            ranged.append(
                f"the dynamic range {scope.range[0]}-{scope.range[1]} of scope {scope.subnet} on "
                f"DHCP server {srv.name} (no exclusion covers it)"
            )
    return reserved, ranged


def _in_dynamic_range(scope: Scope, ip: ipaddress.IPv4Address) -> bool:
    if scope.range is None or not scope.range[0] <= ip <= scope.range[1]:
        return False
    return not any(lo <= ip <= hi for lo, hi in scope.exclusions)


@rule(
    "NP203",
    "failover-ip-collision",
    Severity.error,
    "failover-ip",
    summary="After failover a NIC's failover IP equals another live address in its L2 or routed "
    "domain (its segment, its site, or sites joined by live vpn/wan/l2 links without NAT that "
    "carry the address): another NIC's effective IP (a pair of equal failover IPs is reported "
    "once, on the second NIC), a gateway or FHRP VIP, a DC, DNS or DHCP server, a host, or "
    "another client's DHCP reservation in the replica segment's scope; inside a live scope's "
    "dynamic range without an exclusion it is a warning. Runs after failover only: what "
    "collides depends on what is live in the scenario.",
    why="Two holders of one address break both: ARP flaps between them, the replica or the "
    "gateway/DC it displaced becomes unreachable, and a DHCP server that does not know the "
    "address is taken will hand it out again.",
    example="domain_controllers: {dr-dc01: {site: dr, address: 10.2.10.5, ...}}; nics: "
    "[{segment: hq-srv, address: 10.1.10.20/24, failover: {address: 10.2.10.5/24}}]",
    fix="Choose a failover IP nothing else uses in the replica segment, outside the DHCP "
    "dynamic range (or add an exclusion for it in the replica site's scope).",
    phases=(Phase.after,),
)
def failover_ip_collision(ctx: Context) -> Iterator[Hit]:
    holders: dict[Address, list[_Holder]] | None = None
    reach = Reach(ctx)
    for eff in ctx.nics:
        if not eff.running or not _injected(eff):
            continue
        fo = eff.nic.failover
        assert fo is not None
        if holders is None:
            holders = _holders(ctx)
        me = (eff.vm.name, eff.index)
        for field, iface in (("address", fo.address), ("address_v6", fo.address_v6)):
            if iface is None:
                continue
            ip = iface.ip
            others = sorted(
                {
                    h.label
                    for h in holders.get(ip, [])
                    if h.nic != me
                    and h.service_vm != eff.vm.name
                    and not (h.failover and h.nic is not None and h.nic > me)  # on the later
                    and _same_domain(reach, eff, h, ip)
                }
            )
            reserved, ranged = (
                _dhcp_clash(ctx, eff, ip) if isinstance(ip, ipaddress.IPv4Address) else ([], [])
            )
            clashes = others + reserved
            if not clashes and not ranged:
                continue
            where = f"on {eff.segment!r} in {eff.placement.site}"
            if clashes:
                msg = (
                    f"{eff.vm.name}: failover IP {ip} {where} is also held by {'; '.join(clashes)}"
                )
                if ranged:
                    msg += f", and lies in {'; '.join(ranged)}"
                sev = None
            else:
                msg = (
                    f"{eff.vm.name}: failover IP {ip} {where} lies in {'; '.join(ranged)}: "
                    "DHCP can lease it to another client"
                )
                sev = Severity.warning
            yield Hit(eff.subject, msg, (*eff.path, "failover", field), severity=sev)
