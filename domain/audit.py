"""Security events kept for audit: who, what, when, from where, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4


class AuditOutcome(StrEnum):
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"


@dataclass(eq=False)
class AuditEvent:
    kind: str
    at: datetime
    outcome: AuditOutcome
    account_id: UUID | None = None
    operator_id: UUID | None = None
    client_ip: str | None = None
    detail: dict = field(default_factory=dict)
    id: UUID = field(default_factory=uuid4)
