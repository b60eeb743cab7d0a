"""Who uses which address in a scenario, for the duplicate-ip rule (NP106): NICs (effective and,
at design time, configured failover IPs), gateways and FHRP virtual addresses, DHCP/DNS/DC
services, hosts and DHCP reservations, each with the segments and sites where it answers.

Indexed by address (a dict address -> owners), never compared pair by pair, so a design with
20,000 VMs costs about as much as reading it. Which owners clash is decided in `duplicate_ip`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from netplan.checks._prefixes import Addr, Net
from netplan.checks._replica_target import injected_v6
from netplan.checks._routing import live_interfaces, seg_cidrs
from netplan.checks.registry import Phase
from netplan.graph import replica_segment
from netplan.source import Path
from netplan.state import Context, Service, injectable, nic_subject

# Who to report when several own an address: the most easily changed first. A failover IP is
# the usual culprit; a service running on a router is reported as that router's gateway.
_FAILOVER, _NIC, _RESERVATION, _HOST, _SERVICE, _GATEWAY, _ON_ROUTER = range(7)


@dataclass(frozen=True, slots=True)
class Owner:
    address: Addr
    identity: str  # owners with one identity are one thing (a VM and the DC inside it...)
    label: str
    subject: str
    path: Path
    rank: int  # who to report: NICs first, gateways last
    live: bool  # in use now; False = only after a failover / when its client starts
    segments: tuple[str, ...]
    sites: tuple[str, ...]


class Owners:
    """Every address in use in the scenario, indexed by address."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.by_addr: dict[Addr, list[Owner]] = {}
        self._subnets: dict[tuple[int, int], dict[Net, list[str]]] = {}
        for name in sorted(ctx.design.segments):
            for c in seg_cidrs(ctx.design.segments[name]):
                self._subnets.setdefault((c.version, c.prefixlen), {}).setdefault(c, []).append(
                    name
                )
        self.iface_owner: dict[tuple[str, Addr], tuple[str, str]] = {}

    def add(self, o: Owner) -> None:
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


def collect_owners(ctx: Context) -> Owners:
    d = ctx.design
    own = Owners(ctx)
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
            Owner(
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


def _gateways(ctx: Context, own: Owners) -> None:
    for rname, rtr, i, itf in live_interfaces(ctx):
        base: Path = ("routers", rname, "interfaces", i)
        fhrp = itf.fhrp
        vips = (fhrp.virtual_address, fhrp.virtual_address_v6) if fhrp is not None else (None,)
        for field, addr in (("address", itf.address), ("address_v6", itf.address_v6)):
            if addr is None or addr in vips:
                continue  # a VRRP address owner: registered once, as the virtual address
            own.iface_owner[(rtr.site, addr)] = (f"router:{rname}", rname)
            own.add(
                Owner(
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
                Owner(
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


def _nics(ctx: Context, own: Owners) -> None:
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
                Owner(
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
        v6 = eff.nic.address_v6
        field6: tuple[str, ...] = ("address_v6",)
        injected = injected_v6(eff)
        if injected is not None:
            v6, field6 = injected, ("failover", "address_v6")
        if v6 is not None:
            own.add(
                Owner(
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


def _failover_ips(ctx: Context, own: Owners) -> None:
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
                    Owner(
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


def _service(ctx: Context, own: Owners, svc: Service, kind: str, coll: str, label: str) -> None:
    if not svc.live or svc.address is None or svc.site is None:
        return
    vm_name = svc.obj.vm
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
        # one on the address of a VM running there with that role runs in that VM (`vm:` left
        # out); services without a VM sharing one address in one site are one server.
        iface = own.iface_owner.get((svc.site, svc.address))
        host = _role_vm(ctx, own, svc, kind)
        identity = iface[0] if iface else host or f"server:{svc.site}/{svc.address}"
        segs = own.segments_at(svc.address, svc.site)
        rank = _ON_ROUTER if iface else _SERVICE
    own.add(
        Owner(
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


_ROLES = {"dhcp": ("dhcp",), "dns": ("dns", "dc"), "dc": ("dc",)}


def _role_vm(ctx: Context, own: Owners, svc: Service, kind: str) -> str | None:
    """The identity of a VM running in the service's site on its address with the service's
    role (a DHCP server on a VM with role dhcp...), if any. NICs are collected before services."""
    for o in own.by_addr.get(svc.address, []) if svc.address is not None else []:
        if not o.identity.startswith("vm:") or svc.site not in o.sites:
            continue
        vm = ctx.design.vms[o.identity[3:]]
        if any(r.value in _ROLES[kind] for r in vm.roles):
            return o.identity
    return None


def _reservations(ctx: Context, own: Owners, macs: dict[str, str]) -> None:
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
                    Owner(
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
    ctx: Context, own: Owners, subnet: ipaddress.IPv4Network, site: str | None
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
