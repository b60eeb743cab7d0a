"""Pydantic models of the design format (immutable once loaded)."""

from netplan.model.compute import Cluster, Disk, FailoverTcpIp, Host, MacPool, Nic, Vm
from netplan.model.design import NAMED_COLLECTIONS, Design
from netplan.model.network import ClientNetwork, Fhrp, Link, Router, RouterInterface, Segment, Site
from netplan.model.replication import Replication, Settings
from netplan.model.services import (
    AcceptedRisk,
    AdSite,
    DhcpFailover,
    DhcpServer,
    DnsRecord,
    DnsServer,
    DomainController,
    Reservation,
    Scope,
)

__all__ = [
    "NAMED_COLLECTIONS",
    "AcceptedRisk",
    "AdSite",
    "ClientNetwork",
    "Cluster",
    "Design",
    "DhcpFailover",
    "DhcpServer",
    "Disk",
    "DnsRecord",
    "DnsServer",
    "DomainController",
    "FailoverTcpIp",
    "Fhrp",
    "Host",
    "Link",
    "MacPool",
    "Nic",
    "Replication",
    "Reservation",
    "Router",
    "RouterInterface",
    "Scope",
    "Segment",
    "Settings",
    "Site",
    "Vm",
]
