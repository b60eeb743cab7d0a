"""The whole design document."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from netplan.model.compute import Cluster, Host, Vm
from netplan.model.network import ClientNetwork, Link, Router, Segment, Site
from netplan.model.replication import Replication, Settings
from netplan.model.services import (
    AcceptedRisk,
    AdSite,
    DhcpServer,
    DnsRecord,
    DnsServer,
    DomainController,
)
from netplan.model.types import Base, Named
from netplan.source import Location, Path, SourceMap

#: Top-level collections written as `name: {...}` mappings; the key becomes the object's name.
NAMED_COLLECTIONS: tuple[str, ...] = (
    "sites",
    "segments",
    "routers",
    "links",
    "hosts",
    "clusters",
    "dhcp_servers",
    "dns_servers",
    "domain_controllers",
    "ad_sites",
    "vms",
    "client_networks",
    "replication",
)


class Design(Base):
    """A DR network design: both sites, what connects them, and what runs on them."""

    version: int = Field(1, ge=1, le=1, description="Format version.")
    name: str = Field("", description="Title shown in reports (default: the file name).")
    description: str = ""
    domain: str | None = Field(None, description="AD DNS domain, e.g. corp.example.")
    sites: dict[str, Site] = Field(min_length=1)
    segments: dict[str, Segment] = {}
    routers: dict[str, Router] = {}
    links: dict[str, Link] = {}
    hosts: dict[str, Host] = {}
    clusters: dict[str, Cluster] = {}
    dhcp_servers: dict[str, DhcpServer] = {}
    dns_servers: dict[str, DnsServer] = {}
    dns_records: tuple[DnsRecord, ...] = ()
    domain_controllers: dict[str, DomainController] = {}
    ad_sites: dict[str, AdSite] = {}
    vms: dict[str, Vm] = {}
    client_networks: dict[str, ClientNetwork] = {}
    replication: dict[str, Replication] = {}
    accepted_risks: tuple[AcceptedRisk, ...] = ()
    settings: Settings = Settings()
    _source_map: SourceMap | None = PrivateAttr(default=None)

    def locate(self, path: Path) -> Location | None:
        """Position of any field path, e.g. ('vms', 'web01', 'nics', 0, 'address')."""
        return self._source_map.locate(path) if self._source_map else None

    @model_validator(mode="before")
    @classmethod
    def _names_from_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        # `segments:` with nothing under it means "none", not an error.
        out = {k: v for k, v in data.items() if v is not None or k not in cls.model_fields}
        for key in NAMED_COLLECTIONS:
            coll = out.get(key)
            if isinstance(coll, dict):
                # A `name:` written inside is kept so references.py can report a mismatch.
                out[key] = {
                    str(k): ({"name": str(k), **v} if isinstance(v, dict) else v)
                    for k, v in coll.items()
                }
        return out

    @cached_property
    def primary_sites(self) -> tuple[str, ...]:
        return tuple(n for n, s in self.sites.items() if s.role == "primary")

    def host_site(self, name: str) -> str | None:
        """Site of a host or cluster name."""
        obj: Named | None = self.hosts.get(name) or self.clusters.get(name)
        return getattr(obj, "site", None)
