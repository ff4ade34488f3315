"""§8.6 企业信息变更: a certified enterprise asks to change its name and/or its legal representative.

The request carries the new business licence and a new signed letter; the enterprise then proves its corporate
account by a bank transfer (purpose CHANGE); an operator reviews; on approval the enterprise is updated in the
deciding transaction and EnterpriseInformationChanged is raised for whatever follows a change (org certificates,
seals). The credit code never changes. One open change per enterprise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain.enterprises.enterprise import LegalRepEvidence
from domain.errors import DomainError, ErrorCode


class ChangeStatus(StrEnum):
    AWAITING_TRANSFER = "AWAITING_TRANSFER"
    PENDING_REVIEW = "PENDING_REVIEW"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


_C = ChangeStatus
TRANSITIONS: dict[ChangeStatus, frozenset[ChangeStatus]] = {
    # A failed or expired transfer leaves the change waiting for another one.
    _C.AWAITING_TRANSFER: frozenset({_C.PENDING_REVIEW}),
    _C.PENDING_REVIEW: frozenset({_C.APPROVED, _C.REJECTED}),
    _C.APPROVED: frozenset(),
    _C.REJECTED: frozenset(),
}
OPEN = frozenset({ChangeStatus.AWAITING_TRANSFER, ChangeStatus.PENDING_REVIEW})


class ChangeInProgress(DomainError):
    code = ErrorCode.ENTERPRISE_CHANGE_IN_PROGRESS
    default_message = "该企业已有进行中的信息变更，请等待其完成"


class NothingToChange(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "请填写变更后的企业名称或法定代表人"


@dataclass(eq=False)
class EnterpriseChange:
    enterprise_id: UUID
    requested_by: UUID
    licence_blob_id: str
    licence_content_type: str
    letter_blob_id: str
    letter_content_type: str
    created_at: datetime
    old_name: str
    old_legal_rep_name: str
    new_name: str | None = None
    new_legal_rep_name: str | None = None
    new_legal_rep_id_ciphertext: bytes | None = None
    new_legal_rep_id_index: str | None = None
    new_legal_rep_id_masked: str | None = None
    id: UUID = field(default_factory=uuid4)
    status: ChangeStatus = ChangeStatus.AWAITING_TRANSFER
    # Set while the enterprise has this change open: a unique column keeps "one open change" under races.
    open_enterprise_id: UUID | None = None
    reason: str | None = None
    decided_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    @classmethod
    def request(cls, *, change_id: UUID, enterprise_id: UUID, requested_by: UUID, old_name: str,
                old_legal_rep_name: str, new_name: str | None, new_legal_rep: LegalRepEvidence | None,
                licence: tuple[str, str], letter: tuple[str, str], now: datetime) -> EnterpriseChange:
        if new_name == old_name:
            new_name = None
        if new_name is None and new_legal_rep is None:
            raise NothingToChange(field="newName")
        change = cls(enterprise_id=enterprise_id, requested_by=requested_by, licence_blob_id=licence[0],
                     licence_content_type=licence[1], letter_blob_id=letter[0], letter_content_type=letter[1],
                     created_at=now, updated_at=now, old_name=old_name, old_legal_rep_name=old_legal_rep_name,
                     new_name=new_name, id=change_id, open_enterprise_id=enterprise_id)
        if new_legal_rep is not None:
            change.new_legal_rep_name = new_legal_rep.name
            change.new_legal_rep_id_ciphertext = new_legal_rep.number_ciphertext
            change.new_legal_rep_id_index = new_legal_rep.number_index
            change.new_legal_rep_id_masked = new_legal_rep.number_masked
        return change

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def new_legal_rep(self) -> LegalRepEvidence | None:
        if self.new_legal_rep_name is None:
            return None
        assert self.new_legal_rep_id_ciphertext is not None and self.new_legal_rep_id_index is not None
        return LegalRepEvidence(self.new_legal_rep_name, self.new_legal_rep_id_ciphertext,
                                self.new_legal_rep_id_index, self.new_legal_rep_id_masked or "")

    def _move(self, to: ChangeStatus, now: datetime) -> None:
        if to not in TRANSITIONS[self.status]:
            raise DomainError("当前变更状态不允许此操作", code=ErrorCode.CONFLICT)
        self.status, self.updated_at = to, now
        if to not in OPEN:
            self.open_enterprise_id = None

    def submit_for_review(self, now: datetime) -> None:
        self._move(ChangeStatus.PENDING_REVIEW, now)

    def approve(self, now: datetime) -> None:
        self._move(ChangeStatus.APPROVED, now)
        self.decided_at = now

    def reject(self, reason: str, now: datetime) -> None:
        self._move(ChangeStatus.REJECTED, now)
        self.reason, self.decided_at = reason, now


@dataclass(frozen=True)
class EnterpriseInformationChanged:
    """Raised in the approving transaction of a §8.6 change; hooks react inside the same transaction."""

    enterprise_id: UUID
    change_id: UUID
    old_name: str
    new_name: str
    old_legal_rep_name: str
    new_legal_rep_name: str
    legal_rep_changed: bool
    occurred_at: datetime
