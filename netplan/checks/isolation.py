"""Test failover must stay off production: the test copy has the same IP, MAC and computer name."""

from __future__ import annotations

from collections.abc import Iterator

from netplan.checks._text import short_list
from netplan.checks.registry import Hit, Phase, rule
from netplan.findings import Severity
from netplan.graph import replica_segment
from netplan.model import Design, Nic, Segment, Vm
from netplan.model.types import SegmentPurpose
from netplan.state import Context, EffNic, nic_subject


class _Production:
    """Segments production traffic uses, with the VMs on them (before or after failover): VM
    NICs' segments and routed segments, less isolated and test networks; indexed by VLAN, and
    the routers and host management interfaces on each segment (built once, looked up per NIC)."""

    def __init__(self, d: Design) -> None:
        skip = {n for n, s in d.segments.items() if s.isolated or s.purpose == SegmentPurpose.test}
        self.users: dict[str, list[str]] = {}
        for name in sorted(d.vms):
            vm = d.vms[name]
            for nic in vm.nics:
                for seg in (nic.segment, replica_segment(d, vm.replica_host, nic)):
                    if seg is not None and seg not in skip and name not in self.users.get(seg, []):
                        self.users.setdefault(seg, []).append(name)
        self.routers: dict[str, list[str]] = {}
        for rname in sorted(d.routers):
            for itf in d.routers[rname].interfaces:
                if rname not in self.routers.get(itf.segment, []):
                    self.routers.setdefault(itf.segment, []).append(rname)
                if itf.segment not in skip:
                    self.users.setdefault(itf.segment, [])
        self.by_vlan: dict[int, list[str]] = {}
        for seg in sorted(self.users):
            vlan = d.segments[seg].vlan
            if vlan is not None:
                self.by_vlan.setdefault(vlan, []).append(seg)
        self.hosts: dict[str, list[str]] = {}
        for hname in sorted(d.hosts):
            hseg = d.hosts[hname].segment
            if hseg:
                self.hosts.setdefault(hseg, []).append(hname)


def _leaks(d: Design, vm: Vm, nic: Nic, test: Segment, prod: _Production) -> list[str]:
    """Ways the test switch's network reaches production (empty: none seen)."""
    out: list[str] = []
    own = {nic.segment, replica_segment(d, vm.replica_host, nic)}
    if test.name in own:
        out.append(f"it is the VM's own production network {test.name!r}")
    elif users := [v for v in prod.users.get(test.name, []) if v != vm.name]:
        runs = "runs" if len(users) == 1 else "run"
        out.append(f"it is production network {test.name!r} ({short_list(users)} {runs} on it)")
    routers = prod.routers.get(test.name, [])
    if routers:
        out.append(f"router(s) {', '.join(routers)} route it")
    if test.vlan is not None:
        for name in prod.by_vlan.get(test.vlan, []):
            shared = set(d.segments[name].sites) & set(test.sites)
            if name != test.name and shared:
                out.append(
                    f"it uses VLAN {test.vlan}, as production segment {name!r} does in "
                    f"{', '.join(sorted(shared))}"
                )
    hosts = prod.hosts.get(test.name, [])
    if hosts:
        out.append(f"host management interfaces of {', '.join(hosts)} are on it")
    return out


def _check(
    ctx: Context,
    vm: Vm,
    index: int,
    nic: Nic,
    eff: EffNic | None,
    production: _Production,
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
    "production segment in the same site, a production network of this or another VM, or host "
    "management); info per VM when none of its NICs has a test switch. "
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
    production = _Production(d)
    if ctx.scenario.phase == Phase.before:
        for name in sorted(d.vms):
            vm = d.vms[name]
            if not vm.replicated:
                continue
            if vm.nics and all(n.test_segment is None for n in vm.nics):
                yield Hit(
                    f"vm:{name}",
                    f"{name} is replicated but none of its NICs has a test_segment: its test "
                    "failover copy connects to no network (safe, but only boot can be tested)",
                    ("vms", name),
                    severity=Severity.info,
                    fix="Set test_segment to an isolated network (isolated: true, no router, its "
                    "own VLAN) to test applications, not just boot.",
                )
            for i, nic in enumerate(vm.nics):
                yield from _check(ctx, vm, i, nic, None, production)
        return
    for eff in ctx.test_nics:
        if eff.nic.test_segment is not None:
            yield from _check(ctx, eff.vm, eff.index, eff.nic, eff, production)
