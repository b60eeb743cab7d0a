"""DHCP failover (NP306): when one partner of a DHCP failover relationship is lost, does the
survivor take over the whole pool by itself, and does it hold the partner's reservations?

Kept apart from the client-side DHCP rules in `dhcp`: this judges the server relationship
(mode, role, automatic state transition, MCLT, reservation replication), not a NIC's lease.
"""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.model import Design, DhcpFailover, DhcpServer
from netplan.model.types import DhcpFailoverMode, DhcpFailoverRole
from netplan.source import Path
from netplan.state import Context

# --- NP306 ---------------------------------------------------------------------------------------


def _relationship(
    design: Design, survivor: str, dead: str
) -> tuple[DhcpFailover, DhcpFailoverRole, Path] | None:
    """The failover settings as the survivor sees them: its own block, else its partner's."""
    own = design.dhcp_servers[survivor].failover
    theirs = design.dhcp_servers[dead].failover
    if own is not None and own.partner == dead:
        return own, own.role, ("dhcp_servers", survivor, "failover")
    if theirs is not None and theirs.partner == survivor:
        role = (
            DhcpFailoverRole.standby
            if theirs.role == DhcpFailoverRole.active
            else DhcpFailoverRole.active
        )
        return theirs, role, ("dhcp_servers", dead, "failover")
    return None


def _reservation_gaps(survivor: DhcpServer, dead: DhcpServer) -> tuple[list[str], Path | None]:
    """Reservations of the dead partner missing (or different) on the survivor, per shared
    subnet; and the path of the first survivor scope that lacks one."""
    mine = {s.subnet: (i, s) for i, s in enumerate(survivor.scopes)}
    gaps: list[str] = []
    first: Path | None = None
    for scope in dead.scopes:
        if scope.subnet not in mine:
            continue
        i, own = mine[scope.subnet]
        have = {r.client_id: r.address for r in own.reservations}
        for res in scope.reservations:
            got = have.get(res.client_id)
            if got == res.address:
                continue
            what = "missing" if got is None else f"{got} instead"
            gaps.append(f"{res.client_id} -> {res.address} in {scope.subnet} ({what})")
            if first is None:
                first = ("dhcp_servers", survivor.name, "scopes", i, "reservations")
    return gaps, first


@rule(
    "NP306",
    "dhcp-failover-takeover",
    Severity.warning,
    "dhcp-mac",
    summary="A DHCP failover partner is lost with its site and the survivor will not take over "
    "by itself (hot-standby standby or load-balance without automatic state transition: "
    "partner-down plus MCLT), or the partners' reservations differ.",
    why="Until partner-down is declared and MCLT has passed, the survivor hands out only its "
    "reserve (hot standby) or its own share (load balance): a site's worth of replicas booting "
    "at once exhausts it. Reservations reach the partner only through failover replication.",
    example="dhcp_servers: {dhcp-dr: {site: dr, failover: {partner: dhcp-hq, mode: hot-standby, "
    "role: standby, reserve_percent: 5}}}",
    fix="Enable automatic state transition on the relationship (Set-DhcpServerv4Failover "
    "-AutoStateTransition $true -StateSwitchInterval), shorten MCLT, put partner-down in the "
    "runbook, and run Invoke-DhcpServerv4FailoverReplication after every reservation change.",
    phases=(Phase.after,),
)
def dhcp_failover_takeover(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    seen: set[tuple[str, str]] = set()
    for name in sorted(d.dhcp_servers):
        fo = d.dhcp_servers[name].failover
        if fo is None or fo.partner not in d.dhcp_servers:
            continue
        pair = (min(name, fo.partner), max(name, fo.partner))
        if pair in seen:
            continue
        seen.add(pair)
        a, b = (ctx.dhcp_services[n] for n in pair)
        if a.live == b.live:
            continue
        survivor, dead = (a, b) if a.live else (b, a)
        rel = _relationship(d, survivor.name, dead.name)
        if rel is None:
            continue
        cfg, role, path = rel
        site = d.dhcp_servers[dead.name].site
        gone = f"is lost with {site}" if not ctx.site_live(site) else "is down"
        mclt = f"MCLT {cfg.mclt_seconds} s ({cfg.mclt_seconds / 60:g} min)"
        subject = f"dhcp:{survivor.name}"
        if not cfg.auto_state_transition:
            if cfg.mode == DhcpFailoverMode.hot_standby and role == DhcpFailoverRole.standby:
                yield Hit(
                    subject,
                    f"hot-standby partner {dead.name} {gone} and {survivor.name} is the standby: "
                    f"it gives new clients only its {cfg.reserve_percent}% reserve of each "
                    "scope's free addresses until someone declares partner-down (automatic "
                    f"state transition is off), then waits {mclt} before it serves the whole "
                    "pool",
                    (*path, "auto_state_transition"),
                )
            elif cfg.mode == DhcpFailoverMode.load_balance:
                yield Hit(
                    subject,
                    f"load-balance partner {dead.name} {gone}: {survivor.name} gives new clients "
                    "only its own share of the free addresses, and renews the partner's clients "
                    f"for at most {cfg.mclt_seconds} s, until someone declares partner-down "
                    f"(automatic state transition is off); then it waits {mclt} before it "
                    "serves the whole pool",
                    (*path, "auto_state_transition"),
                )
        gaps, gap_path = _reservation_gaps(d.dhcp_servers[survivor.name], d.dhcp_servers[dead.name])
        no_sync = sorted(
            (n != survivor.name, n)
            for n in pair
            if (f := d.dhcp_servers[n].failover) is not None and not f.replicate_reservations
        )
        if gaps or no_sync:
            parts = []
            if gaps:
                shown = "; ".join(gaps[:5]) + (
                    f"; and {len(gaps) - 5} more" if len(gaps) > 5 else ""
                )
                parts.append(
                    f"{len(gaps)} reservation(s) of {dead.name} are missing or different on "
                    f"{survivor.name}: {shown}"
                )
            if no_sync:
                parts.append(
                    "failover replication of reservations is off on "
                    f"{', '.join(n for _, n in no_sync)} (replicate_reservations: false), so "
                    "reservations changed on one partner never reach the other"
                )
            yield Hit(
                subject,
                f"failover partner {dead.name} {gone}: " + "; ".join(parts),
                gap_path or ("dhcp_servers", no_sync[0][1], "failover", "replicate_reservations"),
            )
