"""Field types shared by the design models, with messages that say what was expected."""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, WithJsonSchema

from netplan.source import Location

_MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}([-:]?)(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}$")
_MAC_DOTTED = re.compile(r"^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$")


def normalize_mac(value: Any) -> Any:
    """Accept `00155D0A0B01`, `00-15-5D-0A-0B-01`, `00:15:5d:0a:0b:01`, `0015.5d0a.0b01`."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(
            f"got the number {value}: a MAC of only digits must be quoted, e.g. '{value:012d}'"
        )
    if isinstance(value, float):
        raise ValueError(f"got the number {value}: YAML read the MAC as a number; quote it")
    if not isinstance(value, str):
        raise ValueError("expected a MAC address as text, e.g. 00-15-5D-0A-0B-01")
    text = value.strip()
    if not (_MAC_RE.match(text) or _MAC_DOTTED.match(text)):
        raise ValueError(
            f"{value!r} is not a MAC address; expected 12 hex digits such as "
            "00155D0A0B01, 00-15-5D-0A-0B-01 or 00:15:5d:0a:0b:01"
        )
    digits = re.sub(r"[^0-9A-Fa-f]", "", text).upper()
    return "-".join(digits[i : i + 2] for i in range(0, 12, 2))


def _text(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected {what} as text (got {value!r})")
    return str(value).strip()


def _parser(kind: str, example: str, func: Any, version: int) -> Any:
    def parse(value: Any) -> Any:
        if isinstance(
            value,
            ipaddress.IPv4Address
            | ipaddress.IPv6Address
            | ipaddress.IPv4Network
            | ipaddress.IPv6Network
            | ipaddress.IPv4Interface
            | ipaddress.IPv6Interface,
        ):
            return value
        text = _text(value, kind)
        try:
            result = func(text)
        except ValueError as exc:
            detail = str(exc)
            if "has host bits set" in detail:
                net = ipaddress.ip_interface(text).network
                raise ValueError(
                    f"{text!r} has host bits set; the network is {net} (or write an interface "
                    "address where a host is meant)"
                ) from None
            raise ValueError(f"{text!r} is not a valid {kind}; expected e.g. {example}") from None
        if result.version != version:
            raise ValueError(f"{text!r} is IPv{result.version}; expected an {kind}, e.g. {example}")
        return result

    return parse


IPv4Address = Annotated[
    ipaddress.IPv4Address,
    BeforeValidator(_parser("IPv4 address", "192.0.2.10", ipaddress.ip_address, 4)),
]
IPv6Address = Annotated[
    ipaddress.IPv6Address,
    BeforeValidator(_parser("IPv6 address", "2001:db8::10", ipaddress.ip_address, 6)),
]
IPv4Network = Annotated[
    ipaddress.IPv4Network,
    BeforeValidator(_parser("IPv4 network", "192.0.2.0/24", ipaddress.ip_network, 4)),
]
IPv6Network = Annotated[
    ipaddress.IPv6Network,
    BeforeValidator(_parser("IPv6 network", "2001:db8:1::/64", ipaddress.ip_network, 6)),
]
IPv4Interface = Annotated[
    ipaddress.IPv4Interface,
    BeforeValidator(
        _parser("IPv4 address with prefix", "192.0.2.10/24", ipaddress.ip_interface, 4)
    ),
]
IPv6Interface = Annotated[
    ipaddress.IPv6Interface,
    BeforeValidator(
        _parser("IPv6 address with prefix", "2001:db8::10/64", ipaddress.ip_interface, 6)
    ),
]


def _any_address(value: Any) -> Any:
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return value
    text = _text(value, "IP address")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address; expected e.g. 192.0.2.10") from None


def _any_network(value: Any) -> Any:
    if isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network):
        return value
    text = _text(value, "IP network")
    try:
        return ipaddress.ip_network(text)
    except ValueError as exc:
        if "has host bits set" in str(exc):
            net = ipaddress.ip_interface(text).network
            raise ValueError(f"{text!r} has host bits set; the network is {net}") from None
        raise ValueError(f"{text!r} is not an IP network; expected e.g. 192.0.2.0/24") from None


AnyAddress = Annotated[ipaddress.IPv4Address | ipaddress.IPv6Address, BeforeValidator(_any_address)]
AnyNetwork = Annotated[ipaddress.IPv4Network | ipaddress.IPv6Network, BeforeValidator(_any_network)]
Mac = Annotated[
    str,
    BeforeValidator(normalize_mac),
    Field(
        json_schema_extra={
            "pattern": r"^(?:[0-9A-Fa-f]{2}([-:]?)(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
            r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})$"
        }
    ),
]
Name = Annotated[
    str,
    Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"),
]
Port = Annotated[int, Field(ge=1, le=65535)]


class Base(BaseModel):
    """Immutable, strict-keyed base of every design object; knows where it came from."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_enum_values=False, populate_by_name=True
    )
    _loc: Location | None = PrivateAttr(default=None)

    @property
    def location(self) -> Location | None:
        """`file:line:column` of this object in its design file (None if built in code)."""
        return self._loc


class Named(Base):
    """An object declared under a mapping key; the key is its name."""

    name: Name = Field("", description="Set from the mapping key; need not be written.")


class SiteRole(StrEnum):
    primary = "primary"
    replica = "replica"
    extended = "extended"


class LinkType(StrEnum):
    vpn = "vpn"
    wan = "wan"
    l2 = "l2"
    internet = "internet"


class Auth(StrEnum):
    kerberos = "kerberos"
    certificate = "certificate"


class IpMode(StrEnum):
    static = "static"
    dhcp = "dhcp"


class MacMode(StrEnum):
    static = "static"
    dynamic = "dynamic"


class Adapter(StrEnum):
    synthetic = "synthetic"
    legacy = "legacy"


class GuestOs(StrEnum):
    windows = "windows"
    linux = "linux"
    freebsd = "freebsd"
    other = "other"


class IntegrationServices(StrEnum):
    current = "current"
    outdated = "outdated"
    none = "none"


class DhcpFailoverMode(StrEnum):
    hot_standby = "hot-standby"
    load_balance = "load-balance"


class DhcpFailoverRole(StrEnum):
    active = "active"
    standby = "standby"


def _os_text(value: Any) -> Any:
    """`os: 2019` is an integer in YAML; the release names are text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value.strip().upper().removeprefix("WS").removeprefix("WINDOWS SERVER ").strip()
    return value


class WindowsServer(StrEnum):
    """Windows Server releases that matter for DC behaviour (VM-GenerationID came with 2012)."""

    ws2008 = "2008"
    ws2008r2 = "2008R2"
    ws2012 = "2012"
    ws2012r2 = "2012R2"
    ws2016 = "2016"
    ws2019 = "2019"
    ws2022 = "2022"
    ws2025 = "2025"

    @property
    def has_generation_id(self) -> bool:
        return self not in (WindowsServer.ws2008, WindowsServer.ws2008r2)


class VmRole(StrEnum):
    dc = "dc"
    dns = "dns"
    dhcp = "dhcp"
    sql = "sql"
    sql_ag = "sql-ag"
    exchange = "exchange"
    exchange_dag = "exchange-dag"
    file = "file"
    dfsr = "dfsr"
    web = "web"
    app = "app"
    print = "print"
    other = "other"


class SegmentPurpose(StrEnum):
    servers = "servers"
    clients = "clients"
    management = "management"
    dmz = "dmz"
    transit = "transit"
    replication = "replication"
    test = "test"
    storage = "storage"


class DnsRecordType(StrEnum):
    a = "A"
    aaaa = "AAAA"
    cname = "CNAME"


#: A Windows Server release as written in a design (`2019`, `"2012R2"`, `ws2022`).
WindowsRelease = Annotated[
    WindowsServer,
    BeforeValidator(_os_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "enum": [w.value for w in WindowsServer]},
                {"type": "integer", "enum": [2008, 2012, 2016, 2019, 2022, 2025]},
            ],
            "description": "Windows Server release, e.g. 2019 or 2012R2.",
        }
    ),
]
