"""Partial failover (NP107): one VM fails over while the rest of its site stays up.

What breaks depends on how the VM's network is built (stretched, separate or mirrored), so the
rule classifies each failed-over NIC first and judges it by that approach.

Decisions (documented in the rule's texts too):
- A dependency (`depends_on` by VM name or address, the reverse of it, and the NIC's DNS
  servers) "hits the twin" when the caller now runs in another site than the target and the
  target address lies in a range the caller's site has on another L2 domain (a mirrored range):
  the caller reaches its local copy of the range. A target whose address is not in such a range
  is reached by routing, like any cross-site traffic: not the twin's business. A VM reached by
  name hits the twin only when all its addresses do (its name may resolve to the others).
- Only references that stayed inside one site before the VM moved are judged (by name: caller
  and target homed in one site; by address: inside a range of the VM's home site). They break
  because the VM moved alone and are this rule's, reported once on the moved VM;
  mirrored-reference-internal-ip covers references that cross the sites whatever moved.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from netplan.checks._prefixes import Addr, PrefixIndex
from netplan.checks._replica_target import injected_v6
from netplan.checks._routing import Reach, seg_cidrs
from netplan.checks._text import and_list, short_list
from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import Approach
from netplan.findings import Severity
from netplan.state import Context, EffNic

# --- NP107 -----------------------------------------------------------------------------------


@rule(
    "NP107",
    "partial-failover",
    Severity.warning,
    "routing",
    summary="One VM failed over while the rest stay: on a stretched segment its traffic "
    "hairpins through the old site's gateway (warning); on separate networks its peers need "
    "routes and DNS for its new address (warning); on a mirrored range every dependency by "
    "internal address (to or from its peers by name or address, and its DNS servers) that now "
    "crosses the sites reaches the caller's local twin of the range instead (error); a peer "
    "outside the mirrored ranges with no live routed link to it is a warning.",
    why="Partial failovers (one broken VM, a test that went live) are common and mix the "
    "sites: what worked because everything moved together breaks when one VM moves alone.",
    example="dr-netplan analyze design.yaml --vm web01  # web01 alone in dr",
    fix="Stretched: give the replica site a local gateway (FHRP localisation) or accept the "
    "hairpin. Separate: route the replica prefix to the peers and update DNS (short TTLs, "
    "dynamic registration). Mirrored: fail over the VM together with everything it talks to, "
    "or reach cross-site services by their external (NAT) address.",
    phases=(Phase.after,),
)
def partial_failover(ctx: Context) -> Iterator[Hit]:
    sc = ctx.scenario
    if not sc.failed_vms:
        return
    used_by: dict[str, list[str]] = {}  # reverse of depends_on, built once
    for name in sorted(ctx.design.vms):
        for dep in ctx.design.vms[name].depends_on:
            used_by.setdefault(dep, []).append(name)
    where: _Where | None = None
    for vm_name in sorted(sc.failed_vms):
        pl = ctx.placements.get(vm_name)
        if pl is None or not pl.failed_over:
            continue
        vm = ctx.design.vms[vm_name]
        peers = (sorted(d for d in vm.depends_on if d in ctx.design.vms), used_by.get(vm_name, []))
        nics = [e for e in ctx.nics_of(vm_name) if e.segment is not None]
        mirrored = False
        for eff in nics:
            kind = _approach(ctx, eff)
            if kind == Approach.stretched:
                hit = _hairpin(ctx, eff)
            elif kind == Approach.mirrored:
                mirrored, hit = True, None
            else:
                hit = _separate(ctx, eff, peers)
            if hit is not None:
                yield hit
        if nics:
            where = where or _Where(ctx)
            yield from _twin(ctx, where, vm_name, nics, peers, mirrored)


def _approach(ctx: Context, eff: EffNic) -> Approach:
    if eff.segment == eff.nic.segment and len(ctx.design.segments[eff.segment].sites) > 1:
        return Approach.stretched
    net = ctx.classification.network_of(eff.nic.segment)
    if net and net.approach == Approach.mirrored and eff.segment in net.segments:
        return Approach.mirrored
    return Approach.separate


def _hairpin(ctx: Context, eff: EffNic) -> Hit | None:
    gw, here = eff.gateway, eff.placement.site
    if gw is None or eff.segment is None:
        return None
    d = ctx.design
    routers = ctx.live_gateway_addresses(eff.segment).get(gw, [])
    sites = {d.routers[r].site for r in routers}
    if not routers or here in sites:
        return None  # no gateway at all is gateway-unreachable's; a local peer: no hairpin
    who = ", ".join(f"{r} ({d.routers[r].site})" for r in sorted(routers))
    return Hit(
        f"vm:{eff.vm.name}",
        f"{eff.vm.name} failed over to {here} while {d.host_site(eff.vm.host)} stays up, on "
        f"stretched segment {eff.segment!r}; its gateway {gw} is answered only by {who}: "
        "every packet to another network "
        f"crosses the site interconnect to {and_list(sorted(sites))} and back (hairpin)",
        eff.path,
    )


def _separate(ctx: Context, eff: EffNic, peers: tuple[list[str], list[str]]) -> Hit | None:
    d = ctx.design
    vm, here = eff.vm.name, eff.placement.site
    uses, used_by = peers
    away = [
        n for n in sorted(set(uses) | set(used_by)) if ctx.placements[n].site not in (None, here)
    ]
    if not away:
        return None  # nothing it talks to, and nothing talking to it, was left behind
    old = eff.nic.address.ip if eff.nic.address else None
    new = eff.ip.ip if eff.ip else None
    records = [
        r.name
        for r in d.dns_records
        if r.vm == vm and r.type.value in ("A", "AAAA") and (new is None or r.value != str(new))
    ]
    seg = d.segments[eff.segment or eff.nic.segment]
    where = sorted({str(ctx.placements[n].site) for n in away})
    parts = [
        f"{vm} failed over to {here} without its peers: it now has "
        f"{new or 'an address from DHCP'}"
        + (f" instead of {old}" if old and old != new else "")
        + f" on {eff.segment!r} ({seg.ipv4 or seg.ipv6}), and {short_list(away)} "
        f"(still in {and_list(where)}) {'needs' if len(away) == 1 else 'need'} a route to it",
    ]
    if not all(ctx.sites_routed(w, here) for w in where):
        parts.append(f"but no live routed (non-NAT) link joins {and_list(where)} and {here}")
    if records:
        parts.append(f"and DNS {short_list(records)} must be updated to the new address")
    return Hit(f"vm:{vm}", "; ".join(parts), eff.path)


# --- mirrored: the local twin ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _At:
    """Something answering on an address: its site and segment (None: a service, no segment)."""

    site: str
    segment: str | None


class _Where:
    """Who answers which address where in the scenario, and which ranges each site has; both
    indexed (by address, by prefix), built once per scenario."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.ranges: PrefixIndex[str] = PrefixIndex()
        for name in sorted(ctx.design.segments):
            seg = ctx.design.segments[name]
            if not seg.isolated:
                for cidr in seg_cidrs(seg):
                    self.ranges.add(cidr, name)
        self.answers: dict[Addr, list[_At]] = {}
        for eff in ctx.nics:
            site = eff.placement.site
            if eff.running and site and eff.segment:
                for a in _addresses(eff):
                    self.answers.setdefault(a, []).append(_At(site, eff.segment))
        d = ctx.design
        for segment in sorted(d.segments):
            for a, routers in ctx.live_gateway_addresses(segment).items():
                for r in routers:
                    self.answers.setdefault(a, []).append(_At(d.routers[r].site, segment))
        for svcs in (ctx.dns_services, ctx.dc_services, ctx.dhcp_services):
            for s in svcs.values():
                if s.live and s.site and s.address is not None:
                    self.answers.setdefault(s.address, []).append(_At(s.site, None))
        self.reach = Reach(ctx)

    def local(self, addr: Addr, site: str) -> bool:
        return any(at.site == site for at in self.answers.get(addr, []))

    def twin(self, addr: Addr, site: str, target: _At | None) -> str | None:
        """The segment of `site` that `addr` reaches there instead of `target`, or None: the
        address is in no range of that site on another L2 domain. Without a known target (an
        address reference), an address answered in `site` counts as meant for that holder;
        with one, a holder of the same address on another segment there is the twin itself."""
        if target is None and self.local(addr, site):
            return None
        own = target.segment if target else None
        for _, segs in self.ranges.matches(addr):
            for s in segs:
                if s != own and site in self.ctx.segment_live_sites(s):
                    return s
        return None


def _addresses(eff: EffNic) -> list[Addr]:
    out: list[Addr] = [eff.ip.ip] if eff.ip is not None else []
    v6 = injected_v6(eff) or (eff.nic.address_v6 if eff.nic.is_static_ip else None)
    if v6 is not None:
        out.append(v6.ip)
    return out


def _twin(
    ctx: Context,
    w: _Where,
    vm: str,
    nics: list[EffNic],
    peers: tuple[list[str], list[str]],
    mirrored: bool,
) -> Iterator[Hit]:
    """References of a VM moved alone that now cross the sites by a mirrored internal address
    (error), and, for a VM on a mirrored range, peers it calls that nothing routes to (warning;
    on separate networks `_separate` says so, on a stretched one the old gateway still routes)."""
    d = ctx.design
    here = ctx.placements[vm].site
    assert here is not None
    home = d.host_site(d.vms[vm].host)
    uses, used_by = peers
    broken: list[str] = []
    unrouted: list[str] = []

    def by_name(caller: str, target: str) -> None:
        at_site = ctx.placements[caller].site
        there = ctx.placements[target].site
        if at_site is None or there is None or at_site == there:
            return
        if d.host_site(d.vms[caller].host) != d.host_site(d.vms[target].host):
            return  # crossed the sites before the VM moved: not the partial failover's doing
        targets = [
            (a, _At(there, e.segment))
            for e in ctx.nics_of(target)
            if e.segment is not None
            for a in _addresses(e)
        ]
        if not targets:
            return
        twins = [w.twin(a, at_site, at) for a, at in targets]
        if all(twins):
            broken.append(
                f"{caller} ({at_site}) -> {target} ({targets[0][0]}, in {there}): reaches "
                f"{twins[0]!r}"
            )
            return
        if caller != vm or not mirrored:
            return
        if not any(
            (at.segment is not None and at_site in ctx.segment_live_sites(at.segment))
            or w.reach.joined(at_site, there, a)
            for a, at in targets
        ):
            shown = ", ".join(str(a) for a, _ in targets)
            unrouted.append(f"{caller} -> {target} ({shown}, in {there})")

    for dep in uses:
        by_name(vm, dep)
    for dep in used_by:
        by_name(dep, vm)
    literal = [(a, "") for a in _literal_addresses(d.vms[vm].depends_on, d.vms)]
    literal += [(a, "DNS ") for e in nics for a in e.dns]
    for addr, what in dict.fromkeys(literal):
        twin = w.twin(addr, here, None)
        elsewhere = sorted({at.site for at in w.answers.get(addr, []) if at.site != here})
        if twin is None:
            if mirrored and not what and not w.local(addr, here) and not _in_site(w, addr, here):
                sites = elsewhere or ([home] if home and _in_site(w, addr, home) else [])
                if sites and not any(w.reach.joined(here, s, addr) for s in sites):
                    unrouted.append(f"{vm} -> {addr} (in {and_list(sites)})")
            continue
        if home is not None and _in_site(w, addr, home):  # it reached home's copy before
            held = f", in {and_list(elsewhere)}" if elsewhere else ""
            broken.append(f"{vm} -> {what}{addr}{held}: reaches {twin!r}")
    if broken:
        yield Hit(
            f"vm:{vm}",
            f"{vm} failed over alone to {here} while {home} stays up: these references use "
            "internal addresses of a mirrored range, cross the sites now and reach the "
            f"caller's local twin instead: {short_list(sorted(broken), 6)}",
            nics[0].path,
            severity=Severity.error,
        )
    if unrouted:
        yield Hit(
            f"vm:{vm}",
            f"{vm} failed over alone to {here}; peers it calls stayed behind and no live routed "
            f"(vpn/wan/l2, no NAT) link carries their addresses to {here}: "
            f"{short_list(sorted(unrouted), 6)}",
            nics[0].path,
        )


def _literal_addresses(deps: Iterable[str], vms: Mapping[str, object]) -> list[Addr]:
    """The `depends_on` entries that are addresses, not VM names."""
    out: list[Addr] = []
    for dep in deps:
        if dep in vms:
            continue
        try:
            out.append(ipaddress.ip_address(dep))
        except ValueError:
            continue
    return out


def _in_site(w: _Where, addr: Addr, site: str) -> bool:
    """`addr` lies in a range the site has (it was reached there before the VM moved)."""
    return any(
        site in w.ctx.segment_live_sites(s) for _, segs in w.ranges.matches(addr) for s in segs
    )
