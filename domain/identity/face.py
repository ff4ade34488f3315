"""A face-liveness check: the vendor's token, whose outcome arrives by callback or by polling."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import FaceTokenInvalid


class FacePurpose(StrEnum):
    REAL_NAME = "REAL_NAME"
    PIN_RESET = "PIN_RESET"
    # §5.1.1.2: the invited legal rep, against the licence's legal-rep identity (not their own account's).
    LEGAL_REP_AUTHORIZATION = "LEGAL_REP_AUTHORIZATION"


class FaceCheckStatus(StrEnum):
    PENDING = "PENDING"
    PASSED = "PASSED"
    FAILED = "FAILED"


@dataclass(eq=False)
class FaceCheck:
    token: str
    account_id: UUID
    purpose: FacePurpose
    created_at: datetime
    expires_at: datetime
    url: str
    # The keyed index of the document this face was checked against: a verdict settles that claim only.
    subject_key: str | None = None
    status: FaceCheckStatus = FaceCheckStatus.PENDING
    completed_at: datetime | None = None
    failure_reason: str | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    def ensure_usable_by(self, account_id: UUID, purpose: FacePurpose, now: datetime) -> None:
        if self.account_id != account_id or self.purpose is not purpose:
            raise FaceTokenInvalid(field="token")
        if self.status is FaceCheckStatus.PENDING and now >= self.expires_at:
            raise FaceTokenInvalid("人脸核验已超时，请重新发起", field="token")

    def record_outcome(self, passed: bool, now: datetime, reason: str | None = None) -> bool:
        """Apply the vendor's verdict once; returns False when it was already known (idempotent)."""
        if self.status is not FaceCheckStatus.PENDING:
            return False
        self.status = FaceCheckStatus.PASSED if passed else FaceCheckStatus.FAILED
        self.completed_at = now
        self.failure_reason = None if passed else (reason or "人脸核验未通过")
        return True
