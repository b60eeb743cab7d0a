"""The one Finding type every check produces and every renderer reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from enum import StrEnum

from netplan.source import Location


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"

    @property
    def rank(self) -> int:
        """Higher is worse; used for thresholds (--fail-on) and sorting."""
        return {"error": 3, "warning": 2, "info": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One risk found in one scenario, pointing at the design line to change."""

    rule_id: str
    rule_name: str
    severity: Severity
    scenario: str
    subject: str  # `kind:name`, e.g. `vm:web01`, `nic:web01/eth0`, `segment:servers`
    message: str  # with the concrete values: addresses, names, prefixes
    remediation: str
    location: Location | None
    accepted: bool = False
    accepted_reason: str = ""
    accepted_owner: str = ""

    @property
    def fingerprint(self) -> str:
        """Stable across edits that only move lines: rule, scenario, subject and message."""
        key = "\x1f".join((self.rule_name, self.scenario, self.subject, self.message))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def sort_key(self) -> tuple[object, ...]:
        loc = self.location or Location("", 0, 0)
        return (-self.severity.rank, self.rule_id, loc.line, loc.column, self.subject, self.message)

    def accept(self, reason: str, owner: str) -> Finding:
        return replace(self, accepted=True, accepted_reason=reason, accepted_owner=owner)

    def to_dict(self) -> dict[str, object]:
        loc = self.location
        return {
            "rule": self.rule_id,
            "name": self.rule_name,
            "severity": str(self.severity),
            "subject": self.subject,
            "message": self.message,
            "remediation": self.remediation,
            "location": (
                {"file": loc.file, "line": loc.line, "column": loc.column} if loc else None
            ),
            "fingerprint": self.fingerprint,
            "accepted": self.accepted,
            **(
                {"acceptance": {"reason": self.accepted_reason, "owner": self.accepted_owner}}
                if self.accepted
                else {}
            ),
        }
