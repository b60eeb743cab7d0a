"""Cross-reference validation: names that must exist, addresses that must sit in their subnet.

These are facts about the document, not risks of the design: a design that fails them cannot be
analysed meaningfully, so they are load errors (exit 2), reported all at once.
"""

from __future__ import annotations

import difflib
import ipaddress
from collections.abc import Iterable, Iterator

from netplan.model.design import NAMED_COLLECTIONS, Design
from netplan.model.types import SiteRole
from netplan.source import Path

Issue = tuple[Path, str]


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(known[:8]) + (", ..." if len(known) > 8 else "")
    expected = f" (known: {listing})" if known and not close else ""
    return f"unknown {kind} {name!r}{hint}{expected}"


def _ref(path: Path, kind: str, name: str | None, known: dict | set) -> Iterator[Issue]:
    if name is not None and name not in known:
        yield path, _unknown(kind, name, known)


def _inside(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
    net: ipaddress.IPv4Network | ipaddress.IPv6Network | None,
) -> bool:
    return net is None or addr is None or addr in net


def validate_references(d: Design) -> list[Issue]:
    """Every broken reference in the design, with the path of the field to fix."""
    return [
        *_names(d),
        *_sites_and_segments(d),
        *_compute(d),
        *_services(d),
        *_replication(d),
    ]


def _names(d: Design) -> Iterator[Issue]:
    for coll in NAMED_COLLECTIONS:
        for key, obj in getattr(d, coll).items():
            if obj.name != key:
                yield (
                    (coll, key, "name"),
                    (
                        f"name {obj.name!r} differs from its key {key!r}; the key is the name "
                        "(remove name:)"
                    ),
                )


def _sites_and_segments(d: Design) -> Iterator[Issue]:
    if not any(s.role == SiteRole.primary for s in d.sites.values()):
        yield ("sites",), "no site has role 'primary'; one site must be where the VMs run today"
    for name, seg in d.segments.items():
        base = ("segments", name)
        for i, site in enumerate(seg.sites):
            yield from _ref((*base, "sites", i), "site", site, d.sites)
        if len(set(seg.sites)) != len(seg.sites):
            yield (*base, "sites"), "a site is listed twice"
        yield from _ref((*base, "failover_segment"), "segment", seg.failover_segment, d.segments)
        if seg.failover_segment == name:
            yield (*base, "failover_segment"), "a segment cannot fail over to itself"
    for name, rtr in d.routers.items():
        base = ("routers", name)
        yield from _ref((*base, "site"), "site", rtr.site, d.sites)
        for i, itf in enumerate(rtr.interfaces):
            ip = (*base, "interfaces", i)
            itf_seg = d.segments.get(itf.segment)
            if itf_seg is None:
                yield from _ref((*ip, "segment"), "segment", itf.segment, d.segments)
                continue
            if rtr.site in d.sites and rtr.site not in itf_seg.sites:
                yield (
                    (*ip, "segment"),
                    (
                        f"segment {itf.segment!r} does not reach site {rtr.site!r} "
                        f"(it spans {', '.join(itf_seg.sites)})"
                    ),
                )
            for field, addr, net in (
                ("address", itf.address, itf_seg.ipv4),
                ("address_v6", itf.address_v6, itf_seg.ipv6),
            ):
                if addr is not None and net is None:
                    yield (*ip, field), f"segment {itf.segment!r} has no IPv{addr.version} network"
                elif not _inside(addr, net):
                    yield (*ip, field), f"{addr} is outside segment {itf.segment!r} ({net})"
            if itf.fhrp:
                for field, addr, net in (
                    ("virtual_address", itf.fhrp.virtual_address, itf_seg.ipv4),
                    ("virtual_address_v6", itf.fhrp.virtual_address_v6, itf_seg.ipv6),
                ):
                    if addr is not None and net is None:
                        yield (
                            (*ip, "fhrp", field),
                            (f"segment {itf.segment!r} has no IPv{addr.version} network"),
                        )
                    elif not _inside(addr, net):
                        yield (
                            (*ip, "fhrp", field),
                            (f"{addr} is outside segment {itf.segment!r} ({net})"),
                        )
    for name, link in d.links.items():
        for i, site in enumerate(link.sites):
            yield from _ref(("links", name, "sites", i), "site", site, d.sites)
        if link.sites[0] == link.sites[1]:
            yield ("links", name, "sites"), "a link joins two different sites"
    for name, cn in d.client_networks.items():
        yield from _ref(("client_networks", name, "site"), "site", cn.site, d.sites)


def _compute(d: Design) -> Iterator[Issue]:
    placements = {**d.hosts, **d.clusters}
    for name in set(d.hosts) & set(d.clusters):
        yield ("clusters", name), f"{name!r} is both a host and a cluster; names must be unique"
    for name, host in d.hosts.items():
        base = ("hosts", name)
        yield from _ref((*base, "site"), "site", host.site, d.sites)
        yield from _ref((*base, "cluster"), "cluster", host.cluster, d.clusters)
        yield from _ref((*base, "segment"), "segment", host.segment, d.segments)
        cl = d.clusters.get(host.cluster or "")
        if cl and cl.site != host.site:
            yield (
                (*base, "cluster"),
                f"cluster {cl.name!r} is in site {cl.site!r}, host in {host.site!r}",
            )
        seg = d.segments.get(host.segment or "")
        if seg and host.address and seg.ipv4 and host.address not in seg.ipv4:
            yield (*base, "address"), f"{host.address} is outside segment {seg.name!r} ({seg.ipv4})"
        if host.mac_pool and host.mac_pool.min > host.mac_pool.max:
            yield (*base, "mac_pool"), "mac_pool.min is above mac_pool.max"
    for name, cl in d.clusters.items():
        yield from _ref(("clusters", name, "site"), "site", cl.site, d.sites)
    for name, vm in d.vms.items():
        base = ("vms", name)
        for field in ("host", "replica_host", "extended_host"):
            yield from _ref((*base, field), "host or cluster", getattr(vm, field), placements)
        site = d.host_site(vm.host)
        if vm.extended_host and d.host_site(vm.extended_host) in (
            site,
            d.host_site(vm.replica_host or ""),
        ):
            yield (*base, "extended_host"), "the extended replica must be in a third site (A->B->C)"
        if vm.replica_host and d.host_site(vm.replica_host) == site and site is not None:
            yield (
                (*base, "replica_host"),
                f"replica host is in the same site as the primary ({site})",
            )
        seen_names: set[str] = set()
        for i, nic in enumerate(vm.nics):
            yield from _nic(d, (*base, "nics", i), nic, site)
            if nic.name and nic.name in seen_names:
                yield (*base, "nics", i, "name"), f"duplicate NIC name {nic.name!r}"
            seen_names.add(nic.name)
        for i, dep in enumerate(vm.depends_on):
            try:
                ipaddress.ip_address(dep)
            except ValueError:
                yield from _ref((*base, "depends_on", i), "VM", dep, d.vms)


def _nic(d: Design, path: Path, nic: object, site: str | None) -> Iterator[Issue]:
    from netplan.model.compute import Nic

    assert isinstance(nic, Nic)
    for field in ("segment", "replica_segment", "test_segment"):
        yield from _ref((*path, field), "segment", getattr(nic, field), d.segments)
    seg = d.segments.get(nic.segment)
    if seg is None:
        return
    if site is not None and site not in seg.sites:
        yield (
            (*path, "segment"),
            (
                f"segment {nic.segment!r} does not reach site {site!r} where the VM runs "
                f"(it spans {', '.join(seg.sites)})"
            ),
        )
    for field, iface, net in (
        ("address", nic.address, seg.ipv4),
        ("address_v6", nic.address_v6, seg.ipv6),
    ):
        if iface is None:
            continue
        if net is None:
            yield (*path, field), f"segment {nic.segment!r} has no IPv{iface.version} network"
        elif iface.ip not in net:
            yield (*path, field), f"{iface.ip} is outside segment {nic.segment!r} ({net})"
        elif (
            iface.network.prefixlen == iface.max_prefixlen and net.prefixlen != iface.max_prefixlen
        ):
            yield (
                (*path, field),
                (
                    f"{iface.ip} has no prefix length (read as /{iface.max_prefixlen}); "
                    f"write it as {iface.ip}/{net.prefixlen}, like segment {nic.segment!r} ({net})"
                ),
            )
        elif iface.network.prefixlen != net.prefixlen:
            yield (
                (*path, field),
                (f"prefix /{iface.network.prefixlen} differs from segment {nic.segment!r} ({net})"),
            )


def _services(d: Design) -> Iterator[Issue]:
    for name, srv in d.dhcp_servers.items():
        base = ("dhcp_servers", name)
        yield from _ref((*base, "site"), "site", srv.site, d.sites)
        yield from _ref((*base, "vm"), "VM", srv.vm, d.vms)
        yield from _ref((*base, "router"), "router", srv.router, d.routers)
        if srv.failover:
            yield from _ref(
                (*base, "failover", "partner"),
                "DHCP server",
                srv.failover.partner,
                set(d.dhcp_servers) - {name} if srv.failover.partner != name else d.dhcp_servers,
            )
            if srv.failover.partner == name:
                yield (*base, "failover", "partner"), "a DHCP server cannot be its own partner"
        for i, scope in enumerate(srv.scopes):
            yield from _scope((*base, "scopes", i), scope)
    for name, dns in d.dns_servers.items():
        yield from _ref(("dns_servers", name, "site"), "site", dns.site, d.sites)
        yield from _ref(("dns_servers", name, "vm"), "VM", dns.vm, d.vms)
        yield from _ref(("dns_servers", name, "router"), "router", dns.router, d.routers)
    for i, rec in enumerate(d.dns_records):
        yield from _ref(("dns_records", i, "vm"), "VM", rec.vm, d.vms)
    for name, dc in d.domain_controllers.items():
        base = ("domain_controllers", name)
        yield from _ref((*base, "site"), "site", dc.site, d.sites)
        yield from _ref((*base, "vm"), "VM", dc.vm, d.vms)
        if d.ad_sites:
            yield from _ref((*base, "ad_site"), "AD site", dc.ad_site, d.ad_sites)


def _scope(path: Path, scope: object) -> Iterator[Issue]:
    from netplan.model.services import Scope

    assert isinstance(scope, Scope)
    net = scope.subnet
    if scope.range:
        lo, hi = scope.range
        for j, a in enumerate(scope.range):
            if a not in net:
                yield (*path, "range", j), f"{a} is outside the scope's subnet {net}"
        if lo > hi:
            yield (*path, "range"), f"range starts ({lo}) after it ends ({hi})"
    for j, (lo, hi) in enumerate(scope.exclusions):
        if lo not in net or hi not in net or lo > hi:
            yield (*path, "exclusions", j), f"exclusion {lo}-{hi} is not an ordered range in {net}"
    seen: dict[str, int] = {}
    for j, res in enumerate(scope.reservations):
        if res.address not in net:
            yield (
                (*path, "reservations", j, "address"),
                (f"reservation {res.address} is outside the scope's subnet {net}"),
            )
        if res.client_id in seen:
            yield (
                (*path, "reservations", j, "client_id"),
                (
                    f"client ID {res.client_id} is already reserved in this scope "
                    f"(reservations[{seen[res.client_id]}])"
                ),
            )
        seen.setdefault(res.client_id, j)


def _replication(d: Design) -> Iterator[Issue]:
    placements = {**d.hosts, **d.clusters}
    for name, rep in d.replication.items():
        base = ("replication", name)
        yield from _ref((*base, "source"), "host or cluster", rep.source, placements)
        yield from _ref((*base, "target"), "host or cluster", rep.target, placements)
        for i, link in enumerate(rep.path):
            yield from _ref((*base, "path", i), "link", link, d.links)
