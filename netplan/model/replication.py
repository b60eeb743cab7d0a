"""Replication relationships and planning settings."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from netplan.model.types import Auth, Base, Name, Named, Port


class Replication(Named):
    """How VMs travel from one host/cluster to another."""

    source: Name = Field(description="Primary host or cluster.")
    target: Name = Field(description="Replica host or cluster.")
    target_name: str | None = Field(
        None, description="FQDN the source uses to reach the target (a cluster's Replica Broker)."
    )
    authentication: Auth = Auth.kerberos
    port: Port | None = Field(None, description="Default 80 for kerberos, 443 for certificate.")
    frequency_seconds: int = 300
    recovery_points: int = Field(0, ge=0, le=24)
    compression: bool = True
    path: tuple[Name, ...] = Field((), description="Links the traffic crosses, in order.")
    reverse: bool = Field(True, description="Reverse replication is expected after failover.")
    encryption_overhead: float | None = Field(None, ge=1.0)
    initial_seed: str = Field("network", pattern=r"^(network|media)$")

    @field_validator("frequency_seconds")
    @classmethod
    def _frequency(cls, value: int) -> int:
        if value not in (30, 300, 900):
            raise ValueError(
                f"{value} is not a Hyper-V replication frequency; expected 30, 300 or 900"
            )
        return value

    @model_validator(mode="after")
    def _defaults(self) -> Replication:
        if self.port is None:
            port = 80 if self.authentication == Auth.kerberos else 443
            object.__setattr__(self, "port", port)
        return self


class Settings(Base):
    """Thresholds the checks use; each has a documented default."""

    # Defaults by keyword: type checkers only see `Field(default=...)` as a default, and
    # `Design.settings` is built as `Settings()`.
    dns_ttl_threshold_seconds: int = Field(default=300, ge=0)
    initial_replication_threshold_hours: float = Field(default=24, gt=0)
    encryption_overhead: float = Field(default=1.0, ge=1.0)
    certificate_warning_days: int = Field(default=30, ge=0)
