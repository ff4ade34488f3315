"""Entitlements (服务使用权): the right, bought with an order, to use a certificate on one platform for some
operations until a date, within an optional signature quota."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import DomainError, ErrorCode


class ScanOperation(StrEnum):
    LOGIN = "LOGIN"
    SIGN = "SIGN"
    ENCRYPT = "ENCRYPT"
    DECRYPT = "DECRYPT"


class SubjectType(StrEnum):
    PERSONAL = "PERSONAL"
    ENTERPRISE = "ENTERPRISE"


class HolderKind(StrEnum):
    ACCOUNT = "ACCOUNT"
    ENTERPRISE = "ENTERPRISE"


class EntitlementStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"


class QuotaExhausted(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "该服务的签署次数已用完"


@dataclass(eq=False)
class Entitlement:
    holder_kind: HolderKind
    holder_id: UUID
    platform_id: UUID
    plan_id: UUID
    order_id: UUID
    operations: list[str]  # ScanOperation values, kept as a plain list for storage
    valid_from: datetime
    valid_until: datetime
    sign_quota: int | None = None  # None: unlimited
    signs_used: int = 0
    revoked_at: datetime | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    def status(self, now: datetime) -> EntitlementStatus:
        if self.revoked_at is not None:
            return EntitlementStatus.REVOKED
        if now >= self.valid_until:
            return EntitlementStatus.EXPIRED
        return EntitlementStatus.ACTIVE

    def is_active(self, now: datetime) -> bool:
        return self.status(now) is EntitlementStatus.ACTIVE and now >= self.valid_from

    def covers(self, operation: ScanOperation, platform_id: UUID, now: datetime) -> bool:
        return self.is_active(now) and self.platform_id == platform_id and operation.value in self.operations

    @property
    def signs_left(self) -> int | None:
        return None if self.sign_quota is None else max(0, self.sign_quota - self.signs_used)

    def consume_signs(self, count: int) -> None:
        """Counts signatures against the quota; all or nothing."""
        if count <= 0:
            raise ValueError("count must be positive")
        if self.sign_quota is not None and self.signs_used + count > self.sign_quota:
            raise QuotaExhausted()
        self.signs_used += count

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now
