"""A nonce a platform signed a request with: seen once, remembered for the replay window, then pruned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4


@dataclass(eq=False)
class PlatformNonce:
    platform_id: UUID
    nonce: str
    seen_at: datetime
    id: UUID = field(default_factory=uuid4)
