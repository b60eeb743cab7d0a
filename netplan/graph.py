"""The design as a networkx graph: what sits where and what connects to what.

Node ids are `kind:name` strings (`site:hq`, `segment:servers`, `nic:web01/0`); every node and edge
carries the attributes documented by `NodeData` and `EdgeData`. A failover scenario hides sites with
`nx.subgraph_view` (a filtered view, O(1) to create), never a copy, so an N-1 sweep over a design
with 20,000 VMs reuses one graph.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any, TypedDict

import networkx as nx

from netplan.model import Design, Nic


class NodeKind(StrEnum):
    site = "site"
    segment = "segment"
    router = "router"
    gateway = "gateway"  # one router interface: the address VMs on a segment route through
    link = "link"
    host = "host"
    cluster = "cluster"
    vm = "vm"
    nic = "nic"
    dhcp = "dhcp"
    dns = "dns"
    dc = "dc"
    client = "client"


class EdgeKind(StrEnum):
    spans = "spans"  # segment - site: the L2 domain is present in the site
    located_in = "located_in"  # router/host/cluster/server/client - site
    interface = "interface"  # router - gateway
    attached = "attached"  # gateway/nic/host - segment (primary side)
    attached_replica = "attached_replica"  # nic - segment it joins after failover
    link_end = "link_end"  # link - site
    member_of = "member_of"  # host - cluster
    runs_on = "runs_on"  # vm - host/cluster (primary)
    replicates_to = "replicates_to"  # vm - host/cluster (replica)
    nic_of = "nic_of"  # nic - vm
    service_vm = "service_vm"  # dhcp/dns/dc - the VM it runs in


class NodeData(TypedDict):
    """Attributes of every node."""

    kind: NodeKind
    name: str
    sites: tuple[str, ...]  # sites the node lives in; () = not tied to a site (remote clients)
    obj: Any  # the model object (immutable)


class EdgeData(TypedDict):
    kind: EdgeKind


def node_id(kind: NodeKind | str, name: str) -> str:
    return f"{kind}:{name}"


def nic_id(vm: str, index: int) -> str:
    return node_id(NodeKind.nic, f"{vm}/{index}")


class _Builder:
    def __init__(self) -> None:
        self.g: nx.Graph = nx.Graph()

    def node(self, kind: NodeKind, name: str, sites: tuple[str, ...], obj: Any) -> str:
        nid = node_id(kind, name)
        self.g.add_node(nid, kind=kind, name=name, sites=sites, obj=obj)
        return nid

    def edge(self, a: str, b: str, kind: EdgeKind) -> None:
        self.g.add_edge(a, b, kind=kind)


def build_graph(design: Design) -> nx.Graph:
    """Build the graph of a loaded (reference-checked) design."""
    b = _Builder()
    site = {name: b.node(NodeKind.site, name, (name,), s) for name, s in design.sites.items()}
    for name, seg in design.segments.items():
        sid = b.node(NodeKind.segment, name, tuple(seg.sites), seg)
        for s in seg.sites:
            b.edge(sid, site[s], EdgeKind.spans)
    for name, rtr in design.routers.items():
        rid = b.node(NodeKind.router, name, (rtr.site,), rtr)
        b.edge(rid, site[rtr.site], EdgeKind.located_in)
        for i, itf in enumerate(rtr.interfaces):
            gid = b.node(NodeKind.gateway, f"{name}/{i}", (rtr.site,), itf)
            b.edge(rid, gid, EdgeKind.interface)
            b.edge(gid, node_id(NodeKind.segment, itf.segment), EdgeKind.attached)
    for name, link in design.links.items():
        lid = b.node(NodeKind.link, name, tuple(link.sites), link)
        for s in link.sites:
            b.edge(lid, site[s], EdgeKind.link_end)
    for name, cl in design.clusters.items():
        b.edge(b.node(NodeKind.cluster, name, (cl.site,), cl), site[cl.site], EdgeKind.located_in)
    for name, host in design.hosts.items():
        hid = b.node(NodeKind.host, name, (host.site,), host)
        b.edge(hid, site[host.site], EdgeKind.located_in)
        if host.cluster:
            b.edge(hid, node_id(NodeKind.cluster, host.cluster), EdgeKind.member_of)
        if host.segment:
            b.edge(hid, node_id(NodeKind.segment, host.segment), EdgeKind.attached)
    for name, vm in design.vms.items():
        _add_vm(b, design, name, vm)
    for kind, coll in (
        (NodeKind.dhcp, design.dhcp_servers),
        (NodeKind.dns, design.dns_servers),
        (NodeKind.dc, design.domain_controllers),
    ):
        for name, srv in coll.items():
            nid = b.node(kind, name, (srv.site,), srv)
            b.edge(nid, site[srv.site], EdgeKind.located_in)
            if srv.vm:
                b.edge(nid, node_id(NodeKind.vm, srv.vm), EdgeKind.service_vm)
    for name, cn in design.client_networks.items():
        cid = b.node(NodeKind.client, name, (cn.site,) if cn.site else (), cn)
        if cn.site:
            b.edge(cid, site[cn.site], EdgeKind.located_in)
    return b.g


def _add_vm(b: _Builder, design: Design, name: str, vm: Any) -> None:
    here = design.host_site(vm.host)
    vid = b.node(NodeKind.vm, name, (here,) if here else (), vm)
    b.edge(vid, _placement(design, vm.host), EdgeKind.runs_on)
    if vm.replica_host:
        b.edge(vid, _placement(design, vm.replica_host), EdgeKind.replicates_to)
    for i, nic in enumerate(vm.nics):
        nid = b.node(NodeKind.nic, f"{name}/{i}", (here,) if here else (), nic)
        b.edge(nid, vid, EdgeKind.nic_of)
        b.edge(nid, node_id(NodeKind.segment, nic.segment), EdgeKind.attached)
        replica = replica_segment(design, vm.replica_host, nic)
        if replica and replica != nic.segment:
            b.edge(nid, node_id(NodeKind.segment, replica), EdgeKind.attached_replica)


def _placement(design: Design, name: str) -> str:
    kind = NodeKind.cluster if name in design.clusters else NodeKind.host
    return node_id(kind, name)


def replica_segment(design: Design, replica_host: str | None, nic: Nic) -> str | None:
    """Segment a NIC joins when it runs on `replica_host` (replica or extended replica).

    Start from the NIC's `replica_segment`, else its own segment, and follow `failover_segment`
    until a segment reaches the host's site (hq -> dr -> cloud for an extended replica). If none
    does, the first candidate (explicit `replica_segment`, else the `failover_segment`) is
    returned so checks can say it does not reach the site; None if nothing is configured.
    """
    target = design.host_site(replica_host) if replica_host else None
    start = nic.replica_segment or nic.segment
    if target is None:
        return start
    name: str | None = start
    seen: set[str] = set()
    while name is not None and name not in seen:
        seg = design.segments[name]
        if target in seg.sites:
            return name
        seen.add(name)
        name = seg.failover_segment
    return nic.replica_segment or design.segments[nic.segment].failover_segment


def live_view(g: nx.Graph, failed_sites: Collection[str]) -> nx.Graph:
    """A read-only view without everything that lives only in `failed_sites`.

    A stretched segment stays while any of its sites survives. Links with a dead end go too.
    """
    dead = frozenset(failed_sites)
    if not dead:
        return g
    nodes = g.nodes

    def alive(n: str) -> bool:
        sites = nodes[n]["sites"]
        if nodes[n]["kind"] == NodeKind.link:
            return not (dead & set(sites)) and nodes[n]["obj"].up
        return not sites or any(s not in dead for s in sites)

    return nx.subgraph_view(g, filter_node=alive)


def nodes_of(g: nx.Graph, kind: NodeKind) -> list[str]:
    """Node ids of one kind, sorted (output must be deterministic)."""
    return sorted(n for n, k in g.nodes(data="kind") if k == kind)
