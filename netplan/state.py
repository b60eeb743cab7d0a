"""What is live and what every NIC looks like once a scenario is applied.

Follows the rule catalog: a static MAC stays, a dynamic MAC is regenerated from the replica host's
pool; the IP becomes the failover IP if set and injectable, else the old static IP, else what live
DHCP hands out. Everything is computed lazily and once per scenario; lookups are indexed by
address/subnet so cost stays near-linear in the design size.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Literal

import networkx as nx

from netplan.classify import Classification
from netplan.graph import NodeKind, live_view, node_id, replica_segment
from netplan.model import Design, DhcpServer, Nic, Reservation, RouterInterface, Scope, Vm
from netplan.model.services import ServiceObject
from netplan.model.types import Adapter, GuestOs, IntegrationServices, LinkType, MacMode
from netplan.scenario import Scenario
from netplan.source import Path

IPv4 = ipaddress.IPv4Address
IPv4If = ipaddress.IPv4Interface
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

Where = Literal["primary", "replica", "extended", "test", "down"]
IpSource = Literal["static", "failover", "reservation", "pool", "none"]
ROUTED_LINKS = (LinkType.vpn, LinkType.wan, LinkType.l2)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a VM runs in the scenario."""

    where: Where
    site: str | None
    host: str | None

    @property
    def failed_over(self) -> bool:
        return self.where in ("replica", "extended")


@dataclass(frozen=True, slots=True)
class EffNic:
    """A NIC's effective state in the scenario."""

    vm: Vm
    index: int
    nic: Nic
    placement: Placement
    segment: str | None  # None: connected to no network
    mac: str | None  # None when a dynamic MAC is regenerated (or never known)
    mac_changed: bool
    ip: IPv4If | None
    ip_source: IpSource
    gateway: IPv4 | None
    dns: tuple[Address, ...]
    dhcp: tuple[DhcpServer, Scope] | None
    dhcp_problem: str  # why DHCP does not serve it ("" when it does or is not DHCP)

    @property
    def subject(self) -> str:
        vm = f"{self.vm.name} - Test" if self.placement.where == "test" else self.vm.name
        return nic_subject(vm, self.nic, self.index)

    @property
    def path(self) -> Path:
        return ("vms", self.vm.name, "nics", self.index)

    @property
    def running(self) -> bool:
        return self.placement.where != "down"


def gateway_addresses(itf: RouterInterface) -> list[Address]:
    """Every address a router interface answers as a gateway: its own and its FHRP VIPs."""
    addrs = [itf.address, itf.address_v6]
    if itf.fhrp:
        addrs += [itf.fhrp.virtual_address, itf.fhrp.virtual_address_v6]
    return [a for a in addrs if a is not None]


def nic_subject(vm: str, nic: Nic, index: int) -> str:
    return f"nic:{vm}/{nic.name or index}"


def injectable(vm: Vm, nic: Nic) -> bool:
    """Hyper-V injects failover TCP/IP only through the KVP service of a Windows guest."""
    return (
        vm.guest_os == GuestOs.windows
        and nic.adapter == Adapter.synthetic
        and vm.integration_services == IntegrationServices.current
    )


@dataclass(frozen=True, slots=True)
class Service:
    """A DHCP/DNS/DC service and where it answers in the scenario."""

    kind: Literal["dhcp", "dns", "dc"]
    name: str
    obj: ServiceObject
    live: bool
    site: str | None
    address: Address | None
    via_replica: bool  # alive only because its VM failed over


class Context:
    """A design seen through one scenario. Checks read it; nothing in it is mutated."""

    def __init__(
        self,
        design: Design,
        graph: nx.Graph,
        classification: Classification,
        scenario: Scenario,
    ) -> None:
        self.design = design
        self.graph = graph
        self.classification = classification
        self.scenario = scenario

    # --- liveness ----------------------------------------------------------------------------

    @cached_property
    def view(self) -> nx.Graph:
        """The graph without dead sites and failed links (a view, not a copy)."""
        view = live_view(self.graph, self.scenario.failed_sites)
        down = {node_id(NodeKind.link, n) for n in self.scenario.failed_links}
        if down:
            view = nx.subgraph_view(view, filter_node=lambda n: n not in down)
        return view

    def site_live(self, site: str | None) -> bool:
        return site is not None and site not in self.scenario.failed_sites

    def link_live(self, name: str) -> bool:
        return node_id(NodeKind.link, name) in self.view

    def segment_live_sites(self, segment: str) -> tuple[str, ...]:
        return tuple(s for s in self.design.segments[segment].sites if self.site_live(s))

    @cached_property
    def _site_component(self) -> dict[str, int]:
        """Sites that can route to each other over live, routed (non-NAT) links."""
        g: nx.Graph[str] = nx.Graph()
        g.add_nodes_from(s for s in self.design.sites if self.site_live(s))
        for name, link in self.design.links.items():
            if link.type in ROUTED_LINKS and not link.nat and self.link_live(name):
                g.add_edge(*link.sites)
        return {s: i for i, comp in enumerate(nx.connected_components(g)) for s in comp}

    def sites_routed(self, a: str | None, b: str | None) -> bool:
        comp = self._site_component
        return a is not None and b is not None and a in comp and comp.get(a) == comp.get(b)

    # --- VMs ---------------------------------------------------------------------------------

    @cached_property
    def placements(self) -> dict[str, Placement]:
        sc, d = self.scenario, self.design
        out: dict[str, Placement] = {}
        for name, vm in d.vms.items():
            home = d.host_site(vm.host)
            moved = name in sc.failed_vms
            if self.site_live(home) and not moved:
                out[name] = Placement("primary", home, vm.host)
                continue
            hops: tuple[tuple[Where, str | None], ...] = (
                ("replica", vm.replica_host),
                ("extended", vm.extended_host),
            )
            for where, host in hops:
                site = d.host_site(host) if host else None
                if host and self.site_live(site):
                    out[name] = Placement(where, site, host)
                    break
            else:
                out[name] = Placement("down", None, None)
        return out

    @cached_property
    def nics(self) -> list[EffNic]:
        """Every VM NIC's effective state, VMs in name order."""
        out: list[EffNic] = []
        for name in sorted(self.design.vms):
            vm = self.design.vms[name]
            for i, nic in enumerate(vm.nics):
                out.append(self._effective(vm, i, nic, self.placements[name]))
        return out

    @cached_property
    def test_nics(self) -> list[EffNic]:
        """NICs of the '<name> - Test' copies of a test-failover scenario (on their test switch,
        with the failover TCP/IP Hyper-V injects at test failover too)."""
        out: list[EffNic] = []
        for name in sorted(self.scenario.test_vms):
            vm = self.design.vms[name]
            host = vm.replica_host
            pl = Placement("test", self.design.host_site(host) if host else None, host)
            for i, nic in enumerate(vm.nics):
                out.append(self._effective(vm, i, nic, pl))
        return out

    def _effective(self, vm: Vm, i: int, nic: Nic, pl: Placement) -> EffNic:
        moved = pl.failed_over or pl.where == "test"
        if pl.where == "test":
            segment = nic.test_segment
        else:
            segment = replica_segment(self.design, pl.host, nic) if moved else nic.segment
        mac_kept = nic.mac_mode == MacMode.static or not moved
        mac = nic.mac if mac_kept else None
        # What the NIC is, where it sits; the addressing below completes it.
        here = partial(EffNic, vm, i, nic, pl, segment, mac, not mac_kept)
        fo = nic.failover
        if moved and fo is not None and fo.address is not None and injectable(vm, nic):
            dns = fo.dns or tuple(a for a in nic.dns if a.version == 4)
            return here(fo.address, "failover", fo.gateway, (*dns, *fo.dns_v6), None, "")
        if nic.is_static_ip:
            return here(nic.address, "static", nic.gateway, nic.dns, None, "")
        lease, problem = self.dhcp_for(segment)
        if lease is None:
            return here(None, "none", None, nic.dns, None, problem)
        _server, scope = lease
        res = self.reservations_by_client(scope).get(mac) if mac else None
        ip = IPv4If(f"{res.address}/{scope.subnet.prefixlen}") if res else None
        gateway = scope.router[0] if scope.router else None
        source: IpSource = "reservation" if res else "pool"
        return here(ip, source, gateway, nic.dns or scope.dns, lease, "")

    # --- gateways ----------------------------------------------------------------------------

    @cached_property
    def _gateways(self) -> dict[str, list[tuple[str, RouterInterface]]]:
        out: dict[str, list[tuple[str, RouterInterface]]] = {}
        for rname, rtr in self.design.routers.items():
            for itf in rtr.interfaces:
                out.setdefault(itf.segment, []).append((rname, itf))
        return out

    def gateways_on(self, segment: str) -> list[tuple[str, RouterInterface]]:
        """Router interfaces on a segment (live or not), as (router name, interface)."""
        return self._gateways.get(segment, [])

    def live_gateway_addresses(self, segment: str | None) -> dict[Address, list[str]]:
        """Addresses that answer as a gateway on the segment now, with the routers behind them
        (computed once a segment; treat the result as read-only)."""
        if segment not in self._gateway_cache:
            self._gateway_cache[segment] = self._live_gateway_addresses(segment)
        return self._gateway_cache[segment]

    @cached_property
    def _gateway_cache(self) -> dict[str | None, dict[Address, list[str]]]:
        return {}

    def _live_gateway_addresses(self, segment: str | None) -> dict[Address, list[str]]:
        out: dict[Address, list[str]] = {}
        if segment is None:
            return out
        for rname, itf in self.gateways_on(segment):
            if not self.site_live(self.design.routers[rname].site):
                continue
            for a in gateway_addresses(itf):
                out.setdefault(a, []).append(rname)
        return out

    # --- services ----------------------------------------------------------------------------

    def _service(
        self, kind: Literal["dhcp", "dns", "dc"], name: str, obj: ServiceObject
    ) -> Service:
        site = obj.site
        address = obj.address
        vm_name = obj.vm
        if vm_name is None:
            live = self.site_live(site)
            return Service(kind, name, obj, live, site, address, False)
        pl = self.placements[vm_name]
        if pl.where == "down":
            return Service(kind, name, obj, False, site, address, False)
        now = self._moved_address(vm_name, address) if pl.failed_over else address
        return Service(kind, name, obj, True, pl.site, now, pl.failed_over)

    def _moved_address(self, vm_name: str, address: Address) -> Address | None:
        """A service VM's address after failover: the new IP of the NIC that held it."""
        for eff in self.nics_of(vm_name):
            if eff.nic.address is not None and eff.nic.address.ip == address:
                return eff.ip.ip if eff.ip else None
        return address

    def nics_of(self, vm_name: str) -> list[EffNic]:
        return self._nics_by_vm.get(vm_name, [])

    @cached_property
    def _nics_by_vm(self) -> dict[str, list[EffNic]]:
        out: dict[str, list[EffNic]] = {}
        for eff in self.nics:
            out.setdefault(eff.vm.name, []).append(eff)
        return out

    @cached_property
    def dhcp_services(self) -> dict[str, Service]:
        return {n: self._service("dhcp", n, s) for n, s in sorted(self.design.dhcp_servers.items())}

    @cached_property
    def dns_services(self) -> dict[str, Service]:
        out = {n: self._service("dns", n, s) for n, s in sorted(self.design.dns_servers.items())}
        for n, dc in sorted(self.design.domain_controllers.items()):
            if dc.dns and f"dc:{n}" not in out:
                out[f"dc:{n}"] = self.dc_services[n]
        return out

    @cached_property
    def dc_services(self) -> dict[str, Service]:
        return {
            n: self._service("dc", n, s) for n, s in sorted(self.design.domain_controllers.items())
        }

    # --- DHCP --------------------------------------------------------------------------------

    @cached_property
    def _scopes_by_subnet(self) -> dict[ipaddress.IPv4Network, list[tuple[DhcpServer, Scope]]]:
        out: dict[ipaddress.IPv4Network, list[tuple[DhcpServer, Scope]]] = {}
        for name in sorted(self.design.dhcp_servers):
            srv = self.design.dhcp_servers[name]
            for scope in srv.scopes:
                out.setdefault(scope.subnet, []).append((srv, scope))
        return out

    def reservations_by_client(self, scope: Scope) -> dict[str, Reservation]:
        """Reservations of a scope by client ID (indexed once per scope, not scanned)."""
        index = self._reservation_index.get(id(scope))
        if index is None:
            index = {}
            for r in scope.reservations:
                index.setdefault(r.client_id, r)
            self._reservation_index[id(scope)] = index
        return index

    @cached_property
    def _reservation_index(self) -> dict[int, dict[str, Reservation]]:
        return {}

    def reservations_at(self, scope: Scope, address: Address) -> list[Reservation]:
        """Reservations of a scope for one address (indexed once per scope, not scanned)."""
        index = self._by_address.get(id(scope))
        if index is None:
            index = {}
            for r in scope.reservations:
                index.setdefault(r.address, []).append(r)
            self._by_address[id(scope)] = index
        return index.get(address, [])

    @cached_property
    def _by_address(self) -> dict[int, dict[Address, list[Reservation]]]:
        return {}

    def scopes_for(self, segment: str) -> list[tuple[DhcpServer, Scope]]:
        net = self.design.segments[segment].ipv4
        return self._scopes_by_subnet.get(net, []) if net else []

    def _router_serves(self, srv: DhcpServer, segment: str) -> bool:
        """DHCP running on a live router answers on every segment it has an interface on."""
        rtr = self.design.routers.get(srv.router or "")
        return (
            rtr is not None
            and self.site_live(rtr.site)
            and any(i.segment == segment for i in rtr.interfaces)
        )

    def dhcp_for(self, segment: str | None) -> tuple[tuple[DhcpServer, Scope] | None, str]:
        """The live scope that serves a segment, or why none does (computed once a segment)."""
        if segment not in self._dhcp_cache:
            self._dhcp_cache[segment] = self._dhcp_for(segment)
        return self._dhcp_cache[segment]

    @cached_property
    def _dhcp_cache(self) -> dict[str | None, tuple[tuple[DhcpServer, Scope] | None, str]]:
        return {}

    @cached_property
    def _relays(self) -> dict[str, set[Address]]:
        """DHCP relay targets of the live router interfaces, by segment."""
        out: dict[str, set[Address]] = {}
        for rtr in self.design.routers.values():
            if self.site_live(rtr.site):
                for itf in rtr.interfaces:
                    out.setdefault(itf.segment, set()).update(itf.dhcp_relay)
        return out

    def dhcp_reaches(self, srv: DhcpServer, segment: str) -> bool:
        """A live DHCP server answers clients on `segment`: on the segment itself, running on a
        live router with an interface there, or relayed by a live gateway from a routed site."""
        svc = self.dhcp_services[srv.name]
        seg = self.design.segments[segment]
        on_link = (
            svc.address is not None
            and seg.ipv4 is not None
            and svc.address in seg.ipv4
            and svc.site in seg.sites
        )
        if on_link or self._router_serves(srv, segment):
            return True
        return svc.address in self._relays.get(segment, set()) and any(
            self.sites_routed(site, svc.site) for site in self.segment_live_sites(segment)
        )

    def _dhcp_for(self, segment: str | None) -> tuple[tuple[DhcpServer, Scope] | None, str]:
        if segment is None:
            return None, "the NIC is connected to no network in this site"
        seg = self.design.segments[segment]
        candidates = self.scopes_for(segment)
        if not candidates:
            return None, f"no DHCP scope for {seg.ipv4 if seg.ipv4 else repr(segment)}"
        live = [(s, sc) for s, sc in candidates if self.dhcp_services[s.name].live]
        if not live:
            where = ", ".join(f"{s.name} ({s.site})" for s, _ in candidates)
            return None, f"the DHCP server(s) for {seg.ipv4} are down: {where}"
        for srv, scope in live:
            if self.dhcp_reaches(srv, segment):
                return (srv, scope), ""
        names = ", ".join(s.name for s, _ in live)
        return None, (
            f"no live gateway on {segment!r} relays DHCP to {names}, and none is on the segment"
        )
