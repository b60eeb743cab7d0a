"""Hyper-V hosts and clusters, and the VMs with their NICs."""

from __future__ import annotations

from pydantic import Field, model_validator

from netplan.model.types import (
    Adapter,
    AnyAddress,
    Base,
    GuestOs,
    IntegrationServices,
    IpMode,
    IPv4Address,
    IPv4Interface,
    IPv6Address,
    IPv6Interface,
    Mac,
    MacMode,
    Name,
    Named,
    VmRole,
    WindowsRelease,
    WindowsServer,
)


class MacPool(Base):
    """A host's dynamic MAC range (default: 00-15-5D-xx-yy-00..FF, xx-yy from its IPv4)."""

    min: Mac
    max: Mac


class Host(Named):
    site: Name
    fqdn: str | None = None
    address: IPv4Address | None = Field(None, description="Management address.")
    cluster: Name | None = None
    os: WindowsRelease = WindowsServer.ws2022
    mac_pool: MacPool | None = None
    replica_server: bool = Field(
        False, description="Enabled as a Replica server (needed to receive, and to fail back)."
    )
    listener_http: bool = Field(False, description="Firewall rule for the HTTP listener (80) on.")
    listener_https: bool = Field(
        False, description="Firewall rule for the HTTPS listener (443) on."
    )
    certificate: str | None = Field(None, description="PEM/DER file of the Replica certificate.")
    segment: Name | None = Field(None, description="Segment of the management address.")


class Cluster(Named):
    site: Name
    broker: str | None = Field(None, description="FQDN of the Hyper-V Replica Broker role.")
    certificate: str | None = None


class Disk(Base):
    name: str = "disk"
    size_gb: float = Field(0, ge=0)
    daily_change_gb: float = Field(0, ge=0)
    replicated: bool = True


class FailoverTcpIp(Base):
    """Failover TCP/IP as Hyper-V injects it (one address per family, through the KVP service)."""

    address: IPv4Interface | None = None
    gateway: IPv4Address | None = None
    dns: tuple[IPv4Address, ...] = ()
    address_v6: IPv6Interface | None = None
    gateway_v6: IPv6Address | None = None
    dns_v6: tuple[IPv6Address, ...] = ()


class Nic(Base):
    """A VM network adapter: primary-side settings, and what changes at failover."""

    name: str = ""
    segment: Name
    replica_segment: Name | None = Field(
        None, description="Segment in the replica site (default: the segment's failover_segment)."
    )
    test_segment: Name | None = Field(None, description="Test-failover switch network.")
    adapter: Adapter = Adapter.synthetic
    mac: Mac | None = None
    mac_mode: MacMode = MacMode.dynamic
    ip: IpMode | None = Field(None, description="static or dhcp (default: static if address set).")
    address: IPv4Interface | None = None
    gateway: IPv4Address | None = None
    dns: tuple[AnyAddress, ...] = ()
    address_v6: IPv6Interface | None = None
    gateway_v6: IPv6Address | None = None
    failover: FailoverTcpIp | None = Field(None, description="Applied in the replica site.")
    failback: FailoverTcpIp | None = Field(
        None, description="Set on the primary-side VM; applied when failing back."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Nic:
        if self.ip is None:
            has_address = self.address is not None or self.address_v6 is not None
            object.__setattr__(self, "ip", IpMode.static if has_address else IpMode.dhcp)
        if self.ip == IpMode.static and self.address is None and self.address_v6 is None:
            raise ValueError("ip is static but no address is given; add address: or set ip: dhcp")
        if self.ip == IpMode.dhcp and (self.address is not None or self.address_v6 is not None):
            raise ValueError(
                "ip is dhcp but an address is given; a DHCP NIC gets its address from a scope "
                "(reserve it there by MAC): remove address, or set ip: static"
            )
        if self.mac_mode == MacMode.static and self.mac is None:
            raise ValueError("mac_mode is static but no mac is given")
        return self

    @property
    def is_static_ip(self) -> bool:
        return self.ip == IpMode.static


class Vm(Named):
    host: Name = Field(description="Primary host or cluster.")
    replica_host: Name | None = Field(
        None, description="Replica host or cluster; none = not replicated."
    )
    extended_host: Name | None = Field(None, description="Extended replica (A->B->C).")
    guest_os: GuestOs = GuestOs.windows
    integration_services: IntegrationServices = IntegrationServices.current
    generation: int = Field(2, ge=1, le=2)
    roles: tuple[VmRole, ...] = ()
    disks: tuple[Disk, ...] = ()
    write_order_preservation: bool = False
    nics: tuple[Nic, ...] = ()
    depends_on: tuple[str, ...] = Field(
        (), description="Other VMs by name, or addresses this VM calls."
    )
    description: str = ""

    @property
    def replicated(self) -> bool:
        return self.replica_host is not None
