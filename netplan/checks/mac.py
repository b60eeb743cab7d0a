"""MAC addresses across sites: a dynamic MAC that a DHCP reservation relies on changes at failover
(NP304), and hosts' dynamic MAC pools or static MACs collide on a shared L2 segment (NP305).

Helpers: `host_mac_pool` (a host's dynamic MAC range as integers, per facts.md), `host_segments`
(where a host's dynamic MACs appear) and `mac_int` / `mac_text`. Pools are swept per segment in
address order and static MACs indexed by value, so cost stays near-linear in NICs and hosts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.graph import replica_segment
from netplan.model import Design, Host
from netplan.model.types import MacMode
from netplan.source import Path
from netplan.state import Context, EffNic

#: Hyper-V's OUI: every default dynamic pool is 00-15-5D-xx-yy-00..FF.
HYPERV_OUI = 0x00155D000000


# --- MAC helpers ---------------------------------------------------------------------------------


def mac_int(mac: str) -> int:
    """A normalised MAC (`00-15-5D-0A-0B-01`) as a 48-bit integer."""
    return int(mac.replace("-", "").replace(":", ""), 16)


def mac_text(value: int) -> str:
    digits = f"{value:012X}"
    return "-".join(digits[i : i + 2] for i in range(0, 12, 2))


@dataclass(frozen=True, slots=True)
class MacPool:
    """A host's dynamic MAC range, inclusive, and where it came from."""

    host: str
    low: int
    high: int
    origin: str  # "mac_pool" or "default from 10.1.99.11"

    def __str__(self) -> str:
        low, high = mac_text(self.low), mac_text(self.high)
        if low[:15] == high[:15]:
            return f"{low}..{high[15:]}"  # 00-15-5D-63-0B-00..FF
        return f"{low}..{high}"


def host_mac_pool(host: Host) -> MacPool | None:
    """The host's dynamic MAC pool: `mac_pool` if set, else Hyper-V's default 00-15-5D-xx-yy-00..FF
    with xx-yy the last two octets of its IPv4 address; None when neither is known."""
    if host.mac_pool is not None:
        return MacPool(
            host.name, mac_int(host.mac_pool.min), mac_int(host.mac_pool.max), "mac_pool"
        )
    if host.address is None:
        return None
    octets = host.address.packed
    base = HYPERV_OUI | octets[2] << 16 | octets[3] << 8
    return MacPool(host.name, base, base | 0xFF, f"default from {host.address}")


# --- NP304 ---------------------------------------------------------------------------------------


@rule(
    "NP304",
    "dynamic-mac-reservation",
    Severity.error,
    "dhcp-mac",
    summary="A replicated VM's NIC has a dynamic MAC that a DHCP reservation references.",
    why="Hyper-V regenerates a dynamic MAC from the replica host's pool when the VM starts "
    "there, so the reservation no longer matches and the replica gets a pool address (or none).",
    example="nics: [{segment: hq-srv, ip: dhcp, mac: 00-15-5D-63-0B-21}]  # mac_mode defaults "
    "to dynamic; a scope reserves 00-15-5D-63-0B-21",
    fix="Set mac_mode: static with that MAC on the NIC (Set-VMNetworkAdapter -StaticMacAddress) "
    "so it survives failover, or address the NIC with a static IP and a failover IP.",
    phases=(Phase.before,),
)
def dynamic_mac_reservation(ctx: Context) -> Iterator[Hit]:
    refs: dict[str, list[str]] = {}
    for name in sorted(ctx.design.dhcp_servers):
        srv = ctx.design.dhcp_servers[name]
        for scope in srv.scopes:
            for res in scope.reservations:
                refs.setdefault(res.client_id, []).append(
                    f"{name} reserves {res.address} in {scope.subnet}"
                )
    for eff in ctx.nics:
        nic, vm = eff.nic, eff.vm
        if nic.mac_mode != MacMode.dynamic or nic.mac is None:
            continue
        if not (vm.replica_host or vm.extended_host) or nic.mac not in refs:
            continue
        target = vm.replica_host or vm.extended_host or ""
        nodes = _host_members(ctx.design).get(target, [])
        pools = [p for h in nodes if (p := host_mac_pool(ctx.design.hosts[h]))]
        if target in ctx.design.hosts:
            whose = f"that host's pool{f' ({pools[0]})' if pools else ''}"
        else:
            listed = ", ".join(f"{p.host} {p}" for p in pools)
            whose = f"the pool of the cluster node it starts on{f' ({listed})' if listed else ''}"
        yield Hit(
            eff.subject,
            f"{vm.name} has dynamic MAC {nic.mac}, which a reservation uses "
            f"({'; '.join(refs[nic.mac])}); the replica starts on {target} with a new MAC "
            f"from {whose}, so the reservation stops matching",
            (*eff.path, "mac_mode"),
        )


# --- NP305 ---------------------------------------------------------------------------------------


def _host_members(design: Design) -> dict[str, list[str]]:
    """Host names behind a placement name (a host, or every node of a cluster)."""
    out: dict[str, list[str]] = {h: [h] for h in design.hosts}
    for name in sorted(design.hosts):
        cl = design.hosts[name].cluster
        if cl:
            out.setdefault(cl, []).append(name)
    return out


def host_segments(design: Design) -> dict[str, set[str]]:
    """L2 segments where each host's dynamic MACs appear: its management segment (the host's own
    vNICs) and every segment a dynamic-MAC NIC of a VM it runs, or receives as a replica/extended
    replica, connects to. Static-MAC NICs draw nothing from the pool and are not counted."""
    members = _host_members(design)
    out: dict[str, set[str]] = {h: set() for h in design.hosts}
    for name, host in design.hosts.items():
        if host.segment:
            out[name].add(host.segment)
    for vm in design.vms.values():
        dynamic = [n for n in vm.nics if n.mac_mode == MacMode.dynamic]
        if not dynamic:
            continue
        for placement in (vm.host, vm.replica_host, vm.extended_host):
            if placement is None:
                continue
            segs = {
                nic.segment if placement == vm.host else replica_segment(design, placement, nic)
                for nic in dynamic
            }
            segs.discard(None)
            for h in members.get(placement, []):
                out[h].update(s for s in segs if s is not None)
    return out


def _l2_severity(design: Design, segments: set[str]) -> tuple[Severity, str]:
    parts = []
    stretched = False
    for s in sorted(segments):
        seg = design.segments[s]
        if len(seg.sites) > 1:
            stretched = True
            parts.append(f"{s!r} (stretched over {', '.join(seg.sites)})")
        else:
            parts.append(repr(s))
    return (Severity.error if stretched else Severity.warning), ", ".join(parts)


def _pool_overlaps(design: Design) -> Iterator[Hit]:
    pools = {h: p for h in sorted(design.hosts) if (p := host_mac_pool(design.hosts[h]))}
    shared: dict[tuple[str, str], set[str]] = {}
    by_segment: dict[str, list[MacPool]] = {}
    for h, segs in host_segments(design).items():
        if h in pools:
            for s in segs:
                by_segment.setdefault(s, []).append(pools[h])
    for seg in sorted(by_segment):
        end, owner = -1, ""
        for p in sorted(by_segment[seg], key=lambda p: (p.low, p.high, p.host)):
            if p.low <= end:
                shared.setdefault((p.host, owner), set()).add(seg)
            if p.high > end:
                end, owner = p.high, p.host
    for (h, other), segs in sorted(shared.items()):
        sev, where = _l2_severity(design, segs)
        mine, theirs = pools[h], pools[other]
        path: Path = ("hosts", h, "mac_pool" if design.hosts[h].mac_pool else "address")
        yield Hit(
            f"host:{h}",
            f"host {h}'s dynamic MAC pool {mine} ({mine.origin}) overlaps {other}'s {theirs} "
            f"({theirs.origin}) and both put dynamic MACs on {where}: two adapters there can "
            "get the same MAC",
            path,
            severity=sev,
        )


def _when(eff: EffNic, segment: str) -> str:
    return "now" if segment == eff.nic.segment else "after failover"


def _static_duplicates(ctx: Context) -> Iterator[Hit]:
    design = ctx.design
    by_mac: dict[str, list[EffNic]] = {}
    for eff in ctx.nics:
        if eff.nic.mac is not None:
            by_mac.setdefault(eff.nic.mac, []).append(eff)
    for mac in sorted(by_mac):
        group = by_mac[mac]
        if len(group) < 2:
            continue
        first_on: dict[str, EffNic] = {}
        shared: dict[tuple[str, str], tuple[EffNic, EffNic, set[str]]] = {}
        for eff in group:  # already in VM/NIC order
            vm = eff.vm
            segs = {eff.nic.segment}
            for placement in (vm.replica_host, vm.extended_host):
                moved_to = replica_segment(design, placement, eff.nic) if placement else None
                if moved_to is not None:
                    segs.add(moved_to)
            for s in sorted(x for x in segs if x is not None):
                owner = first_on.setdefault(s, eff)
                if owner is not eff:
                    key = (eff.subject, owner.subject)
                    shared.setdefault(key, (eff, owner, set()))[2].add(s)
        for _key, (eff, owner, segs) in sorted(shared.items()):
            sev, where = _l2_severity(design, segs)
            when = "; ".join(
                (f"{s!r}: " if len(segs) > 1 else "")
                + f"{eff.vm.name} {_when(eff, s)}, {owner.vm.name} {_when(owner, s)}"
                for s in sorted(segs)
            )
            yield Hit(
                eff.subject,
                f"{eff.vm.name} uses MAC {mac}, the same as {owner.vm.name} "
                f"({owner.subject}), and both connect to {where} ({when})",
                (*eff.path, "mac"),
                severity=sev,
            )


@rule(
    "NP305",
    "mac-pool-overlap",
    Severity.warning,
    "dhcp-mac",
    summary="Hyper-V hosts with overlapping dynamic MAC pools share an L2 segment (a host's "
    "management segment, or one where dynamic-MAC NICs of VMs it runs or receives as replicas "
    "connect), or NICs that share a segment (before or after failover) use the same MAC; error "
    "when the shared segment is stretched. Hosts with no address and no mac_pool are skipped.",
    why="Duplicate MACs on one L2 domain make switches flap the address between ports: both "
    "VMs lose packets intermittently. Hosts cloned from one image, or whose addresses end in "
    "the same two octets, get the same default pool.",
    example="hosts: {hv-hq1: {address: 10.1.99.11}, hv-dr1: {address: 10.2.99.11}}  # both "
    "00-15-5D-63-0B-00..FF, VMs on a stretched VLAN",
    fix="Give each host a distinct mac_pool (Set-VMHost -MacAddressMinimum/-MacAddressMaximum), "
    "or change the duplicated static MAC.",
    phases=(Phase.before,),
)
def mac_pool_overlap(ctx: Context) -> Iterator[Hit]:
    yield from _pool_overlaps(ctx.design)
    yield from _static_duplicates(ctx)
