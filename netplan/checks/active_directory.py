"""Active Directory: a DC survives for every domain, subnets map failed-over clients to AD sites
with live DCs, and AD-aware workloads use their own replication instead of Hyper-V Replica."""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks._prefixes import Net, PrefixIndex
from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import Approach
from netplan.findings import Severity
from netplan.model import Design, DomainController, Segment
from netplan.model.types import Auth, SegmentPurpose, VmRole
from netplan.source import Path
from netplan.state import Context, EffNic

# --- shared helpers -----------------------------------------------------------------------------


def _dc_replicated(d: Design, dc: DomainController) -> bool:
    """Protected by Hyper-V Replica: as declared, else whether its VM is replicated."""
    if dc.replicated is not None:
        return dc.replicated
    return dc.vm is not None and d.vms[dc.vm].replicated


def _domain(d: Design, dc: DomainController) -> str:
    return dc.domain or d.domain or "(unnamed domain)"


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


#: Segments whose machines are domain members, so their subnets need an AD site. DMZ, transit,
#: storage, replication and test networks normally hold no domain-joined clients.
_AD_PURPOSES = (SegmentPurpose.servers, SegmentPurpose.clients, SegmentPurpose.management)


def _cidrs(seg: Segment) -> list[tuple[str, Net]]:
    return [(f, n) for f, n in (("ipv4", seg.ipv4), ("ipv6", seg.ipv6)) if n is not None]


def _dcs_by_ad_site(d: Design) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, dc in sorted(d.domain_controllers.items()):
        out.setdefault(dc.ad_site, []).append(name)
    return out


def _dc_where(ctx: Context, name: str) -> str:
    """`dc1 (hq, down)`, `dc2 (dr)`, `dc3 (dr, failed-over replica)`, `dc4 (hq, replicated VM)`."""
    svc = ctx.dc_services[name]
    dc = ctx.design.domain_controllers[name]
    if not svc.live:
        return f"{name} ({dc.site}, down)"
    if svc.via_replica:
        return f"{name} ({svc.site}, failed-over replica)"
    replicated = _dc_replicated(ctx.design, dc)
    return f"{name} ({svc.site}{', replicated VM' if replicated else ''})"


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


# --- no-surviving-dc ----------------------------------------------------------------------------


@rule(
    "NP501",
    "no-surviving-dc",
    Severity.error,
    "active-directory",
    summary="After failover a domain has no live, non-replicated domain controller (a warning "
    "when the only live DC is a replicated VM).",
    why="Without a DC nobody logs on, Kerberos tickets expire, DNS zones stored in AD stop being "
    "served. A replicated DC only runs after it is failed over first, and both copies can run "
    "if the link breaks: it is a dependency, not a DR plan for AD.",
    example="domain_controllers: {dc1: {site: hq, ad_site: HQ, address: 10.0.0.5}}  # no DC in dr",
    fix="Run a permanent, non-replicated DC (and DNS) in the replica site; AD replicates it "
    "itself.",
    phases=(Phase.after,),
)
def no_surviving_dc(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    domains: dict[str, list[str]] = {}
    for name, dc in sorted(d.domain_controllers.items()):
        domains.setdefault(_domain(d, dc), []).append(name)
    for domain, names in sorted(domains.items()):
        live = [n for n in names if ctx.dc_services[n].live]
        permanent = [n for n in live if not _dc_replicated(d, d.domain_controllers[n])]
        if permanent:
            continue
        down = ", ".join(f"{n} ({d.domain_controllers[n].site})" for n in names if n not in live)
        if live:
            yield Hit(
                f"domain:{domain}",
                f"domain {domain}: the only live DC(s) are replicated VMs "
                f"({', '.join(_dc_where(ctx, n) for n in live)})"
                + (f"; down: {down}" if down else "")
                + ": logons depend on failing them over first, and both copies run if the link "
                "breaks",
                ("domain_controllers", live[0]),
                severity=Severity.warning,
            )
        else:
            yield Hit(
                f"domain:{domain}",
                f"domain {domain}: no domain controller is live (down: {down})",
                ("domain_controllers", names[0]),
            )


# --- ad-subnet-missing --------------------------------------------------------------------------


def _one_site_forest(d: Design) -> bool:
    """One AD site (or none modelled) and no subnets: every client maps to that site."""
    return len(d.ad_sites) <= 1 and not any(s.subnets for s in d.ad_sites.values())


def _suggest_ad_site(ctx: Context, seg: Segment) -> str:
    """AD sites of the live DCs in the segment's live sites: where its subnet probably belongs."""
    sites = set(ctx.segment_live_sites(seg.name))
    names = sorted(
        {
            dc.ad_site
            for n, dc in ctx.design.domain_controllers.items()
            if ctx.dc_services[n].live and ctx.dc_services[n].site in sites
        }
    )
    return f" (the DCs there are in AD site {' or '.join(names)})" if names else ""


@rule(
    "NP502",
    "ad-subnet-missing",
    Severity.warning,
    "active-directory",
    summary="A server, client or management subnet in use after failover has no AD subnet "
    "containing it (longest prefix); skipped for a one-site forest without subnets.",
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
        if seg.purpose not in _AD_PURPOSES:
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
            yield Hit(
                f"segment:{name}",
                f"segment {name!r} ({net}) in {', '.join(ctx.segment_live_sites(name))} carries "
                f"{_vm_list(siteless)} but no AD subnet contains {net}: clients there have no AD "
                f"site{_suggest_ad_site(ctx, seg)}",
                ("segments", name, field),
            )


# --- ad-subnet-wrong-site -----------------------------------------------------------------------


@rule(
    "NP503",
    "ad-subnet-wrong-site",
    Severity.warning,
    "active-directory",
    summary="A replica-site subnet holding failed-over VMs maps (longest prefix) to an AD site "
    "whose DCs are all in the lost site; an error if that AD site has no live DC at all.",
    why="Clients look for DCs of their AD site first: they are sent to DCs that died with the "
    "primary site, wait for timeouts, and fall back to any DC only if site coverage allows.",
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
        if len(seg.sites) > 1:
            continue  # stretched: one subnet in two sites is stretched-one-ad-site's finding
        for field, net in _cidrs(seg):
            match = _ad_site_of(index, net)
            if match is None:
                continue
            subnet, ad_site = match
            dcs = by_site.get(ad_site, [])
            if not dcs or any(d.domain_controllers[n].site not in dead for n in dcs):
                continue
            live = [n for n in dcs if ctx.dc_services[n].live]
            listing = ", ".join(_dc_where(ctx, n) for n in dcs)
            lost = ", ".join(sorted({d.domain_controllers[n].site for n in dcs}))
            yield Hit(
                f"segment:{name}",
                f"segment {name!r} ({net}) in {', '.join(seg.sites)} holds failed-over "
                f"{_vm_list(nics)}, but AD subnet {subnet} puts it in AD site {ad_site!r}, whose "
                f"DCs are all homed in lost site {lost} ({listing})",
                ("segments", name, field),
                severity=None if live else Severity.error,
            )


# --- ad-subnet-conflict -------------------------------------------------------------------------


@rule(
    "NP504",
    "ad-subnet-conflict",
    Severity.error,
    "active-directory",
    summary="The same prefix is needed in two AD sites: listed under two AD sites, or a mirrored "
    "server/client/management range used in physical sites served by different AD sites.",
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
    for net in ctx.classification.networks:
        if net.approach != Approach.mirrored or not any(
            d.segments[n].purpose in _AD_PURPOSES for n in net.segments
        ):
            continue
        per_site = {s: frozenset(served[s]) for s in net.sites if served.get(s)}
        if len(set(per_site.values())) < 2:
            continue
        parts = "; ".join(f"{s} by {', '.join(sorted(ad))}" for s, ad in sorted(per_site.items()))
        yield Hit(
            f"network:{net.name}",
            f"mirrored range {', '.join(net.cidrs)} (segments {', '.join(net.segments)}) is "
            f"used in sites served by different AD sites ({parts}); one prefix can map to only "
            "one AD site",
            ("segments", net.segments[0]),
        )


# --- stretched-one-ad-site ----------------------------------------------------------------------


@rule(
    "NP505",
    "stretched-one-ad-site",
    Severity.info,
    "active-directory",
    summary="A stretched segment maps to one AD site: info at design time when that AD site has "
    "no DC in some site the segment spans; after failover a warning if it has no live DC in a "
    "surviving site.",
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
    for name, seg in sorted(d.segments.items()):
        if len(seg.sites) < 2:
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
            listing = ", ".join(_dc_where(ctx, n) for n in dcs) or "none"
            path: Path = ("segments", name, field)
            if design_time:
                homes = {d.domain_controllers[n].site for n in dcs}
                without = [s for s in seg.sites if s not in homes]
                if without:
                    yield Hit(
                        f"segment:{name}",
                        f"stretched segment {name!r} ({net}) spans {', '.join(seg.sites)} but is "
                        f"one AD subnet ({subnet}) of AD site {ad_site!r}, which has no DC in "
                        f"{', '.join(without)} (its DCs: {listing}): clients there authenticate "
                        "across the link, and find no site DC if the other site is lost",
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


# --- dc-replicated ------------------------------------------------------------------------------


@rule(
    "NP506",
    "dc-replicated",
    Severity.warning,
    "active-directory",
    summary="A domain controller is protected by Hyper-V Replica instead of AD replication "
    "(an error before Windows Server 2012, which has no VM-GenerationID).",
    why="Since 2012 a replicated DC survives failover (VM-GenerationID resets its invocation ID), "
    "but it becomes a dependency on failover order and both copies can run if the link breaks. "
    "Before 2012 a failed-over DC is a USN rollback: replication with it stops silently.",
    example="domain_controllers: {dc1: {site: hq, ad_site: HQ, address: 10.0.0.5, vm: dc1vm}}  "
    "# dc1vm has a replica_host",
    fix="Stop replicating the DC VM; promote a permanent DC in the replica site and let AD "
    "replicate.",
    phases=(Phase.before,),
)
def dc_replicated(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    for name, dc in sorted(d.domain_controllers.items()):
        if not _dc_replicated(d, dc):
            continue
        vm = d.vms[dc.vm] if dc.vm else None
        if dc.replicated is None and vm is not None:
            path: Path = ("vms", vm.name, "replica_host")
            how = f"its VM {vm.name} replicates to {vm.replica_host}"
        else:
            path = ("domain_controllers", name, "replicated")
            how = "declared replicated"
        if dc.os.has_generation_id:
            yield Hit(
                f"dc:{name}",
                f"DC {name} ({dc.address}, Windows Server {dc.os}) is protected by Hyper-V "
                f"Replica ({how}) instead of AD replication",
                path,
            )
        else:
            yield Hit(
                f"dc:{name}",
                f"DC {name} ({dc.address}) runs Windows Server {dc.os}, which has no "
                f"VM-GenerationID, and is protected by Hyper-V Replica ({how}): a failed-over "
                "copy causes a USN rollback",
                path,
                severity=Severity.error,
            )


# --- kerberos-without-dr-dc ---------------------------------------------------------------------


def _aliases(d: Design, placement: str) -> set[str]:
    """A host and the cluster it belongs to (a relationship may name either)."""
    host = d.hosts.get(placement)
    return {placement, host.cluster} if host and host.cluster else {placement}


def _kerberos_relationships(d: Design) -> Iterator[tuple[str, str, str, Path]]:
    """(subject, source, target, path) of each Kerberos relationship, declared or implicit."""
    declared = set()
    for name, rep in sorted(d.replication.items()):
        declared.add((rep.source, rep.target))
        if rep.authentication == Auth.kerberos:
            yield f"replication:{name}", rep.source, rep.target, ("replication", name)
    implicit: dict[tuple[str, str], tuple[str, str]] = {}
    for name, vm in sorted(d.vms.items()):
        hops = [("replica_host", vm.host, vm.replica_host)]
        if vm.replica_host and vm.extended_host:
            hops.append(("extended_host", vm.replica_host, vm.extended_host))
        for field, src, dst in hops:
            if dst is None:
                continue
            if any((s, t) in declared for s in _aliases(d, src) for t in _aliases(d, dst)):
                continue
            implicit.setdefault((src, dst), (name, field))
    for (src, dst), (vm, field) in sorted(implicit.items()):
        yield f"replication:{src}->{dst}", src, dst, ("vms", vm, field)


@rule(
    "NP507",
    "kerberos-without-dr-dc",
    Severity.error,
    "active-directory",
    summary="A replication relationship authenticates with Kerberos (declared, or the default "
    "when none is declared) and no non-replicated DC survives the scenario.",
    why="Kerberos-authenticated hosts need a DC to get tickets: with only the lost site's DCs "
    "(or replicated DC VMs not yet started) the surviving hosts cannot reverse or continue "
    "replication, and a replicated DC cannot be the first thing started.",
    example="replication: {r1: {source: hv1, target: hv2}}  # kerberos; every DC in hq",
    fix="Keep a permanent, non-replicated DC in the replica site, or use certificate "
    "authentication (HTTPS, no AD needed).",
    phases=(Phase.after,),
)
def kerberos_without_dr_dc(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    if not d.domain_controllers:
        return  # AD not modelled
    names = sorted(d.domain_controllers)
    if any(
        ctx.dc_services[n].live and not _dc_replicated(d, d.domain_controllers[n]) for n in names
    ):
        return
    listing = ", ".join(_dc_where(ctx, n) for n in names)
    for subject, src, dst, path in _kerberos_relationships(d):
        alive = [p for p in (src, dst) if ctx.site_live(d.host_site(p))]
        if not alive:
            continue
        yield Hit(
            subject,
            f"replication {src} -> {dst} uses Kerberos, but no non-replicated DC survives "
            f"({listing}): {', '.join(alive)} cannot authenticate to reverse or continue "
            "replication",
            path,
        )


# --- app-native-replication ---------------------------------------------------------------------

_NATIVE = {
    VmRole.exchange: "Exchange DAG",
    VmRole.exchange_dag: "Exchange DAG",
    VmRole.sql_ag: "SQL Server availability groups",
    VmRole.dc: "AD DS replication",
    VmRole.dfsr: "DFS Replication",
}
_MULTI_DISK_APPS = (VmRole.sql, VmRole.exchange, VmRole.file, VmRole.app)


@rule(
    "NP508",
    "app-native-replication",
    Severity.warning,
    "active-directory",
    summary="A replicated VM runs a workload with its own replication (Exchange, SQL AG, DC, "
    "DFSR), or an application VM replicates several disks without write-order preservation.",
    why="Hyper-V Replica copies disks asynchronously; workloads that replicate themselves lose "
    "their consistency guarantees (and can roll back or diverge). Without write-order "
    "preservation, disks of one VM are restored to different points in time.",
    example="vms: {sql01: {host: hv1, replica_host: hv2, roles: [sql-ag]}}",
    fix="Use the workload's own replication to a permanent copy in the replica site; for other "
    "multi-disk app VMs set write_order_preservation (EnableWriteOrderPreservationAcrossDisks).",
    phases=(Phase.before,),
)
def app_native_replication(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    dc_vms = {dc.vm for dc in d.domain_controllers.values() if dc.vm}
    for name, vm in sorted(d.vms.items()):
        if not vm.replicated:
            continue
        native = [r for r in vm.roles if r in _NATIVE and not (r == VmRole.dc and name in dc_vms)]
        if native:
            what = ", ".join(f"{r} ({_NATIVE[r]})" for r in native)
            yield Hit(
                f"vm:{name}",
                f"{name} replicates to {vm.replica_host} with Hyper-V Replica but runs a workload "
                f"with its own replication: {what}; use that to a permanent copy instead",
                ("vms", name, "roles"),
            )
        disks = [k for k in vm.disks if k.replicated]
        apps = [str(r) for r in vm.roles if r in _MULTI_DISK_APPS]
        if len(disks) > 1 and apps and not vm.write_order_preservation:
            yield Hit(
                f"vm:{name}",
                f"{name} ({', '.join(apps)}) replicates {len(disks)} disks "
                f"({', '.join(k.name for k in disks)}) without write-order preservation: the "
                "replica's disks may be from different points in time",
                ("vms", name, "write_order_preservation"),
            )
