"""Test failover must stay off production: the test copy has the same IP, MAC and computer name."""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks.registry import Hit, Phase, rule
from netplan.classify import vm_segments
from netplan.findings import Severity
from netplan.graph import replica_segment
from netplan.model import Design, Nic, Segment, Vm
from netplan.model.types import SegmentPurpose
from netplan.state import Context, EffNic, nic_subject


def _production(d: Design) -> set[str]:
    """Segments production traffic uses: VM NICs before/after failover, and routed segments."""
    routed = {i.segment for r in d.routers.values() for i in r.interfaces}
    return (vm_segments(d) | routed) - {
        n for n, s in d.segments.items() if s.isolated or s.purpose == SegmentPurpose.test
    }


def _leaks(d: Design, vm: Vm, nic: Nic, test: Segment, production: set[str]) -> list[str]:
    """Ways the test switch's network reaches production (empty: none seen)."""
    out: list[str] = []
    production = {nic.segment, replica_segment(d, vm.replica_host, nic)}
    if test.name in production:
        out.append(f"it is the VM's own production network {test.name!r}")
    routers = sorted(
        r for r, rtr in d.routers.items() if any(i.segment == test.name for i in rtr.interfaces)
    )
    if routers:
        out.append(f"router(s) {', '.join(routers)} route it")
    if test.vlan is not None:
        for name, seg in sorted(d.segments.items()):
            shared = set(seg.sites) & set(test.sites)
            if name != test.name and name in production and seg.vlan == test.vlan and shared:
                out.append(
                    f"it uses VLAN {test.vlan}, as production segment {name!r} does in "
                    f"{', '.join(sorted(shared))}"
                )
    hosts = sorted(h for h, host in d.hosts.items() if host.segment == test.name)
    if hosts:
        out.append(f"host management interfaces of {', '.join(hosts)} are on it")
    return out


def _check(
    ctx: Context, vm: Vm, index: int, nic: Nic, eff: EffNic | None, production: set[str]
) -> Iterator[Hit]:
    d = ctx.design
    vm_name = f"{vm.name} - Test" if eff else vm.name
    subject = nic_subject(vm_name, nic, index)
    path = ("vms", vm.name, "nics", index)
    if nic.test_segment is None:
        return
    test = d.segments[nic.test_segment]
    leaks = _leaks(d, vm, nic, test, production)
    if not leaks:
        return
    where = f" ({eff.ip})" if eff and eff.ip else ""
    yield Hit(
        subject,
        f"{vm_name}{where} on test switch {test.name!r} reaches production: "
        f"{'; '.join(leaks)}; the copy answers with the production VM's IP, MAC and name",
        (*path, "test_segment"),
    )


@rule(
    "NP601",
    "test-failover-isolation",
    Severity.error,
    "replication",
    summary="A replicated VM's test-failover switch reaches production (routed, same VLAN as a "
    "production segment, or the production network itself); info when no test switch is set. "
    "Checked for every replicated NIC at design time and for the tested VMs in a test-failover "
    "scenario (--test-failover VM).",
    why="Test failover starts '<name> - Test' with the same IP address, MAC address and computer "
    "name as the running VM. On a network that reaches production it causes duplicate IPs, "
    "duplicate MACs and AD/DNS conflicts with the live server.",
    example="nics: [{segment: hq-srv, test_segment: hq-srv}]  # the test copy joins production",
    fix="Point test_segment at an isolated network: no router interface, a VLAN no production "
    "segment uses in that site, no host management; mark it isolated: true.",
)
def test_failover_isolation(ctx: Context) -> Iterator[Hit]:
    d = ctx.design
    production = _production(d)
    if ctx.scenario.phase == Phase.before:
        untested: list[str] = []
        for name in sorted(d.vms):
            vm = d.vms[name]
            if vm.replicated:
                if vm.nics and all(n.test_segment is None for n in vm.nics):
                    untested.append(name)
                for i, nic in enumerate(vm.nics):
                    yield from _check(ctx, vm, i, nic, None, production)
        if untested:
            shown = ", ".join(untested[:8]) + (
                f" (+{len(untested) - 8} more)" if len(untested) > 8 else ""
            )
            yield Hit(
                "design",
                f"{len(untested)} replicated VM(s) have no test switch, so a test failover copy "
                f"connects to no network (safe, but only boot can be tested): {shown}",
                ("vms", untested[0]),
                severity=Severity.info,
                fix="Set test_segment to an isolated network (isolated: true, no router, its own "
                "VLAN) to test applications, not just boot.",
            )
        return
    for eff in ctx.test_nics:
        if eff.nic.test_segment is not None:
            yield from _check(ctx, eff.vm, eff.index, eff.nic, eff, production)
