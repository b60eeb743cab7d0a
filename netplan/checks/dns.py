"""DNS: every running NIC can still resolve names, records follow moved VMs, and references
across mirrored sites don't use addresses that exist on both sides."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from netplan.checks._dns_directory import DnsDirectory, v6_after
from netplan.checks._prefixes import Addr, PrefixIndex
from netplan.checks._routing import l2_sites, seg_cidrs
from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import Approach
from netplan.findings import Severity
from netplan.model import Vm
from netplan.model.services import ServiceObject
from netplan.model.types import DnsRecordType
from netplan.scenario import DESIGN_TIME
from netplan.source import Path
from netplan.state import Context, EffNic

# --- dns-unavailable ----------------------------------------------------------------------------


def _verdict(
    directory: DnsDirectory,
    servers: tuple[Addr, ...],
    site: str | None,
    stranded: EffNic | None = None,
) -> tuple[Severity | None, list[str]]:
    problems = [_off_link(stranded, a) or directory.problem(a, site) for a in servers]
    dead = [p for p in problems if p]
    if not dead:
        return None, []
    if len(dead) == len(servers):
        return Severity.error, dead
    if problems[0]:
        return Severity.warning, dead
    return None, []


def _has_route(ctx: Context, eff: EffNic) -> bool:
    """A live router answers the NIC's gateway address within the NIC's L2 reach."""
    gw = eff.gateway
    net = eff.ip.network if eff.ip else (eff.dhcp[1].subnet if eff.dhcp else None)
    if net is None or gw is None or gw not in net or eff.segment is None:
        return False
    routers = ctx.live_gateway_addresses(eff.segment).get(gw, [])
    near = l2_sites(ctx, eff.segment, eff.placement.site)
    return any(ctx.design.routers[r].site in near for r in routers)


def _stranded(ctx: Context, eff: EffNic) -> EffNic | None:
    """The NIC if its VM has no live default gateway on any NIC: it then reaches only the
    NIC's own subnet (gateway-unreachable reports the gateway itself). A back-end NIC without a
    gateway routes through the VM's other NICs."""
    if eff.ip is None or any(_has_route(ctx, n) for n in ctx.nics_of(eff.vm.name)):
        return None
    return eff


def _off_link(stranded: EffNic | None, addr: Addr) -> str | None:
    if stranded is None or stranded.ip is None or addr.version != 4:
        return None
    if addr in stranded.ip.network:
        return None
    return (
        f"{addr} is off-subnet and {stranded.vm.name} has no live default gateway to reach it "
        f"from {stranded.ip.network}"
    )


def _dns_source(ctx: Context, eff: EffNic) -> tuple[str, Path]:
    """Where the NIC's DNS list comes from, and the design path to change it."""
    fo = eff.nic.failover
    if eff.ip_source == "failover" and fo is not None and (fo.dns or fo.dns_v6):
        return "failover TCP/IP", (*eff.path, "failover", "dns")
    if eff.nic.dns or eff.dhcp is None:
        return "NIC settings", (*eff.path, "dns")
    srv, scope = eff.dhcp
    idx = next((i for i, s in enumerate(srv.scopes) if s is scope), 0)
    return f"DHCP option 6 of {srv.name}'s scope {scope.subnet}", (
        "dhcp_servers",
        srv.name,
        "scopes",
        idx,
        "dns",
    )


_WHAT = {
    Severity.error: "none of {whose} DNS servers answers",
    Severity.warning: "{whose} preferred DNS server does not answer",
}


@rule(
    "NP401",
    "dns-unavailable",
    Severity.error,
    "dns",
    summary="None of a running NIC's (or client network's) effective DNS servers is a live, "
    "reachable DNS service; a warning when only the preferred server is dead. DNS services are "
    "the dns_servers, the DCs (dns: true) and VMs with a dns or dc role; an address inside the "
    "design's ranges that none of them holds is dead, one outside them (an external resolver) "
    "is not judged. A design that declares no DNS service is judged by what holds the address "
    "(a VM or router interface) or by whether the segment it lies in survives.",
    why="Without name resolution a failed-over VM cannot find its domain controllers, databases "
    "or anything else by name; it looks up but nothing works. A dead preferred server costs a "
    "timeout on every lookup before the alternate is tried.",
    example="nics: [{segment: lan, address: 10.20.0.10/24, dns: [10.20.0.53]}]  # dns01 only "
    "in the lost site",
    fix="Point the NIC's failover TCP/IP (or the scope's option 6) at a DNS server or DC that "
    "runs in the site the VM runs in, preferred first; keep a non-replicated DNS/DC there.",
)
def dns_unavailable(ctx: Context) -> Iterator[Hit]:
    directory = DnsDirectory(ctx)
    for eff in ctx.nics:
        if not eff.running or eff.segment is None or eff.ip_source == "none" or not eff.dns:
            continue
        site = eff.placement.site
        severity, dead = _verdict(directory, eff.dns, site, _stranded(ctx, eff))
        if severity is None:
            continue
        source, path = _dns_source(ctx, eff)
        addr = f" ({eff.ip})" if eff.ip else ""
        what = _WHAT[severity].format(whose="its")
        yield Hit(
            eff.subject,
            f"{eff.vm.name}{addr} in {site}: {what} (from {source}): {'; '.join(dead)}",
            path,
            severity=severity,
        )
    for name, cn in sorted(ctx.design.client_networks.items()):
        if not cn.dns or (cn.site is not None and not ctx.site_live(cn.site)):
            continue
        severity, dead = _verdict(directory, cn.dns, cn.site)
        if severity is None:
            continue
        where = f"in {cn.site}" if cn.site else f"(remote, {cn.access or 'no access set'})"
        what = _WHAT[severity].format(whose="their")
        yield Hit(
            f"client:{name}",
            f"users of client network {name!r} {where}: {what}: {'; '.join(dead)}",
            ("client_networks", name, "dns"),
            severity=severity,
        )


# --- dns-ttl-vs-rto -----------------------------------------------------------------------------


def _nic_changes(before: EffNic, after: EffNic) -> list[tuple[Addr | None, str, str]]:
    """(old address, old text, new text) per family whose address changes at failover."""
    out: list[tuple[Addr | None, str, str]] = []
    old4, new4 = before.ip, after.ip
    if old4 is not None or new4 is not None:
        if old4 != new4:
            out.append(
                (
                    old4.ip if old4 else None,
                    str(old4.ip) if old4 else "none",
                    str(new4.ip) if new4 else "none (no lease)",
                )
            )
    elif not (
        after.ip_source == "pool" and before.segment == after.segment and not after.mac_changed
    ):
        # Both from a DHCP pool: a new segment or a new client ID (MAC) means a new lease.
        out.append((None, f"a lease on {before.segment}", f"a new lease on {after.segment}"))
    old6, new6 = before.nic.address_v6, v6_after(after)
    if old6 is not None and old6 != new6:
        out.append((old6.ip, str(old6.ip), str(new6.ip) if new6 else "none"))
    return out


def _design_addresses(vm: Vm) -> set[Addr]:
    return {
        iface.ip for nic in vm.nics for iface in (nic.address, nic.address_v6) if iface is not None
    }


@rule(
    "NP402",
    "dns-ttl-vs-rto",
    Severity.warning,
    "dns",
    summary="A DNS record of a VM whose address changes at failover has a TTL above the "
    "threshold (settings.dns_ttl_threshold_seconds, default 300 s). An A record is judged by "
    "the VM's IPv4 change, an AAAA record by its IPv6 change; a CNAME to another record of the "
    "same VM is not judged (that record's TTL is what delays the new address).",
    why="Resolvers and clients keep the old address until the TTL runs out: for that long after "
    "a successful failover users still go to the dead site, which adds the TTL to the RTO.",
    example="dns_records: [{name: app.corp.example, value: 10.0.0.20, ttl: 3600, vm: app01}]  "
    "# app01 gets 10.1.0.20 at failover",
    fix="Lower the record's TTL to the threshold or below (days before the failover at the "
    "latest), or keep the address across sites (stretched network).",
    phases=(Phase.after,),
)
def dns_ttl_vs_rto(ctx: Context) -> Iterator[Hit]:
    limit = ctx.design.settings.dns_ttl_threshold_seconds
    records = [
        (i, r) for i, r in enumerate(ctx.design.dns_records) if r.vm is not None and r.ttl > limit
    ]
    if not records:
        return
    names = {(r.name.rstrip(".").lower(), r.vm) for r in ctx.design.dns_records}
    base = Context(ctx.design, ctx.graph, ctx.classification, DESIGN_TIME)
    changes: dict[str, list[tuple[Addr | None, str, str]]] = {}
    for i, rec in sorted(records, key=lambda x: (x[1].name, x[0])):
        if rec.type == DnsRecordType.cname and (rec.value.rstrip(".").lower(), rec.vm) in names:
            continue  # the target record of the same VM changes, not this one: its TTL counts
        vm = rec.vm
        assert vm is not None
        if vm not in changes:
            changes[vm] = []
            if ctx.placements[vm].failed_over:
                old = {e.index: e for e in base.nics_of(vm)}
                for eff in ctx.nics_of(vm):
                    changes[vm] += _nic_changes(old[eff.index], eff)
        moved = changes[vm]
        if rec.type in (DnsRecordType.a, DnsRecordType.aaaa):
            family = 4 if rec.type == DnsRecordType.a else 6
            moved = [c for c in moved if (c[0].version if c[0] else 4) == family]
            try:
                value = ipaddress.ip_address(rec.value)
            except ValueError:
                value = None
            if value is not None and value in _design_addresses(ctx.design.vms[vm]):
                moved = [c for c in moved if c[0] == value]  # the record names one NIC
        if not moved:
            continue
        _, old_ip, new_ip = moved[0]
        site = ctx.placements[vm].site
        yield Hit(
            f"record:{rec.name}",
            f"{rec.type} {rec.name} -> {rec.value} (TTL {rec.ttl} s) points at {vm}, whose "
            f"address changes at failover ({old_ip} -> {new_ip} in {site}): clients keep the "
            f"old address up to {rec.ttl} s, above the {limit} s threshold",
            ("dns_records", i, "ttl"),
        )


# --- mirrored-reference-internal-ip -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Owner:
    """What an address belongs to in the design: a VM (placed by the scenario) or a service."""

    label: str
    vm: str | None
    site: str | None  # fixed site of a service without a VM


def _mirrored_index(ctx: Context) -> PrefixIndex[str]:
    """Mirrored CIDRs -> the segments that carry them."""
    index: PrefixIndex[str] = PrefixIndex()
    for net in ctx.classification.networks:
        if net.approach != Approach.mirrored:
            continue
        for name in net.segments:
            seg = ctx.design.segments[name]
            for cidr in seg_cidrs(seg):
                index.add(cidr, name)
    return index


def _owners(ctx: Context) -> dict[Addr, list[_Owner]]:
    """Design addresses (primary and failover) of VM NICs and of services not in a VM."""
    d = ctx.design
    out: dict[Addr, list[_Owner]] = {}
    for name in sorted(d.vms):
        for nic in d.vms[name].nics:
            fo = nic.failover
            for iface in (
                nic.address,
                nic.address_v6,
                fo.address if fo else None,
                fo.address_v6 if fo else None,
            ):
                if iface is not None:
                    out.setdefault(iface.ip, []).append(_Owner(name, name, None))
    services: tuple[tuple[str, Mapping[str, ServiceObject]], ...] = (
        ("DNS server", d.dns_servers),
        ("DHCP server", d.dhcp_servers),
    )
    for kind, coll in services:
        for name, srv in sorted(coll.items()):
            if srv.vm is None:
                out.setdefault(srv.address, []).append(_Owner(f"{kind} {name}", None, srv.site))
    for name, dc in sorted(d.domain_controllers.items()):
        if dc.vm is None:
            out.setdefault(dc.address, []).append(_Owner(f"DC {name}", None, dc.site))
    return out


def _current_addresses(ctx: Context, vm: str) -> set[Addr]:
    """A VM's addresses in the scenario (IPv4 as configured/leased, static IPv6)."""
    out: set[Addr] = set()
    for eff in ctx.nics_of(vm):
        if eff.ip is not None:
            out.add(eff.ip.ip)
        v6 = v6_after(eff)
        if v6 is not None:
            out.add(v6.ip)
    return out


def _target_site(ctx: Context, owner: _Owner, addr: Addr) -> str | None:
    """Where the owner answers on `addr` now (None: down, or it no longer holds the address)."""
    if owner.vm is not None:
        if addr not in _current_addresses(ctx, owner.vm):
            return None
        return ctx.placements[owner.vm].site
    return owner.site if ctx.site_live(owner.site) else None


def _public(ctx: Context, site: str | None) -> str:
    addrs = ctx.design.sites[site].public_addresses if site in ctx.design.sites else ()
    if addrs:
        return f"use {site}'s external/NAT address ({', '.join(str(a) for a in addrs)}) instead"
    where = site or "the target's site"
    return f"publish it through an external/NAT address of {where} (sites.{where}.public_addresses)"


@rule(
    "NP403",
    "mirrored-reference-internal-ip",
    Severity.error,
    "dns",
    summary="A VM depends on an address (or a VM by name) inside a mirrored range while the "
    "dependency crosses sites: the internal address exists in both sites. References broken "
    "because one VM failed over alone are partial-failover's (reported once, on that VM).",
    why="In a mirrored design the same range lives on both sides; an internal address always "
    "reaches the local copy. A reference that must cross sites (a DR-resident tool calling the "
    "primary, or anything after a partial failover) silently hits the local twin or nothing.",
    example="vms: {mon01: {host: dr-hv, depends_on: [10.10.0.20]}}  # 10.10.0.0/24 in both "
    "sites; 10.10.0.20 is db01 in hq",
    fix="Reference the other site's external/NAT address (that site's public_addresses), or "
    "fail the dependent VMs over together so the reference stays local.",
)
def mirrored_reference_internal_ip(ctx: Context) -> Iterator[Hit]:
    index = _mirrored_index(ctx)
    if not index:
        return
    owners: dict[Addr, list[_Owner]] | None = None
    d = ctx.design
    moved = ctx.scenario.failed_vms
    for name in sorted(d.vms):
        vm = d.vms[name]
        here = ctx.placements[name].site
        if here is None or not vm.depends_on:
            continue
        for i, dep in enumerate(vm.depends_on):
            try:
                addr: Addr | None = ipaddress.ip_address(dep)
            except ValueError:
                addr = None
            if addr is None:
                found = _by_name(ctx, index, dep)
            else:
                if owners is None:
                    owners = _owners(ctx)
                found = _by_address(ctx, index, addr, owners.get(addr, []), here)
            if found is None:
                continue
            target, there, used = found
            if there == here:
                continue
            if moved & {name, dep, target}:
                continue  # broken because a VM moved alone: partial-failover reports it
            net, segs = index.longest(used) or (None, [])
            local = [s for s in segs if here in d.segments[s].sites]
            if local:
                effect = f"from {here} it reaches the local twin on segment {local[0]!r}"
            else:
                sites = sorted({s for seg in segs for s in d.segments[seg].sites})
                effect = f"{net} exists in {', '.join(sites)}, so the address is ambiguous"
            where = f", in {there}" if there else ""
            how = f"{dep} ({used}{where})" if addr is None else f"{used} ({target}{where})"
            fix = f"In {name}'s configuration, {_public(ctx, there)}."
            yield Hit(
                f"vm:{name}",
                f"{name} in {here} depends on {how}, inside mirrored range {net}: {effect}",
                ("vms", name, "depends_on", i),
                fix=fix,
            )


def _by_name(ctx: Context, index: PrefixIndex[str], vm: str) -> tuple[str, str | None, Addr] | None:
    """A VM dependency: its current addresses (what its name resolves to), if all mirrored."""
    if vm not in ctx.placements or ctx.placements[vm].site is None:
        return None
    addrs = sorted(_current_addresses(ctx, vm), key=lambda a: (a.version, a))
    if not addrs or any(index.longest(a) is None for a in addrs):
        return None  # unknown, or reachable through an address outside the mirrored ranges
    return vm, ctx.placements[vm].site, addrs[0]


def _by_address(
    ctx: Context, index: PrefixIndex[str], addr: Addr, owners: list[_Owner], here: str
) -> tuple[str, str | None, Addr] | None:
    """An address dependency inside a mirrored range: who it is meant for and where that runs."""
    match = index.longest(addr)
    if match is None:
        return None
    running = [(o, s) for o in owners if (s := _target_site(ctx, o, addr)) is not None]
    if any(site == here for _, site in running):
        return None  # a holder of the address runs next to the caller: a local reference
    if running:
        owner, site = running[0]
        return owner.label, site, addr
    if owners:
        return None  # its owner is down or has moved to another address: a different problem
    # Nobody in the design holds it: local if the caller's site has the range, else it is meant
    # for the other site(s) and ambiguous there.
    if any(here in ctx.design.segments[s].sites for _, segs in index.matches(addr) for s in segs):
        return None
    return f"an address in {match[0]}", None, addr
