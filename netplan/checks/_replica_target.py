"""Where a replicated VM's NIC fails over to, and which failover TCP/IP it carries there.

Shared by the failover IP rules (configuration at design time in `failover_ip`, collisions after
failover in `failover_collision`) and by the address and DNS rules, which need the IPv6 address a
failed-over NIC answers on. The target is the replica host's site and the segment the NIC joins
there (`graph.replica_segment`); the extended replica (A->B->C) is not evaluated: the design holds
one failover TCP/IP per NIC, the replica's.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from netplan.graph import replica_segment
from netplan.model import Design, FailoverTcpIp, Nic, Segment, Vm
from netplan.source import Path
from netplan.state import EffNic, injectable, nic_subject

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Interface = ipaddress.IPv4Interface | ipaddress.IPv6Interface
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Replica:
    """A replicated VM's NIC and the network it joins in the replica site."""

    vm: Vm
    index: int
    nic: Nic
    site: str | None  # the replica host's site
    segment: Segment | None  # None: the replica's NIC is connected to no network there
    why_none: str  # why `segment` is None

    @property
    def subject(self) -> str:
        return nic_subject(self.vm.name, self.nic, self.index)

    @property
    def path(self) -> Path:
        return ("vms", self.vm.name, "nics", self.index)

    @property
    def stretched(self) -> bool:
        """The NIC stays on its own L2 segment: every address it has stays valid."""
        return self.segment is not None and self.segment.name == self.nic.segment


def replicas(d: Design) -> Iterator[Replica]:
    """Every NIC of every replicated VM, VMs in name order."""
    for name in sorted(d.vms):
        vm = d.vms[name]
        if vm.replica_host is None:
            continue
        site = d.host_site(vm.replica_host)
        for i, nic in enumerate(vm.nics):
            seg_name = replica_segment(d, vm.replica_host, nic)
            if seg_name is None:
                why = f"segment {nic.segment!r} does not reach {site} and has no failover_segment"
                yield Replica(vm, i, nic, site, None, why)
                continue
            seg = d.segments[seg_name]
            if site is not None and site not in seg.sites:
                field = (
                    "replica_segment"
                    if nic.replica_segment
                    else f"the failover_segment of {nic.segment!r}"
                )
                why = (
                    f"{field}, {seg_name!r}, does not reach {site} "
                    f"(it spans {', '.join(seg.sites)})"
                )
                yield Replica(vm, i, nic, site, None, why)
                continue
            yield Replica(vm, i, nic, site, seg, "")


def _fits(iface: Interface, net: Network | None) -> bool:
    return net is not None and iface.ip in net and iface.network.prefixlen == net.prefixlen


def stranded(r: Replica, iface: Interface | None, net: Network | None) -> bool:
    """A static address that will not be valid on the replica segment (unknown CIDR: no)."""
    if iface is None or r.segment is None or r.stretched or net is None:
        return False
    return not _fits(iface, net)


def has_failover(fo: FailoverTcpIp | None) -> bool:
    """Failover TCP/IP with an address to inject (gateway or DNS alone re-address nothing)."""
    return fo is not None and (fo.address is not None or fo.address_v6 is not None)


def failover_text(fo: FailoverTcpIp) -> str:
    """The failover addresses for a message (`10.2.10.20/24 and fd00:2::20/64`)."""
    return " and ".join(str(a) for a in (fo.address, fo.address_v6) if a is not None)


def injected_v6(eff: EffNic) -> ipaddress.IPv6Interface | None:
    """The IPv6 failover address Hyper-V injects into a NIC that has failed over in the scenario;
    None when it has not failed over, has no IPv6 failover address, or cannot be injected."""
    fo = eff.nic.failover
    if (
        eff.placement.failed_over
        and fo is not None
        and fo.address_v6 is not None
        and injectable(eff.vm, eff.nic)
    ):
        return fo.address_v6
    return None
