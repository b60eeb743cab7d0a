"""Active Directory sites: whether the subnets failed-over clients use map (longest prefix) to an
AD site with a live DC (NP502 ad-subnet-missing, NP503 ad-subnet-wrong-site), whether a prefix is
needed in two AD sites (NP504 ad-subnet-conflict), and whether a stretched segment's one AD site
keeps a DC in every site it spans (NP505 stretched-one-ad-site).

The rules about the DCs themselves are in `domain_controllers`.
"""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks._dc import dc_where, is_replicated
from netplan.checks._prefixes import Net, PrefixIndex
from netplan.checks._text import and_list as _and
from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import Approach
from netplan.findings import Severity
from netplan.model import Design, Segment
from netplan.model.types import SegmentPurpose
from netplan.source import Path
from netplan.state import Context, EffNic

# --- shared helpers -----------------------------------------------------------------------------


def _ad_index(d: Design) -> PrefixIndex[str]:
    """AD subnets -> AD site names (AD sites in name order)."""
    index: PrefixIndex[str] = PrefixIndex()
    for name, site in sorted(d.ad_sites.items()):
        for net in site.subnets:
            index.add(net, name)
    return index


def _ad_site_of(index: PrefixIndex[str], net: Net) -> tuple[Net, str] | None:
    """The AD site a client in `net` is mapped to (longest AD subnet containing all of `net`)."""
    hit = index.longest(net)
    return (hit[0], hit[1][0]) if hit else None


#: Segments whose machines are domain members, so their subnets need an AD site. Transit,
#: storage, replication and test networks hold no clients that locate DCs by site; a DMZ counts
#: only when a VM on it uses a DC as its DNS server (a domain member; a standalone DMZ host
#: resolves elsewhere).
_AD_PURPOSES = (SegmentPurpose.servers, SegmentPurpose.clients, SegmentPurpose.management)


def _dc_addresses(ctx: Context) -> set[object]:
    out: set[object] = set()
    for name, dc in ctx.design.domain_controllers.items():
        out.add(dc.address)
        out.add(ctx.dc_services[name].address)
    return out


def _domain_members(ctx: Context, seg: Segment, nics: list[EffNic]) -> bool:
    """Whether the segment's machines locate DCs by AD site (see `_AD_PURPOSES`)."""
    if seg.purpose in _AD_PURPOSES:
        return True
    if seg.purpose != SegmentPurpose.dmz:
        return False
    dcs = _dc_addresses(ctx)
    return any(a in dcs for e in nics for a in (*e.dns, *e.nic.dns))


def _cidrs(seg: Segment) -> list[tuple[str, Net]]:
    return [(f, n) for f, n in (("ipv4", seg.ipv4), ("ipv6", seg.ipv6)) if n is not None]


def _dcs_by_ad_site(d: Design) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, dc in sorted(d.domain_controllers.items()):
        out.setdefault(dc.ad_site, []).append(name)
    return out


def _running_segments(ctx: Context, failed_over_only: bool = False) -> dict[str, list[EffNic]]:
    """Segments with running NICs after the scenario, with those NICs (VM name order)."""
    out: dict[str, list[EffNic]] = {}
    for eff in ctx.nics:
        if not eff.running or eff.segment is None:
            continue
        if failed_over_only and not eff.placement.failed_over:
            continue
        out.setdefault(eff.segment, []).append(eff)
    return out


def _vm_list(nics: list[EffNic]) -> str:
    vms = list(dict.fromkeys(e.vm.name for e in nics))
    return ", ".join(vms[:3]) + (f" and {len(vms) - 3} more" if len(vms) > 3 else "")


# --- ad-subnet-missing --------------------------------------------------------------------------


def _one_site_forest(d: Design) -> bool:
    """One AD site (or none modelled) and no subnets: every client maps to that site."""
    return len(d.ad_sites) <= 1 and not any(s.subnets for s in d.ad_sites.values())


def _local_ad_sites(ctx: Context, seg: Segment) -> tuple[list[str], str]:
    """AD sites of the live DCs in the segment's live sites, from its permanent (non-replicated)
    DCs if it has any: where its subnet probably belongs; and which kind of DC that was."""
    sites = set(ctx.segment_live_sites(seg.name))
    here = [
        dc
        for n, dc in sorted(ctx.design.domain_controllers.items())
        if ctx.dc_services[n].live and ctx.dc_services[n].site in sites
    ]
    permanent = [dc for dc in here if not is_replicated(ctx.design, dc)]
    return sorted({dc.ad_site for dc in permanent or here}), (
        "permanent DCs" if permanent else "DCs"
    )


def _suggest_ad_site(ctx: Context, seg: Segment) -> str:
    names, kind = _local_ad_sites(ctx, seg)
    return f" (the {kind} there are in AD site {' or '.join(names)})" if names else ""


@rule(
    "NP502",
    "ad-subnet-missing",
    Severity.warning,
    "active-directory",
    summary="A server, client or management subnet in use after failover has no AD subnet "
    "containing it (longest prefix); skipped for a one-site forest without subnets. Transit, "
    "storage, replication and test segments are skipped (no domain members locate DCs from "
    "them); a DMZ segment counts only when a VM on it uses a DC as its DNS server.",
    why="A client whose address matches no AD subnet logs NETLOGON 5807 (NO_CLIENT_SITE) and may "
    "authenticate against any DC, across the WAN or in the dead site: slow logons, timeouts.",
    example="ad_sites: {HQ: {subnets: [10.0.0.0/24]}, DR: {}}  # replicas land in 10.1.0.0/24",
    fix="Add the subnet to the AD site of the DCs that serve that site (AD Sites and Services, "
    "or New-ADReplicationSubnet).",
    phases=(Phase.after,),
)
def ad_subnet_missing(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    if _one_site_forest(d):
        return
    index = _ad_index(d)
    for name, nics in sorted(_running_segments(ctx).items()):
        seg = d.segments[name]
        if not _domain_members(ctx, seg, nics):
            continue
        for field, net in _cidrs(seg):
            if _ad_site_of(index, net) is not None:
                continue
            siteless = nics
            if net.version == 4:
                # More specific AD subnets may still cover every address actually in use.
                siteless = [e for e in nics if e.ip is None or index.longest(e.ip.ip) is None]
                if not siteless:
                    continue
            names, _kind = _local_ad_sites(ctx, seg)
            target = f"AD site {' or '.join(repr(n) for n in names)}" if names else "an AD site"
            yield Hit(
                f"segment:{name}",
                f"segment {name!r} ({net}) in {', '.join(ctx.segment_live_sites(name))} carries "
                f"{_vm_list(siteless)} but no AD subnet contains {net}: clients there have no AD "
                f"site{_suggest_ad_site(ctx, seg)}",
                ("segments", name, field),
                fix=f"Add {net} as an AD subnet of {target} (AD Sites and Services, or "
                f"New-ADReplicationSubnet -Name {net} -Site "
                f"{names[0] if len(names) == 1 else '<site>'}).",
            )


# --- ad-subnet-wrong-site -----------------------------------------------------------------------


@rule(
    "NP503",
    "ad-subnet-wrong-site",
    Severity.warning,
    "active-directory",
    summary="A replica-site server, client or management subnet holding failed-over VMs maps "
    "(longest prefix) to an AD site whose DCs were all homed in the lost site: a warning when "
    "one of them still runs as a failed-over replica, an error when none runs. Stretched "
    "segments are stretched-one-ad-site's, a prefix listed in several AD sites "
    "ad-subnet-conflict's; segments without domain members are skipped as for "
    "ad-subnet-missing.",
    why="Clients look for DCs of their AD site first: they are sent to DCs that died with the "
    "primary site, wait for timeouts, and fall back to any DC only if site coverage allows. A "
    "failed-over DC VM answers only if it was failed over first.",
    example="ad_sites: {HQ: {subnets: [10.0.0.0/16]}}  # dr's 10.0.1.0/24 falls under HQ",
    fix="Put the replica-site subnet in the AD site of the replica site's DCs (a more specific "
    "subnet object is enough), and keep a DC there.",
    phases=(Phase.after,),
)
def ad_subnet_wrong_site(ctx: Context) -> Iterator[Hit]:
    d, dead = ctx.design, ctx.scenario.failed_sites
    if not dead:
        return
    index = _ad_index(d)
    by_site = _dcs_by_ad_site(d)
    for name, nics in sorted(_running_segments(ctx, failed_over_only=True).items()):
        seg = d.segments[name]
        if len(seg.sites) > 1 or not _domain_members(ctx, seg, nics):
            continue  # stretched: one subnet in two sites is stretched-one-ad-site's finding
        for field, net in _cidrs(seg):
            hit = index.longest(net)
            if hit is None or len(set(hit[1])) > 1:
                continue  # no AD site (ad-subnet-missing), or two (ad-subnet-conflict)
            subnet, ad_site = hit[0], hit[1][0]
            dcs = by_site.get(ad_site, [])
            if not dcs or any(d.domain_controllers[n].site not in dead for n in dcs):
                continue
            live = [n for n in dcs if ctx.dc_services[n].live]
            lost = ", ".join(sorted({d.domain_controllers[n].site for n in dcs}))
            head = (
                f"segment {name!r} ({net}) in {', '.join(seg.sites)} holds failed-over "
                f"{_vm_list(nics)}, but AD subnet {subnet} puts it in AD site {ad_site!r}, whose "
                f"DCs were all homed in lost site {lost}"
            )
            if live:
                down = [dc_where(ctx, n) for n in dcs if n not in live]
                there = _and(sorted({str(ctx.dc_services[n].site) for n in live}))
                one = len(live) == 1
                message = (
                    f"{head}{f' ({_and(down)})' if down else ''}; the only "
                    f"{'one' if one else 'ones'} running {'is' if one else 'are'} {_and(live)}, "
                    f"{'a replicated DC' if one else 'replicated DCs'} failed over to {there}: "
                    "clients there reach a DC of their AD site only once it has been failed "
                    f"over, and no permanent DC serves {ad_site!r}"
                )
            else:
                message = (
                    f"{head}, and none of them runs ({', '.join(dc_where(ctx, n) for n in dcs)}): "
                    "clients there find no DC of their AD site"
                )
            yield Hit(
                f"segment:{name}",
                message,
                ("segments", name, field),
                severity=None if live else Severity.error,
                fix=_wrong_site_fix(ctx, seg, net, ad_site),
            )


def _wrong_site_fix(ctx: Context, seg: Segment, net: Net, ad_site: str) -> str:
    names, kind = _local_ad_sites(ctx, seg)
    where = ", ".join(seg.sites)
    if names == [ad_site]:
        return (
            f"Keep a permanent, non-replicated DC of AD site {ad_site!r} in {where} (AD "
            "replicates it); a failed-over DC VM is a dependency on failover order."
        )
    if not names:
        return (
            f"Keep a permanent DC in {where} in its own AD site, and add {net} (or a more "
            "specific subnet) to that AD site."
        )
    return (
        f"Add {net} as an AD subnet of AD site {' or '.join(repr(n) for n in names)} (the AD "
        f"site of the {kind} in {where}); a more specific subnet than the current one is enough."
    )


# --- ad-subnet-conflict -------------------------------------------------------------------------


@rule(
    "NP504",
    "ad-subnet-conflict",
    Severity.error,
    "active-directory",
    summary="The same prefix is needed in two AD sites: listed under two AD sites, or a mirrored "
    "range with domain members (a server, client or management segment, or a DMZ whose VMs use "
    "a DC for DNS; not transit, storage, replication or test) used in physical sites whose DCs "
    "are in different AD sites.",
    why="An AD subnet object belongs to exactly one AD site, so a mirrored range can't be two AD "
    "sites: clients in one of the sites are always sent to the other site's DCs.",
    example="ad_sites: {HQ: {subnets: [10.10.0.0/24]}, DR: {subnets: [10.10.0.0/24]}}",
    fix="Give each site distinct ranges (or at least distinct client/server subnets for AD), or "
    "serve both copies of the mirrored range from one AD site with DCs in both physical sites.",
    phases=(Phase.before,),
)
def ad_subnet_conflict(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    listed: dict[Net, list[tuple[str, int]]] = {}
    for name, site in sorted(d.ad_sites.items()):
        for j, net in enumerate(site.subnets):
            listed.setdefault(net, []).append((name, j))
    for net, where in sorted(listed.items(), key=lambda x: (x[0].version, x[0])):
        first = where[0][0]
        for name, j in where[1:]:
            if name == first:
                continue
            yield Hit(
                f"ad-site:{name}",
                f"subnet {net} is listed in AD site {name!r} and already in {first!r}; "
                "a subnet object belongs to exactly one AD site",
                ("ad_sites", name, "subnets", j),
            )
    served: dict[str, set[str]] = {}
    for dc in d.domain_controllers.values():
        served.setdefault(dc.site, set()).add(dc.ad_site)
    on: dict[str, list[EffNic]] = {}
    for eff in ctx.nics:
        if eff.segment is not None:
            on.setdefault(eff.segment, []).append(eff)
    for network in ctx.classification.networks:
        if network.approach != Approach.mirrored:
            continue
        nics = [e for n in network.segments for e in on.get(n, [])]
        if not any(_domain_members(ctx, d.segments[n], nics) for n in network.segments):
            continue
        per_site = {s: frozenset(served[s]) for s in network.sites if served.get(s)}
        if len(set(per_site.values())) < 2:
            continue
        parts = "; ".join(f"{s} by {', '.join(sorted(ad))}" for s, ad in sorted(per_site.items()))
        yield Hit(
            f"network:{network.name}",
            f"mirrored range {', '.join(network.cidrs)} "
            f"(segments {', '.join(network.segments)}) is "
            f"used in sites served by different AD sites ({parts}); one prefix can map to only "
            "one AD site",
            ("segments", network.segments[0]),
        )


# --- stretched-one-ad-site ----------------------------------------------------------------------


@rule(
    "NP505",
    "stretched-one-ad-site",
    Severity.info,
    "active-directory",
    summary="A stretched segment maps to one AD site: info at design time (saying whether that "
    "AD site has a DC in every site the segment spans); after failover a warning if it has no "
    "live DC in a surviving site. Segments without domain members are skipped as for "
    "ad-subnet-missing.",
    why="The same subnet in two physical sites is one AD subnet, so clients in both sites use "
    "the DCs of one AD site; if those all die with a site, failed-over clients have no site DC.",
    example="segments: {lan: {sites: [hq, dr], ipv4: 10.20.0.0/24}}; ad_sites: {HQ: {subnets: "
    "[10.20.0.0/24]}}  # HQ's DCs all in hq",
    fix="Keep a DC of that AD site in each physical site the segment spans (or accept that "
    "clients cross the link for authentication).",
)
def stretched_one_ad_site(ctx: Context) -> Iterator[Hit]:
    d, dead = ctx.design, ctx.scenario.failed_sites
    design_time = ctx.scenario.phase == Phase.before
    if not design_time and not dead:
        return  # nothing lost: every DC is where it was at design time
    index = _ad_index(d)
    by_site = _dcs_by_ad_site(d)
    running = _running_segments(ctx)
    for name, seg in sorted(d.segments.items()):
        if len(seg.sites) < 2 or not _domain_members(ctx, seg, running.get(name, [])):
            continue
        live_sites = ctx.segment_live_sites(name)
        if not live_sites:
            continue
        mapped: dict[str, list[tuple[str, Net, Net]]] = {}
        for field, net in _cidrs(seg):
            match = _ad_site_of(index, net)
            if match:
                mapped.setdefault(match[1], []).append((field, net, match[0]))
        for ad_site, found in sorted(mapped.items()):
            field, net, subnet = found[0]
            dcs = by_site.get(ad_site, [])
            listing = ", ".join(dc_where(ctx, n) for n in dcs) or "none"
            path: Path = ("segments", name, field)
            if design_time:
                homes = {d.domain_controllers[n].site for n in dcs}
                without = [s for s in seg.sites if s not in homes]
                risk = (
                    f"which has no DC in {', '.join(without)} (its DCs: {listing}): clients "
                    "there authenticate across the link, and find no site DC if the other site "
                    "is lost"
                    if without
                    else f"with DCs in every site it spans ({listing}); AD cannot tell the "
                    "physical sites apart on this range"
                )
                yield Hit(
                    f"segment:{name}",
                    f"stretched segment {name!r} ({net}) spans {', '.join(seg.sites)} but is "
                    f"one AD subnet ({subnet}) of AD site {ad_site!r}, {risk}",
                    path,
                )
                continue
            if any(ctx.dc_services[n].live for n in dcs):
                continue
            yield Hit(
                f"segment:{name}",
                f"stretched segment {name!r} ({net}) still runs in {', '.join(live_sites)} but "
                f"maps to AD site {ad_site!r} (subnet {subnet}), which has no live DC in a "
                f"surviving site ({listing})",
                path,
                severity=Severity.warning,
            )
