"""Domain controllers after failover: a non-replicated DC survives for every domain (NP501) and
for Kerberos-authenticated replication (NP507), DCs are not protected by Hyper-V Replica (NP506),
and AD-aware workloads (DCs, Exchange, SQL AG, DFSR) use their own replication instead (NP508).

How clients find those DCs through AD sites and subnets is in `ad_sites`.
"""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks._dc import AnyDc, all_dcs, is_replicated
from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.model import Design
from netplan.model.types import Auth, VmRole
from netplan.source import Path
from netplan.state import Context

# --- no-surviving-dc ----------------------------------------------------------------------------


@rule(
    "NP501",
    "no-surviving-dc",
    Severity.error,
    "active-directory",
    summary="After failover a domain has no live domain controller that runs without having "
    "been failed over (a non-replicated DC, or a replicated DC VM still in its own site); a "
    "warning when the only live DCs are failed-over replicas. DCs are the domain_controllers "
    "entries and VMs with the dc role that no entry names; a design with neither does not "
    "model AD and is not judged.",
    why="Without a DC nobody logs on, Kerberos tickets expire, DNS zones stored in AD stop being "
    "served. A replicated DC only runs after it is failed over first, and both copies can run "
    "if the link breaks: it is a dependency, not a DR plan for AD.",
    example="domain_controllers: {dc1: {site: hq, ad_site: HQ, address: 10.0.0.5}}  # no DC in dr",
    fix="Run a permanent, non-replicated DC (and DNS) in the replica site; AD replicates it "
    "itself.",
    phases=(Phase.after,),
)
def no_surviving_dc(ctx: Context) -> Iterator[Hit]:
    domains: dict[str, list[AnyDc]] = {}
    for dc in all_dcs(ctx):
        domains.setdefault(dc.domain, []).append(dc)
    for domain, dcs in sorted(domains.items()):
        if any(dc.permanent for dc in dcs):
            continue
        live = [dc for dc in dcs if dc.live]
        down = ", ".join(dc.where for dc in dcs if not dc.live)
        if live:
            yield Hit(
                f"domain:{domain}",
                f"domain {domain}: the only live DC(s) are failed-over replicas "
                f"({', '.join(dc.where for dc in live)})"
                + (f"; {down}" if down else "")
                + ": logons depend on failing them over first, and both copies run if the link "
                "breaks",
                live[0].path,
                severity=Severity.warning,
            )
        else:
            yield Hit(
                f"domain:{domain}",
                f"domain {domain}: no domain controller is live: {down}",
                dcs[0].path,
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
        if not is_replicated(d, dc):
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
    for (src, dst), (vm_name, field) in sorted(implicit.items()):
        yield f"replication:{src}->{dst}", src, dst, ("vms", vm_name, field)


@rule(
    "NP507",
    "kerberos-without-dr-dc",
    Severity.error,
    "active-directory",
    summary="A replication relationship authenticates with Kerberos (declared, or the default "
    "when none is declared) and no DC survives the scenario without having been failed over "
    "(DCs counted as for no-surviving-dc, in any domain). A design that models no DC at all "
    "is reported when a site is lost, for its declared replication entries only (Kerberos "
    "needs a DC the design does not show), not for VMs' implicit relationships.",
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
    dcs = all_dcs(ctx)
    if any(dc.permanent for dc in dcs):
        return
    if dcs:
        state = f"no DC survives without a failover ({', '.join(dc.where for dc in dcs)})"
    elif not ctx.scenario.failed_sites:
        return  # no DC modelled: judged when a site is lost, not for every link or VM failover
    else:
        state = "the design declares no domain controller (none in domain_controllers, no VM "
        state += "with the dc role), so none is known to survive"
    for subject, src, dst, path in _kerberos_relationships(d):
        if not dcs and path[0] != "replication":
            continue  # neither AD nor this relationship is modelled: nothing to judge
        alive = [p for p in (src, dst) if ctx.site_live(d.host_site(p))]
        if not alive:
            continue
        yield Hit(
            subject,
            f"replication {src} -> {dst} uses Kerberos, but {state}: {', '.join(alive)} cannot "
            "get Kerberos tickets to reverse or continue replication",
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
