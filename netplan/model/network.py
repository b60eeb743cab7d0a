"""Sites, L2 segments, routers and the links between sites."""

from __future__ import annotations

from pydantic import Field

from netplan.model.types import (
    AnyAddress,
    AnyNetwork,
    Base,
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    LinkType,
    Name,
    Named,
    Port,
    SegmentPurpose,
    SiteRole,
)


class Site(Named):
    """A physical location. Failover scenarios remove sites."""

    role: SiteRole = Field(description="primary, replica or extended (the third hop of A->B->C).")
    description: str = ""
    public_addresses: tuple[AnyAddress, ...] = Field(
        (), description="External addresses other sites use to reach this one (mirrored designs)."
    )


class Segment(Named):
    """One L2 domain (a VLAN / virtual switch network). Listing two sites makes it stretched."""

    sites: tuple[Name, ...] = Field(min_length=1, description="Sites this L2 domain reaches.")
    vlan: int | None = Field(None, ge=0, le=4094)
    ipv4: IPv4Network | None = None
    ipv6: IPv6Network | None = None
    purpose: SegmentPurpose = SegmentPurpose.servers
    failover_segment: Name | None = Field(
        None,
        description="Where replicas of VMs on this segment connect in the replica site "
        "(default: this segment if it reaches the replica host's site).",
    )
    isolated: bool = Field(
        False, description="No router, link or uplink: suitable as a test-failover switch."
    )
    description: str = ""


class Fhrp(Base):
    """First-hop redundancy (VRRP/HSRP): peers on one segment sharing a virtual address."""

    group: str | int
    virtual_address: IPv4Address | None = None
    virtual_address_v6: IPv6Address | None = None
    protocol: str = "vrrp"


class RouterInterface(Base):
    """A router's leg on a segment: the gateway VMs on that segment use."""

    segment: Name
    address: IPv4Address | None = None
    address_v6: IPv6Address | None = None
    fhrp: Fhrp | None = None
    dhcp_relay: tuple[AnyAddress, ...] = Field(
        (), description="DHCP servers this interface relays to (ip helper-address)."
    )


class Router(Named):
    """A router or L3 switch/firewall in one site."""

    site: Name
    interfaces: tuple[RouterInterface, ...] = ()
    advertises: tuple[AnyNetwork, ...] | None = Field(
        None, description="Prefixes it announces to other sites (default: its interfaces' subnets)."
    )
    stateful_firewall: bool = False
    nat: bool = False
    description: str = ""


class Link(Named):
    """A connection between two sites."""

    type: LinkType
    sites: tuple[Name, Name]
    encrypted: bool = Field(False, description="The transport itself is encrypted (IPsec VPN...).")
    nat: bool = False
    bandwidth_mbps: float | None = Field(None, gt=0)
    utilisation: float = Field(1.0, gt=0, le=1, description="Share of bandwidth replication gets.")
    carries: tuple[AnyNetwork, ...] | None = Field(
        None,
        description="Prefixes routed over the link (default: every routed prefix of both sites; "
        "an internet link carries only public addresses).",
    )
    allowed_ports: tuple[Port, ...] | None = Field(
        None, description="TCP ports the path permits (default: all)."
    )
    up: bool = True
    description: str = ""


class ClientNetwork(Named):
    """Where users sit and how they reach services; not a server segment."""

    site: Name | None = Field(None, description="Empty for remote users on the Internet.")
    ipv4: IPv4Network | None = None
    ipv6: IPv6Network | None = None
    access: LinkType | None = Field(
        None, description="How remote users arrive (vpn, internet); empty for on-site users."
    )
    dns: tuple[AnyAddress, ...] = ()
    description: str = ""
