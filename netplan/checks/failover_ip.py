"""Failover IP configuration: whether the Hyper-V failover TCP/IP that re-addresses a replica
where its network changes is set, valid, injectable and mirrored by failback settings.

These rules (NP201 failover-ip-missing, NP202 failover-ip-invalid, NP204
failover-ip-not-injectable, NP205 failback-ip-missing) are properties of the design: each is
evaluated once, at design time, against where the VM would fail over to (`_replica_target`: its
replica host's site and the segment it joins there). They give one stable finding per NIC that
points at the line to change, instead of the same finding repeated in every failover scenario;
what the wrong configuration does after failover is reported there by the generic rules
(gateway-unreachable, dhcp-unserved, dns-unavailable...). Whether a failover IP collides with
something live depends on the scenario: NP203 failover-ip-collision, in `failover_collision`.

Only replicated VMs are checked (a VM without a replica host never fails over).
"""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks._replica_target import (
    Address,
    Interface,
    Network,
    Replica,
    failover_text,
    has_failover,
    replicas,
    stranded,
)
from netplan.checks._routing import cidr_text
from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.model import Design, Vm
from netplan.model.types import Adapter, GuestOs, IntegrationServices
from netplan.state import Context, gateway_addresses, injectable

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
    for r in replicas(ctx.design):
        nic, fo = r.nic, r.nic.failover
        if not nic.is_static_ip:
            continue
        addrs = " and ".join(str(a) for a in (nic.address, nic.address_v6) if a is not None)
        if r.segment is None:
            if not has_failover(fo):
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
        need4 = stranded(r, nic.address, seg.ipv4)
        need6 = stranded(r, nic.address_v6, seg.ipv6)
        has4 = fo is not None and fo.address is not None
        has6 = fo is not None and fo.address_v6 is not None
        lost = [
            str(a.ip)
            for a, need, has in ((nic.address, need4, has4), (nic.address_v6, need6, has6))
            if a is not None and need and not has
        ]
        where = f"segment {seg.name!r} ({cidr_text(seg)}) in {r.site}"
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
        for a in gateway_addresses(itf):
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
    r: Replica,
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
    for r in replicas(ctx.design):
        fo = r.nic.failover
        if fo is None or not any(fo.model_dump().values()):  # absent or `failover: {}`
            continue
        if r.segment is None:
            what = failover_text(fo) or "failover TCP/IP"
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
            and stranded(r, v6, seg.ipv6)
        ):
            yield Hit(
                r.subject,
                f"{r.vm.name}: failover sets IPv4 {fo.address} only; static IPv6 {v6} is not "
                f"valid on {seg.name!r} ({cidr_text(seg)}) and has no IPv6 failover address",
                (*r.path, "failover"),
                severity=Severity.warning,
            )


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
    for r in replicas(ctx.design):
        fo = r.nic.failover
        if not has_failover(fo) or injectable(r.vm, r.nic):
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
            f"{r.vm.name}: failover IP {failover_text(fo)} will not be injected "
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
    # The relationship naming the VM's own host and replica host is the one that applies; one
    # through a cluster/node alias only when none names them exactly.
    exact = [
        n
        for n in rels
        if d.replication[n].source == vm.host and d.replication[n].target == vm.replica_host
    ]
    rels = exact or rels
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
    "true, or none declared: reverse is the default; a relationship naming the VM's own host "
    "and replica host wins over one naming their cluster). Checked at design time.",
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
    for r in replicas(d):
        nic, fb = r.nic, r.nic.failback
        if not nic.is_static_ip or not has_failover(nic.failover) or has_failover(fb):
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
            f"{r.vm.name}: failover IP {failover_text(nic.failover)} is set but no failback "
            f"settings restore {back} on {nic.segment!r} when failing back; {why}",
            (*r.path, "failover"),
        )
