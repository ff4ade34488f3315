"""Manual reviews by operators (identity now; enterprise certification and changes later)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import ReasonRequired, ReviewAlreadyDecided, SecondApproverRequired


class ReviewKind(StrEnum):
    IDENTITY = "IDENTITY"
    ENTERPRISE_CERTIFICATION = "ENTERPRISE_CERTIFICATION"
    ENTERPRISE_CHANGE = "ENTERPRISE_CHANGE"


class ReviewStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"  # the person deleted their account before a decision


@dataclass(eq=False)
class Review:
    kind: ReviewKind
    subject_account_id: UUID
    subject_summary: str
    submitted_at: datetime
    attachments: dict[str, str] = field(default_factory=dict)  # role → blob id
    # What the review is about beyond the person: the enterprise (ENTERPRISE_CERTIFICATION) or the
    # change request (ENTERPRISE_CHANGE); None for IDENTITY.
    subject_id: UUID | None = None
    status: ReviewStatus = ReviewStatus.PENDING
    decided_at: datetime | None = None
    decided_by: UUID | None = None
    reason: str | None = None
    # Four eyes (enterprise changes): the first operator's approval, waiting for a second one.
    first_approved_by: UUID | None = None
    first_approved_at: datetime | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    @property
    def needs_two_approvals(self) -> bool:
        return self.kind is ReviewKind.ENTERPRISE_CHANGE

    @property
    def awaiting_second_approval(self) -> bool:
        return self.status is ReviewStatus.PENDING and self.first_approved_by is not None

    def withdraw(self, now: datetime) -> bool:
        """Closes a pending review without a decision; returns False when it was already decided."""
        if self.status is not ReviewStatus.PENDING:
            return False
        self.status = ReviewStatus.WITHDRAWN
        self.decided_at = now
        return True

    def forget_attachments(self) -> list[str]:
        """Drops the references to the photos and returns their blob ids, for deletion."""
        blob_ids, self.attachments = list(self.attachments.values()), {}
        return blob_ids

    def decide(self, *, approve: bool, reason: str | None, operator_id: UUID, now: datetime,
               may_countersign: bool = False) -> bool:
        """Records a decision; returns True when the review is now decided, False when an approval of an
        enterprise change waits for its second operator. The second must be another person and a supervisor
        (`may_countersign`); a rejection by either ends the review at once."""
        if self.status is not ReviewStatus.PENDING:
            raise ReviewAlreadyDecided()
        reason = (reason or "").strip() or None
        if not approve and reason is None:
            raise ReasonRequired(field="reason")
        if approve and self.needs_two_approvals:
            if self.first_approved_by is None:
                self.first_approved_by, self.first_approved_at = operator_id, now
                return False
            if operator_id == self.first_approved_by:
                raise SecondApproverRequired("您已初审通过，须由另一位主管复核")
            if not may_countersign:
                raise SecondApproverRequired("复核须由主管进行")
        self.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        self.reason = reason
        self.decided_at = now
        self.decided_by = operator_id
        return True
