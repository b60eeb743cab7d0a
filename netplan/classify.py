"""Which approach each network takes (separate, stretched, mirrored), with the evidence.

A *network* is a segment, or the segments whose CIDRs overlap (the same range in two places).
Overlaps are found with one sort-and-sweep per address family, so cost is O(n log n).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from netplan.graph import replica_segment
from netplan.model import Design, Segment

Net = ipaddress.IPv4Network | ipaddress.IPv6Network


class Approach(StrEnum):
    separate = "separate"
    stretched = "stretched"
    mirrored = "mirrored"
    hybrid = "hybrid"


@dataclass(frozen=True, slots=True)
class NetworkClass:
    name: str
    approach: Approach
    sites: tuple[str, ...]
    cidrs: tuple[str, ...]
    segments: tuple[str, ...]
    evidence: tuple[str, ...]
    carries_vms: bool
    carries_replicas: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "approach": str(self.approach),
            "sites": list(self.sites),
            "cidrs": list(self.cidrs),
            "segments": list(self.segments),
            "carries_vms": self.carries_vms,
            "carries_replicas": self.carries_replicas,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Classification:
    design: str
    approach: Approach
    networks: tuple[NetworkClass, ...]
    evidence: tuple[str, ...]

    def network_of(self, segment: str) -> NetworkClass | None:
        return next((n for n in self.networks if segment in n.segments), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "design": self.design,
            "approach": str(self.approach),
            "evidence": list(self.evidence),
            "networks": [n.to_dict() for n in self.networks],
        }


class _UnionFind:
    def __init__(self, items: list[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def overlapping_groups(items: list[tuple[Net, str]]) -> list[list[str]]:
    """Group names whose networks overlap (transitively); one sweep per family after sorting."""
    uf = _UnionFind(sorted({name for _, name in items}))
    for family in (4, 6):
        nets = sorted(
            (
                (int(n.network_address), int(n.broadcast_address), name)
                for n, name in items
                if n.version == family
            ),
        )
        end, owner = -1, ""
        for start, stop, name in nets:
            if start <= end:
                uf.union(owner, name)
            if stop > end:
                end, owner = stop, name
    groups: dict[str, list[str]] = {}
    for name in uf.parent:
        groups.setdefault(uf.find(name), []).append(name)
    return sorted(sorted(g) for g in groups.values())


def _cidrs(seg: Segment) -> list[Net]:
    return [n for n in (seg.ipv4, seg.ipv6) if n is not None]


def _describe(seg: Segment) -> str:
    cidrs = ", ".join(str(c) for c in _cidrs(seg)) or "no CIDR"
    vlan = f", VLAN {seg.vlan}" if seg.vlan is not None else ""
    return f"segment {seg.name!r} ({cidrs}{vlan})"


def _classify_group(
    design: Design, names: list[str], vm_segments: set[str], replica_segments: set[str]
) -> NetworkClass:
    segs = [design.segments[n] for n in names]
    sites = tuple(sorted({s for seg in segs for s in seg.sites}))
    cidrs = tuple(sorted({str(c) for seg in segs for c in _cidrs(seg)}, key=_cidr_key))
    evidence: list[str] = []
    if len(segs) == 1:
        seg = segs[0]
        if len(seg.sites) > 1:
            approach = Approach.stretched
            evidence.append(
                f"{_describe(seg)} is one L2 domain in sites {', '.join(seg.sites)}: "
                "the same addresses work in every site"
            )
        else:
            approach = Approach.separate
            evidence.append(f"{_describe(seg)} exists only in site {seg.sites[0]!r}")
            if seg.failover_segment:
                other = design.segments[seg.failover_segment]
                evidence.append(
                    f"replicas move to {_describe(other)} in "
                    f"{', '.join(other.sites)}: addresses change at failover"
                )
    else:
        approach = Approach.mirrored
        for seg in segs:
            evidence.append(f"{_describe(seg)} in site {', '.join(seg.sites)}")
        evidence.append(
            f"{len(segs)} separate L2 domains use the same or overlapping addresses: "
            "they collide the moment anything routes between them"
        )
        if len(sites) == 1:
            evidence.append(
                f"all of them are in site {sites[0]!r}: an addressing conflict inside one site "
                "rather than a DR design"
            )
    return NetworkClass(
        name=" + ".join(names),
        approach=approach,
        sites=sites,
        cidrs=cidrs,
        segments=tuple(names),
        evidence=tuple(evidence),
        carries_vms=bool(vm_segments & set(names)),
        carries_replicas=bool(replica_segments & set(names)),
    )


def _cidr_key(text: str) -> tuple[int, int, int]:
    net = ipaddress.ip_network(text)
    return net.version, int(net.network_address), net.prefixlen


def vm_segments(design: Design, replicated_only: bool = False) -> set[str]:
    """Segments a VM NIC uses before or after failover (of replicated VMs only, if asked)."""
    out: set[str] = set()
    for vm in design.vms.values():
        if replicated_only and not vm.replicated:
            continue
        for nic in vm.nics:
            out.add(nic.segment)
            for host in (vm.replica_host, vm.extended_host):
                rep = replica_segment(design, host, nic) if host else None
                if rep:
                    out.add(rep)
    return out


def classify(design: Design) -> Classification:
    """Classify every network and the design as a whole.

    The overall approach is the mix over the networks that replicated VMs use before or after
    failover: how the workloads fail over. Per-site networks of non-replicated servers (a
    permanent DC in each site), host management or transit don't change it. Without replicated
    VMs, the networks that carry any VM count; without VMs, all networks.
    """
    items = [(c, name) for name, seg in design.segments.items() for c in _cidrs(seg)]
    grouped = overlapping_groups(items)
    seen = {n for g in grouped for n in g}
    grouped += [[n] for n in sorted(design.segments) if n not in seen]
    used, replicas = vm_segments(design), vm_segments(design, replicated_only=True)
    networks = sorted(
        (_classify_group(design, g, used, replicas) for g in grouped), key=lambda n: n.name
    )
    counted, scope = (
        [n for n in networks if n.carries_replicas],
        ("network", " with replicated VMs"),
    )
    if not counted:
        counted, scope = [n for n in networks if n.carries_vms], ("network", " with VMs")
    if not counted:
        counted, scope = networks, ("network", "")
    kinds = sorted({n.approach for n in counted})
    if not kinds:
        approach = Approach.separate
        evidence = ["the design has no segments"]
    elif len(kinds) == 1:
        approach = kinds[0]
        evidence = [f"every {scope[0]}{scope[1]} is {approach}"]
    else:
        approach = Approach.hybrid
        parts = [f"{k}: {', '.join(n.name for n in counted if n.approach == k)}" for k in kinds]
        evidence = [f"{scope[0]}s{scope[1]} mix approaches (" + "; ".join(parts) + ")"]
    return Classification(design.name, approach, tuple(networks), tuple(evidence))
