"""Ports of the commerce chapter that other chapters read (certificates, scan services)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.commerce.entitlement import Entitlement, HolderKind


class EntitlementRepository(Protocol):
    def add(self, entitlement: Entitlement) -> None: ...
    async def get(self, entitlement_id: UUID) -> Entitlement | None: ...
    async def for_holder(self, kind: HolderKind, holder_id: UUID) -> list[Entitlement]: ...
    async def active_for_holder(self, kind: HolderKind, holder_id: UUID, now: datetime) -> list[Entitlement]: ...
