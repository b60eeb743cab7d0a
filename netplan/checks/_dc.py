"""What both Active Directory rule modules (`ad_sites`, `domain_controllers`) need to know about
a domain controller: whether Hyper-V Replica protects it, and how to name where it runs now.
"""

from __future__ import annotations

from netplan.model import Design, DomainController
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
