"""Infrastructure services a failed-over VM needs: DHCP, DNS, domain controllers, AD sites."""

from __future__ import annotations

import ipaddress
from datetime import date
from typing import Protocol

from pydantic import Field, field_validator

from netplan.model.types import (
    AnyAddress,
    AnyNetwork,
    Base,
    DhcpFailoverMode,
    DhcpFailoverRole,
    DnsRecordType,
    IPv4Address,
    IPv4Network,
    Mac,
    Name,
    Named,
    WindowsRelease,
    WindowsServer,
)


class Reservation(Base):
    """A DHCP reservation, keyed by client ID (the MAC for Windows clients)."""

    client_id: Mac
    address: IPv4Address
    name: str = ""


class Scope(Base):
    """A DHCP scope; its options must point at things alive in the site that serves it."""

    name: str = ""
    subnet: IPv4Network
    range: tuple[IPv4Address, IPv4Address] | None = Field(
        None, description="First and last address handed out dynamically."
    )
    exclusions: tuple[tuple[IPv4Address, IPv4Address], ...] = ()
    router: tuple[IPv4Address, ...] = Field((), description="Option 3.")
    dns: tuple[IPv4Address, ...] = Field((), description="Option 6.")
    reservations: tuple[Reservation, ...] = ()


class DhcpFailover(Base):
    """A Windows DHCP failover relationship as seen from this server."""

    partner: Name
    mode: DhcpFailoverMode = DhcpFailoverMode.load_balance
    role: DhcpFailoverRole = DhcpFailoverRole.active
    reserve_percent: int = Field(5, ge=0, le=100, description="Hot standby reserve.")
    auto_state_transition: bool = Field(
        False, description="Partner-down is declared by itself after the state switchover interval."
    )
    mclt_seconds: int = Field(3600, ge=0)
    replicate_reservations: bool = Field(
        True,
        description="Reservations are copied to the partner "
        "(Invoke-DhcpServerv4FailoverReplication).",
    )


class ServiceObject(Protocol):
    """What the scenario reads from any service object (DhcpServer, DnsServer, DomainController):
    where it is declared, the address it answers on, and the VM it runs in, if any."""

    @property
    def site(self) -> str: ...

    @property
    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address: ...

    @property
    def vm(self) -> str | None: ...


class DhcpServer(Named):
    site: Name
    address: IPv4Address
    vm: Name | None = Field(None, description="The VM this service runs in, if any.")
    router: Name | None = Field(
        None, description="The router this service runs on (it shares the router's address)."
    )
    scopes: tuple[Scope, ...] = ()
    failover: DhcpFailover | None = None


class DnsServer(Named):
    site: Name
    address: AnyAddress
    vm: Name | None = None
    router: Name | None = Field(
        None, description="The router this service runs on (it shares the router's address)."
    )
    zones: tuple[str, ...] = ()


class DnsRecord(Base):
    name: str
    type: DnsRecordType = DnsRecordType.a
    value: str = Field(description="Address (A/AAAA) or target name (CNAME).")
    ttl: int = Field(3600, ge=0)
    vm: Name | None = Field(None, description="The VM this record points at.")


class DomainController(Named):
    site: Name
    ad_site: Name
    address: AnyAddress
    os: WindowsRelease = WindowsServer.ws2022
    domain: str | None = Field(None, description="Default: the design's domain.")
    vm: Name | None = Field(None, description="The VM that is this DC (replicated or not).")
    replicated: bool | None = Field(
        None, description="Protected by Hyper-V Replica (default: whether its VM is replicated)."
    )
    dns: bool = Field(True, description="Also serves DNS on its address.")


class AdSite(Named):
    subnets: tuple[AnyNetwork, ...] = ()


class AcceptedRisk(Base):
    """A finding the owners have decided to live with; it stops counting until it expires."""

    rule: str = Field(description="Rule name or ID.")
    subject: str = Field(description="Subject the finding names, e.g. vm:web01 or web01.")
    reason: str
    owner: str = ""
    expires: date | None = None

    @field_validator("reason")
    @classmethod
    def _reason_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("reason must say why the risk is accepted; it is empty")
        return value
