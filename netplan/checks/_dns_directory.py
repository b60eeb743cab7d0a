"""Who answers DNS where, for the DNS and DHCP rules (`dns` NP401 dns-unavailable, `dhcp` NP302
dhcp-options-dead-site): one directory per scenario, indexed by address, so judging a NIC's DNS
list costs a few dict probes.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netplan.checks._prefixes import Addr, PrefixIndex
from netplan.checks._replica_target import injected_v6
from netplan.checks._routing import seg_cidrs
from netplan.model.types import VmRole
from netplan.state import Context, EffNic


def v6_after(eff: EffNic) -> ipaddress.IPv6Interface | None:
    """The IPv6 interface a NIC has in the scenario: injected by failover TCP/IP, else static."""
    injected = injected_v6(eff)
    return injected if injected is not None else eff.nic.address_v6


@dataclass(frozen=True, slots=True)
class _Answerer:
    """Something that answers DNS: a declared DNS server or DC, or a VM/router holding the
    address a client asks (inferred, see `DnsDirectory`)."""

    label: str  # "DNS server dns01", "DC dc1", "VM infra01"
    live: bool
    site: str | None  # where it answers now
    home: str | None  # its site in the design
    vm: str | None
    address: Addr | None  # where it answers now


class DnsDirectory:
    """Who answers DNS at which address in the scenario. Declared services (dns_servers, and DCs
    with dns: true) come first; VMs with a dns or dc role answer on their NIC addresses too.
    A design that declares no DNS service at all is judged by what holds the address: any VM or
    router there, else the segment it lies in (dead when that segment's sites are all lost);
    an address nothing explains is then unknown (given the benefit of the doubt)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.declared = bool(ctx.dns_services)
        self._index: PrefixIndex[str] | None = None
        self.now: dict[Addr, list[_Answerer]] = {}  # answering at this address now (twins)
        self.known: dict[Addr, _Answerer] = {}  # by design address (and current one)
        for svc in ctx.dns_services.values():
            obj = svc.obj
            label = f"{'DC' if svc.kind == 'dc' else 'DNS server'} {svc.name}"
            a = _Answerer(label, svc.live, svc.site, obj.site, obj.vm, svc.address)
            self._file(obj.address, a)
        served = {s.obj.vm for s in ctx.dns_services.values()}
        served |= {dc.vm for dc in ctx.design.domain_controllers.values()}  # dns: false too
        wanted = {VmRole.dns, VmRole.dc}
        for eff in ctx.nics:
            vm = eff.vm
            if vm.name in served or not (not self.declared or wanted & set(vm.roles)):
                continue
            now = eff.ip.ip if eff.ip else None
            for iface, current in ((eff.nic.address, now), (eff.nic.address_v6, v6_after(eff))):
                if iface is None:
                    continue
                cur = getattr(current, "ip", current)
                pl = eff.placement
                up = eff.running and eff.segment is not None
                a = _Answerer(f"VM {vm.name}", up, pl.site, ctx.design.host_site(vm.host),
                              vm.name, cur if up else None)  # fmt: skip
                self._file(iface.ip, a)
        if not self.declared:
            for rname, rtr in sorted(ctx.design.routers.items()):
                live = ctx.site_live(rtr.site)
                for itf in rtr.interfaces:
                    for addr in (itf.address, itf.address_v6):
                        if addr is not None:
                            a = _Answerer(f"router {rname}", live, rtr.site, rtr.site, None, addr)
                            self._file(addr, a)

    def _ranges(self) -> PrefixIndex[str]:
        if self._index is None:
            self._index = PrefixIndex()
            for name, seg in sorted(self.ctx.design.segments.items()):
                for cidr in seg_cidrs(seg):
                    self._index.add(cidr, name)
        return self._index

    def _file(self, design_addr: Addr, a: _Answerer) -> None:
        self.known.setdefault(design_addr, a)
        if a.live and a.address is not None:
            self.now.setdefault(a.address, []).append(a)
            self.known.setdefault(a.address, a)

    def problem(self, addr: Addr, site: str | None) -> str | None:
        """Why `addr` does not answer DNS for a client in `site`: "" if it does, None if the
        design cannot tell (no DNS modelled and nothing known at that address)."""
        ctx = self.ctx
        answering = self.now.get(addr, [])
        for a in answering:
            if site is None or a.site == site or ctx.sites_routed(site, a.site):
                return ""
        if answering:
            who = ", ".join(f"{a.label} in {a.site}" for a in answering)
            return f"{addr} ({who}) is not routed from {site}"
        known = self.known.get(addr)
        if known is not None:
            if not known.live:
                gone = (
                    f"its VM {known.vm} is not running"
                    if known.vm
                    else f"site {known.home} is lost"
                )
                return f"{addr} ({known.label}) is down: {gone}"
            return (
                f"{addr} was {known.label}'s address; it now answers at "
                f"{known.address or 'no address'}"
            )
        segs = [n for _, names in self._ranges().matches(addr) for n in names]
        if self.declared:
            if not segs:
                return None  # outside the design's ranges: an external resolver, say
            return (
                f"{addr} is not the address of any DNS server or DC in the design (it lies "
                f"in segment {segs[0]!r})"
            )
        if segs and not any(ctx.segment_live_sites(n) for n in segs):
            where = ", ".join(f"{n!r} ({', '.join(ctx.design.segments[n].sites)})" for n in segs)
            return f"{addr} lies in segment {where}, and no site of it survives"
        return None
