"""What both Active Directory rule modules (`ad_sites`, `domain_controllers`) need to know about
a domain controller: whether Hyper-V Replica protects it, how to name where it runs now, and
which VMs are DCs without a `domain_controllers` entry (a VM with the `dc` role).
"""

from __future__ import annotations

from dataclasses import dataclass

from netplan.model import Design, DomainController
from netplan.model.types import VmRole
from netplan.source import Path
from netplan.state import Context


def is_replicated(d: Design, dc: DomainController) -> bool:
    """Protected by Hyper-V Replica: as declared, else whether its VM is replicated."""
    if dc.replicated is not None:
        return dc.replicated
    return dc.vm is not None and d.vms[dc.vm].replicated


def dc_where(ctx: Context, name: str) -> str:
    """`dc1 (hq, down)`, `dc2 (dr)`, `dc3 (dr, failed-over replica)`, `dc4 (hq, replicated VM)`."""
    svc = ctx.dc_services[name]
    dc = ctx.design.domain_controllers[name]
    if not svc.live:
        return f"{name} ({dc.site}, down)"
    if svc.via_replica:
        return f"{name} ({svc.site}, failed-over replica)"
    replicated = is_replicated(ctx.design, dc)
    return f"{name} ({svc.site}{', replicated VM' if replicated else ''})"


@dataclass(frozen=True, slots=True)
class AnyDc:
    """A domain controller as the DC rules judge it: declared, or a VM with the `dc` role."""

    name: str
    domain: str
    live: bool
    permanent: bool  # live without depending on a failover: not replicated, or still at home
    where: str  # as `dc_where` words it
    path: Path


def all_dcs(ctx: Context) -> list[AnyDc]:
    """Declared DCs (by name), then VMs with the `dc` role that no `domain_controllers` entry
    names: they are DCs of the design's `domain`, replicated when the VM is."""
    d = ctx.design
    out: list[AnyDc] = []
    for name, dc in sorted(d.domain_controllers.items()):
        live = ctx.dc_services[name].live
        out.append(
            AnyDc(
                name,
                dc.domain or d.domain or "(unnamed domain)",
                live,
                live and not (is_replicated(d, dc) and ctx.dc_services[name].via_replica),
                dc_where(ctx, name),
                ("domain_controllers", name),
            )
        )
    declared = {dc.vm for dc in d.domain_controllers.values()}
    for name, vm in sorted(d.vms.items()):
        if VmRole.dc not in vm.roles or name in declared:
            continue
        pl = ctx.placements[name]
        if pl.where == "down":
            where = f"{name} ({d.host_site(vm.host)}, down)"
        elif pl.failed_over:
            where = f"{name} ({pl.site}, failed-over replica)"
        else:
            where = f"{name} ({pl.site}{', replicated VM' if vm.replicated else ''})"
        out.append(
            AnyDc(
                name,
                d.domain or "(unnamed domain)",
                pl.where != "down",
                pl.where == "primary",
                f"{where[:-1]}, VM with role dc)",
                ("vms", name, "roles"),
            )
        )
    return out
