"""Failover IP: the Hyper-V failover TCP/IP that re-addresses a replica where its network changes.

Phases. The configuration rules (NP201 failover-ip-missing, NP202 failover-ip-invalid, NP204
failover-ip-not-injectable, NP205 failback-ip-missing) are properties of the design: each is
evaluated once, at design time, against where the VM would fail over to (its replica host's site
and the segment it joins there, `graph.replica_segment`). They give one stable finding per NIC that
points at the line to change, instead of the same finding repeated in every failover scenario;
what the wrong configuration does after failover is reported there by the generic rules
(gateway-unreachable, dhcp-unserved, dns-unavailable...). NP203 failover-ip-collision runs after
failover only: whether an address is already taken depends on what is live in that scenario
(site loss, a single VM failed over while the rest still runs).

Only replicated VMs are checked (a VM without a replica host never fails over). The extended
replica (A->B->C) is not evaluated: the design holds one failover TCP/IP per NIC, the replica's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.graph import replica_segment
from netplan.model import Design, FailoverTcpIp, Nic, Scope, Segment, Vm
from netplan.model.types import Adapter, GuestOs, IntegrationServices
from netplan.source import Path
from netplan.state import Context, EffNic, injectable, nic_subject

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Interface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- where a NIC fails over to -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Replica:
    """A replicated VM's NIC and the network it joins in the replica site."""

    vm: Vm
    index: int
    nic: Nic
    site: str | None  # the replica host's site
    segment: Segment | None  # None: the replica's NIC is connected to no network there
    why_none: str  # why `segment` is None

    @property
    def subject(self) -> str:
        return nic_subject(self.vm.name, self.nic, self.index)

    @property
    def path(self) -> Path:
        return ("vms", self.vm.name, "nics", self.index)

    @property
    def stretched(self) -> bool:
        """The NIC stays on its own L2 segment: every address it has stays valid."""
        return self.segment is not None and self.segment.name == self.nic.segment


def _replicas(d: Design) -> Iterator[_Replica]:
    """Every NIC of every replicated VM, VMs in name order."""
    for name in sorted(d.vms):
        vm = d.vms[name]
        if vm.replica_host is None:
            continue
        site = d.host_site(vm.replica_host)
        for i, nic in enumerate(vm.nics):
            seg_name = replica_segment(d, vm.replica_host, nic)
            if seg_name is None:
                why = f"segment {nic.segment!r} does not reach {site} and has no failover_segment"
                yield _Replica(vm, i, nic, site, None, why)
                continue
            seg = d.segments[seg_name]
            if site is not None and site not in seg.sites:
                field = (
                    "replica_segment"
                    if nic.replica_segment
                    else f"the failover_segment of {nic.segment!r}"
                )
                why = (
                    f"{field}, {seg_name!r}, does not reach {site} "
                    f"(it spans {', '.join(seg.sites)})"
                )
                yield _Replica(vm, i, nic, site, None, why)
                continue
            yield _Replica(vm, i, nic, site, seg, "")


def _fits(iface: Interface, net: Network | None) -> bool:
    return net is not None and iface.ip in net and iface.network.prefixlen == net.prefixlen


def _stranded(r: _Replica, iface: Interface | None, net: Network | None) -> bool:
    """A static address that will not be valid on the replica segment (unknown CIDR: no)."""
    if iface is None or r.segment is None or r.stretched or net is None:
        return False
    return not _fits(iface, net)


def _cidr(seg: Segment) -> str:
    return ", ".join(str(n) for n in (seg.ipv4, seg.ipv6) if n is not None) or "no CIDR"


def _has_failover(fo: FailoverTcpIp | None) -> bool:
    return fo is not None and (fo.address is not None or fo.address_v6 is not None)


def _failover_text(fo: FailoverTcpIp) -> str:
    return " and ".join(str(a) for a in (fo.address, fo.address_v6) if a is not None)


# --- NP201 ---------------------------------------------------------------------------------------


@rule(
    "NP201",
    "failover-ip-missing",
    Severity.error,
    "failover-ip",
    summary="A static NIC of a replicated VM fails over into a segment where its address is not "
    "valid (the replica segment's CIDR does not contain it: separate networks) and no failover "
    "IP is set; or the replica site has no segment for it at all. Checked at design time "
    "against the replica host's site and the NIC's replica segment; a stretched segment keeps "
    "the address valid. An IPv6 address left stranded while IPv4 stays valid is a warning.",
    why="Without failover TCP/IP Hyper-V starts the replica with the primary's address: on the "
    "replica segment it is an address from another subnet, so nothing routes to or from it and "
    "the VM is down for users although it is running.",
    example="segments: {hq-srv: {sites: [hq], ipv4: 10.1.10.0/24, failover_segment: dr-srv}, "
    "dr-srv: {sites: [dr], ipv4: 10.2.10.0/24}}; vms: {web01: {host: hv1, replica_host: hv2, "
    "nics: [{segment: hq-srv, address: 10.1.10.20/24}]}}",
    fix="Give the NIC failover TCP/IP in the replica segment (failover: {address: "
    "10.2.10.20/24, gateway: <dr gateway>, dns: [...]}), or use DHCP with a static MAC and a "
    "reservation in the replica site's scope.",
    phases=(Phase.before,),
)
def failover_ip_missing(ctx: Context) -> Iterator[Hit]:
    for r in _replicas(ctx.design):
        nic, fo = r.nic, r.nic.failover
        if not nic.is_static_ip:
            continue
        addrs = " and ".join(str(a) for a in (nic.address, nic.address_v6) if a is not None)
        if r.segment is None:
            if not _has_failover(fo):
                yield Hit(
                    r.subject,
                    f"{r.vm.name} fails over to {r.site} (host {r.vm.replica_host}), but "
                    f"{r.why_none}: the replica's NIC (static {addrs}) is connected to no "
                    "network there",
                    (*r.path, "segment"),
                    fix=f"Set failover_segment on segment {nic.segment!r} (or replica_segment "
                    f"on the NIC) to the {r.site} network the replica joins, and give the NIC a "
                    "failover IP in it.",
                )
            continue
        seg = r.segment
        need4 = _stranded(r, nic.address, seg.ipv4)
        need6 = _stranded(r, nic.address_v6, seg.ipv6)
        has4 = fo is not None and fo.address is not None
        has6 = fo is not None and fo.address_v6 is not None
        lost = [
            str(a.ip)
            for a, need, has in ((nic.address, need4, has4), (nic.address_v6, need6, has6))
            if a is not None and need and not has
        ]
        where = f"segment {seg.name!r} ({_cidr(seg)}) in {r.site}"
        if need4 and not has4:
            yield Hit(
                r.subject,
                f"{r.vm.name} ({addrs} on {nic.segment!r}) fails over onto {where}, where "
                f"{' and '.join(lost)} {'is' if len(lost) == 1 else 'are'} not valid, and no "
                f"{'IPv4 ' if has6 else ''}failover IP is set: the replica comes up unreachable",
                r.path,
            )
        elif need6 and not has6 and not has4:
            both = nic.address is not None
            tail = (
                f"; IPv4 {nic.address} stays valid, IPv6 is lost"
                if both
                else ": the replica comes up unreachable"
            )
            yield Hit(
                r.subject,
                f"{r.vm.name} ({addrs} on {nic.segment!r}) fails over onto {where}, where "
                f"{nic.address_v6.ip if nic.address_v6 else ''} is not valid, and no IPv6 "
                f"failover IP is set{tail}",
                r.path,
                severity=Severity.warning if both else None,
            )


# --- NP202 ---------------------------------------------------------------------------------------


def _surviving_gateways(ctx: Context, segment: str, lost_site: str | None) -> dict[Address, str]:
    """Gateway addresses (interfaces and FHRP VIPs) on a segment whose router is not in the site
    the VM fails over from, with the router names."""
    out: dict[Address, list[str]] = {}
    for rname, itf in ctx.gateways_on(segment):
        if ctx.design.routers[rname].site == lost_site:
            continue
        addrs = [itf.address, itf.address_v6]
        if itf.fhrp:
            addrs += [itf.fhrp.virtual_address, itf.fhrp.virtual_address_v6]
        for a in addrs:
            if a is not None:
                out.setdefault(a, []).append(rname)
    return {a: ", ".join(sorted(set(names))) for a, names in out.items()}


def _address_problem(iface: Interface, net: Network) -> str:
    if iface.ip not in net:
        return "is outside it"
    if iface.network.prefixlen != net.prefixlen:
        if iface.version == 4:
            return (
                f"has mask {iface.netmask} (/{iface.network.prefixlen}), "
                f"not {net.netmask} (/{net.prefixlen})"
            )
        return f"has prefix /{iface.network.prefixlen}, not /{net.prefixlen}"
    host_bits = net.max_prefixlen - net.prefixlen
    if host_bits >= 2:  # /31 and /32 (/127, /128) have no network or broadcast address
        if iface.ip == net.network_address:
            kind = "network" if iface.version == 4 else "subnet-router anycast"
            return f"is its {kind} address"
        if iface.version == 4 and iface.ip == net.broadcast_address:
            return "is its broadcast address"
    return ""


def _check_family(
    ctx: Context,
    r: _Replica,
    fam: int,
    iface: Interface | None,
    gateway: Address | None,
    net: Network | None,
    live: dict[Address, str],
) -> Iterator[Hit]:
    seg = r.segment
    assert seg is not None
    sfx = "" if fam == 4 else "_v6"
    base = (*r.path, "failover")
    if iface is not None:
        if net is None:
            yield Hit(
                r.subject,
                f"{r.vm.name}: failover IP {iface} is IPv{fam}, but replica segment "
                f"{seg.name!r} in {r.site} has no IPv{fam} network",
                (*base, f"address{sfx}"),
            )
            return
        problem = _address_problem(iface, net)
        if problem:
            yield Hit(
                r.subject,
                f"{r.vm.name} fails over onto segment {seg.name!r} ({net}) in {r.site}: "
                f"failover IP {iface} {problem}",
                (*base, f"address{sfx}"),
            )
    if gateway is None:
        had = r.nic.gateway if fam == 4 else r.nic.gateway_v6
        if iface is not None and had is not None:
            yield Hit(
                r.subject,
                f"{r.vm.name}: failover IP {iface} has no gateway (the NIC uses {had} today): "
                f"after failover the replica reaches only {iface.network}",
                (*base, f"address{sfx}"),
            )
        return
    if net is None or (fam == 6 and gateway.is_link_local):  # fe80:: is on every link
        return
    if gateway not in net:
        yield Hit(
            r.subject,
            f"{r.vm.name}: failover gateway {gateway} is outside replica segment "
            f"{seg.name!r} ({net})",
            (*base, f"gateway{sfx}"),
        )
    elif gateway not in live:
        known = ", ".join(f"{a} ({live[a]})" for a in sorted(live, key=str) if a.version == fam)
        yield Hit(
            r.subject,
            f"{r.vm.name}: failover gateway {gateway} is not a gateway on {seg.name!r} that "
            f"survives the loss of {ctx.design.host_site(r.vm.host)} (gateways there: "
            f"{known or 'none'})",
            (*base, f"gateway{sfx}"),
        )


@rule(
    "NP202",
    "failover-ip-invalid",
    Severity.error,
    "failover-ip",
    summary="A NIC's failover TCP/IP does not fit the segment the replica joins: the address is "
    "outside its CIDR, its mask differs from the segment's prefix, it is the network or "
    "broadcast address, the failover gateway is missing, off-subnet or not a gateway on that "
    "segment that survives the primary site; a static IPv6 address with only an IPv4 failover "
    "IP is a warning. Checked at design time against the replica host's site and the NIC's "
    "replica segment.",
    why="Hyper-V injects whatever is configured without checking it: a wrong address, mask or "
    "gateway gives a replica that boots but cannot talk to anything beyond its segment (or not "
    "at all), which is found only during a real disaster.",
    example="dr-srv: {sites: [dr], ipv4: 10.2.10.0/24}; nics: [{segment: hq-srv, address: "
    "10.1.10.20/24, failover: {address: 10.2.10.20/16, gateway: 10.1.10.1}}]",
    fix="Use an unused host address inside the replica segment's CIDR with the segment's prefix, "
    "and a gateway that a router (or FHRP VIP) in the replica site holds on that segment; set "
    "an IPv6 failover address too when the NIC has a static IPv6 address.",
    phases=(Phase.before,),
)
def failover_ip_invalid(ctx: Context) -> Iterator[Hit]:
    for r in _replicas(ctx.design):
        fo = r.nic.failover
        if fo is None or not any(fo.model_dump().values()):  # absent or `failover: {}`
            continue
        if r.segment is None:
            what = _failover_text(fo) or "failover TCP/IP"
            yield Hit(
                r.subject,
                f"{r.vm.name}: failover IP {what} is set, but the replica in {r.site} has no "
                f"network: {r.why_none}",
                (*r.path, "failover"),
                fix=f"Set failover_segment on segment {r.nic.segment!r} (or replica_segment on "
                f"the NIC) to the {r.site} segment the failover IP belongs to.",
            )
            continue
        seg = r.segment
        live = _surviving_gateways(ctx, seg.name, ctx.design.host_site(r.vm.host))
        yield from _check_family(ctx, r, 4, fo.address, fo.gateway, seg.ipv4, live)
        yield from _check_family(ctx, r, 6, fo.address_v6, fo.gateway_v6, seg.ipv6, live)
        v6 = r.nic.address_v6
        if (
            r.nic.is_static_ip
            and fo.address is not None
            and fo.address_v6 is None
            and v6 is not None
            and _stranded(r, v6, seg.ipv6)
        ):
            yield Hit(
                r.subject,
                f"{r.vm.name}: failover sets IPv4 {fo.address} only; static IPv6 {v6} is not "
                f"valid on {seg.name!r} ({_cidr(seg)}) and has no IPv6 failover address",
                (*r.path, "failover"),
                severity=Severity.warning,
            )


# --- NP203 ---------------------------------------------------------------------------------------


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
    fo = eff.nic.failover
    if _injected(eff) and fo is not None and fo.address_v6 is not None:
        return fo.address_v6
    return eff.nic.address_v6 if eff.nic.is_static_ip else None


def _injected(eff: EffNic) -> bool:
    return (
        eff.placement.failed_over
        and _has_failover(eff.nic.failover)
        and injectable(eff.vm, eff.nic)
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
    for rname in sorted(d.routers):
        rtr = d.routers[rname]
        if not ctx.site_live(rtr.site):
            continue
        for itf in rtr.interfaces:
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
            vm = getattr(svc.obj, "vm", None)
            add(svc.address, _Holder(f"{kind} {svc.name}", None, svc.site, service_vm=vm))
    for hname in sorted(d.hosts):
        host = d.hosts[hname]
        if ctx.site_live(host.site):
            add(host.address, _Holder(f"host {hname}", host.segment, host.site))
    return out


def _same_domain(ctx: Context, eff: EffNic, h: _Holder) -> bool:
    """One L2 domain, or sites routed to each other (a duplicate there breaks routing too)."""
    if h.segment is not None and h.segment == eff.segment:
        return True
    return ctx.sites_routed(h.site, eff.placement.site)


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
        for res in scope.reservations:
            if res.address != ip:
                continue
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
    "domain: another NIC's effective IP (a pair of equal failover IPs is reported once, on the "
    "second NIC), a gateway or FHRP VIP, a DC, DNS or DHCP server, a host, or another client's "
    "DHCP reservation in the replica segment's scope; inside a live scope's dynamic range "
    "without an exclusion it is a warning. Runs after failover only: what collides depends on "
    "what is live in the scenario.",
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
                    and _same_domain(ctx, eff, h)
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


# --- NP204 ---------------------------------------------------------------------------------------


@rule(
    "NP204",
    "failover-ip-not-injectable",
    Severity.error,
    "failover-ip",
    summary="A NIC has a failover IP that Hyper-V cannot inject: the guest is not Windows, the "
    "adapter is a legacy (emulated) adapter, or the integration services are not current. "
    "Checked at design time (it is a property of the VM, whatever fails).",
    why="Failover TCP/IP reaches the guest only through the KVP integration service of a "
    "Windows guest on a synthetic adapter. Otherwise it is silently ignored: the replica comes "
    "up with the primary's address although the design says it is re-addressed.",
    example="vms: {lin01: {guest_os: linux, nics: [{segment: hq-srv, address: 10.1.10.40/24, "
    "failover: {address: 10.2.10.40/24}}]}}",
    fix="Use a synthetic adapter and current integration services on a Windows guest; for "
    "other guests re-address inside the guest (or use DHCP with a static MAC and a reservation "
    "in the replica site's scope) instead of failover TCP/IP.",
    phases=(Phase.before,),
)
def failover_ip_not_injectable(ctx: Context) -> Iterator[Hit]:
    for r in _replicas(ctx.design):
        fo = r.nic.failover
        if not _has_failover(fo) or injectable(r.vm, r.nic):
            continue
        assert fo is not None
        why = []
        if r.vm.guest_os != GuestOs.windows:
            why.append(f"the guest OS is {r.vm.guest_os}")
        if r.nic.adapter == Adapter.legacy:
            why.append("the adapter is a legacy (emulated) adapter")
        if r.vm.integration_services != IntegrationServices.current:
            why.append(f"integration services are {r.vm.integration_services}")
        yield Hit(
            r.subject,
            f"{r.vm.name}: failover IP {_failover_text(fo)} will not be injected "
            f"({', '.join(why)}): the replica keeps "
            f"{r.nic.address or r.nic.address_v6 or 'its DHCP configuration'}",
            (*r.path, "failover"),
        )


# --- NP205 ---------------------------------------------------------------------------------------


def _aliases(d: Design, name: str) -> set[str]:
    """A host with its cluster, or a cluster with its hosts: either may name a relationship."""
    out = {name}
    host = d.hosts.get(name)
    if host is not None and host.cluster:
        out.add(host.cluster)
    if name in d.clusters:
        out |= {h for h, obj in d.hosts.items() if obj.cluster == name}
    return out


def _reverse_expected(d: Design, vm: Vm) -> tuple[bool, str]:
    """Whether reverse replication is expected for the VM, and the relationship that says so."""
    assert vm.replica_host is not None
    src, dst = _aliases(d, vm.host), _aliases(d, vm.replica_host)
    rels = [
        n for n, rep in sorted(d.replication.items()) if rep.source in src and rep.target in dst
    ]
    if not rels:
        return True, (
            f"no replication relationship is declared for {vm.host} -> {vm.replica_host}, "
            "so reverse replication is expected by default"
        )
    reverse = [n for n in rels if d.replication[n].reverse]
    if reverse:
        return True, f"replication {reverse[0]!r} expects reverse replication"
    return False, ""


@rule(
    "NP205",
    "failback-ip-missing",
    Severity.warning,
    "failover-ip",
    summary="A static NIC that gets a failover IP has no failback settings on the primary-side "
    "VM although reverse replication is expected (a relationship for the VM with reverse: "
    "true, or none declared: reverse is the default). Checked at design time.",
    why="After failover the replica becomes the primary and replicates back; failing back "
    "starts the old primary's copy, which is re-addressed only if failover TCP/IP is set on "
    "that side too. Without it the VM comes back home with its replica-site address.",
    example="nics: [{segment: hq-srv, address: 10.1.10.20/24, failover: {address: "
    "10.2.10.20/24}}]  # and no failback:",
    fix="Add failback: {address: <the primary address>, gateway: <the primary gateway>, dns: "
    "[...]} to the NIC (Set-VMNetworkAdapterFailoverConfiguration on the primary-side VM).",
    phases=(Phase.before,),
)
def failback_ip_missing(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    for r in _replicas(d):
        nic, fb = r.nic, r.nic.failback
        if not nic.is_static_ip or not _has_failover(nic.failover) or _has_failover(fb):
            continue
        if not injectable(r.vm, nic):  # nothing is injected either way; NP204 says so
            continue
        expected, why = _reverse_expected(d, r.vm)
        if not expected:
            continue
        assert nic.failover is not None
        back = nic.address or nic.address_v6
        yield Hit(
            r.subject,
            f"{r.vm.name}: failover IP {_failover_text(nic.failover)} is set but no failback "
            f"settings restore {back} on {nic.segment!r} when failing back; {why}",
            (*r.path, "failover"),
        )
