"""Reachability helpers shared by the routing, address, topology, DHCP and failover rules: which
links carry a prefix, which sites are joined for it, what a router advertises, where remote users
arrive, which router interfaces are live; and the disjoint sets that both the routed components
here and the duplicate-ip domains are built with.

Decisions (documented in the rules' texts too):
- A link carries a prefix when `carries` is unset (every prefix) or the prefix lies inside one of
  the listed prefixes. Only live vpn/wan/l2 links without NAT route private prefixes.
- A router advertises its `advertises` list, or by default the subnets of its interfaces.
- On-site client networks arrive in their own site while it is live. Remote ones (no site; access
  vpn or internet) arrive at any live site with an Internet presence (public addresses or an end
  of an internet link); if no site declares one, at any live site.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from netplan.checks._prefixes import Addr, Net
from netplan.model import ClientNetwork, Design, Link, Router, RouterInterface, Segment
from netplan.model.types import LinkType
from netplan.state import ROUTED_LINKS, Context

K = TypeVar("K", str, int)


def seg_cidrs(seg: Segment) -> list[Net]:
    return [n for n in (seg.ipv4, seg.ipv6) if n is not None]


def cidr_text(seg: Segment) -> str:
    """A segment's CIDRs for a message (`10.2.10.0/24, fd00:2::/64` or `no CIDR`)."""
    return ", ".join(str(n) for n in seg_cidrs(seg)) or "no CIDR"


def _subnet_of(a: Net, b: Net) -> bool:
    """`a` lies inside `b` (False across address families, where `subnet_of` raises)."""
    if isinstance(a, ipaddress.IPv4Network) and isinstance(b, ipaddress.IPv4Network):
        return a.subnet_of(b)
    if isinstance(a, ipaddress.IPv6Network) and isinstance(b, ipaddress.IPv6Network):
        return a.subnet_of(b)
    return False


def carries(link: Link, item: Net | Addr) -> bool:
    """A link carries a prefix/address: `carries` unset = everything; else it must lie inside
    one of the listed prefixes."""
    if link.carries is None:
        return True
    for c in link.carries:
        if c.version != item.version:
            continue
        if isinstance(item, ipaddress.IPv4Network | ipaddress.IPv6Network):
            if _subnet_of(item, c):
                return True
        elif item in c:
            return True
    return False


def advertised(design: Design, router: Router) -> tuple[Net, ...]:
    """Prefixes a router announces: `advertises`, else the subnets of its interfaces in each
    address family the interface has an address (or FHRP VIP) in."""
    if router.advertises is not None:
        return router.advertises
    out: list[Net] = []
    for itf in router.interfaces:
        seg = design.segments[itf.segment]
        has_v4 = itf.address is not None or (itf.fhrp is not None and itf.fhrp.virtual_address)
        has_v6 = itf.address_v6 is not None or (
            itf.fhrp is not None and itf.fhrp.virtual_address_v6
        )
        if seg.ipv4 is not None and has_v4:
            out.append(seg.ipv4)
        if seg.ipv6 is not None and has_v6:
            out.append(seg.ipv6)
    return tuple(out)


def advertises(design: Design, router: Router, prefix: Net) -> bool:
    return any(
        a.version == prefix.version and _subnet_of(prefix, a) for a in advertised(design, router)
    )


class UnionFind(Generic[K]):
    """Disjoint sets of sites or indexes. A union keeps the smaller root, so each set's root is
    its smallest member whatever the order of the unions (stable component numbering)."""

    def __init__(self, items: Iterable[K]) -> None:
        self.parent: dict[K, K] = {x: x for x in items}

    def __contains__(self, item: K) -> bool:
        return item in self.parent

    def find(self, x: K) -> K:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    def union(self, a: K, b: K) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class Reach:
    """Which sites route to each other for one prefix or address: over routed (vpn/wan/l2),
    non-NAT links that carry it. Live in the scenario, or with `baseline` in the design as drawn
    (every site up, links as their `up` says). Components are cached per set of carrying links,
    so a design with thousands of prefixes and a handful of links does a handful of unions."""

    def __init__(self, ctx: Context, baseline: bool = False) -> None:
        self.ctx = ctx
        self.baseline = baseline
        d = ctx.design
        self.links: list[tuple[str, Link]] = [
            (n, link)
            for n, link in sorted(d.links.items())
            if link.type in ROUTED_LINKS
            and not link.nat
            and (link.up if baseline else ctx.link_live(n))
        ]
        self._comps: dict[frozenset[str], dict[str, int]] = {}

    def site_ok(self, site: str | None) -> bool:
        if site is None:
            return False
        return site in self.ctx.design.sites if self.baseline else self.ctx.site_live(site)

    def carriers(self, item: Net | Addr) -> list[tuple[str, Link]]:
        return [(n, link) for n, link in self.links if carries(link, item)]

    def components(self, item: Net | Addr) -> dict[str, int]:
        """Live site -> component id, for the links that carry `item`."""
        used = self.carriers(item)
        key = frozenset(n for n, _ in used)
        comp = self._comps.get(key)
        if comp is None:
            sites = sorted(s for s in self.ctx.design.sites if self.site_ok(s))
            joined = UnionFind(sites)
            for _, link in used:
                a, b = link.sites
                if a in joined and b in joined:
                    joined.union(a, b)
            roots = sorted({joined.find(s) for s in sites})
            ids = {r: i for i, r in enumerate(roots)}
            comp = {s: ids[joined.find(s)] for s in sites}
            self._comps[key] = comp
        return comp

    def joined(self, a: str, b: str, item: Net | Addr) -> bool:
        comp = self.components(item)
        return a in comp and b in comp and comp[a] == comp[b]

    def links_between(self, sites: set[str], item: Net | Addr) -> list[str]:
        """Carrying links with both ends among `sites` (to name them in messages)."""
        return [n for n, link in self.carriers(item) if set(link.sites) <= sites]


def internet_sites(design: Design) -> set[str]:
    """Sites with an Internet presence: public addresses or an end of an internet link."""
    out = {s for s, site in design.sites.items() if site.public_addresses}
    for link in design.links.values():
        if link.type == LinkType.internet:
            out.update(link.sites)
    return out


def entry_sites(ctx: Context, cn: ClientNetwork, reach: Reach) -> list[str]:
    """Where a client network's users arrive: their site, or for remote users any site with an
    Internet presence (any site at all if the design declares none)."""
    if cn.site is not None:
        return [cn.site] if reach.site_ok(cn.site) else []
    candidates = internet_sites(ctx.design) or set(ctx.design.sites)
    return sorted(s for s in candidates if reach.site_ok(s))


def live_interfaces(ctx: Context) -> Iterator[tuple[str, Router, int, RouterInterface]]:
    """(router name, router, index, interface) of every router in a live site, routers in name
    order and interfaces in design order."""
    d = ctx.design
    for rname in sorted(d.routers):
        rtr = d.routers[rname]
        if not ctx.site_live(rtr.site):
            continue
        for i, itf in enumerate(rtr.interfaces):
            yield rname, rtr, i, itf


def l2_sites(ctx: Context, segment: str, site: str | None) -> set[str]:
    """Live sites of a segment's L2 domain that `site` still reaches.

    A stretched segment is one L2 domain only while an L2 extension joins its sites: live `l2`
    links between them that carry its prefix. If the design models no l2 link between any two
    of its sites, the extension is taken as given (not modelled) and every live site counts.
    """
    seg = ctx.design.segments[segment]
    live = set(ctx.segment_live_sites(segment))
    if len(seg.sites) < 2 or site not in live:
        return live
    spans = set(seg.sites)
    l2 = [
        (n, link)
        for n, link in sorted(ctx.design.links.items())
        if link.type == LinkType.l2 and set(link.sites) <= spans
    ]
    if not l2:
        return live
    cidrs = seg_cidrs(seg)
    usable = [
        link
        for n, link in l2
        if ctx.link_live(n) and (not cidrs or any(carries(link, c) for c in cidrs))
    ]
    seen, todo = {site}, [site]
    while todo:
        here = todo.pop()
        for link in usable:
            if here in link.sites:
                other = link.sites[1] if link.sites[0] == here else link.sites[0]
                if other in live and other not in seen:
                    seen.add(other)
                    todo.append(other)
    return seen
