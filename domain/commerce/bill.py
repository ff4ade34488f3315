"""Bill records (账单记录): one line per use counted against an entitlement (written by the scan services)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4


@dataclass(eq=False)
class BillRecord:
    entitlement_id: UUID
    order_id: UUID
    platform_id: UUID
    operation: str  # a ScanOperation value
    used_at: datetime
    count: int = 1
    id: UUID = field(default_factory=uuid4)
