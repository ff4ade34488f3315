"""The admin transfer (管理员转授, manual §8.4): the enterprise's admin hands admin to another member, and the
transfer takes effect only once the legal representative has signed the transfer letter.

An explicit state machine: PENDING → APPROVED | CANCELLED | EXPIRED. At most one transfer of an enterprise is
pending at a time; `pending_enterprise_id` is set while pending and cleared on leaving it, so a unique column
keeps that true under concurrent requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.enterprises.enterprise import Enterprise, EnterpriseNotCertified, Membership
from domain.errors import DomainError, ErrorCode

# Long enough for a legal rep who is travelling, short enough that a forgotten request does not linger.
TRANSFER_VALIDITY = timedelta(days=7)


class AdminTransferStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


_S = AdminTransferStatus
TRANSITIONS: dict[AdminTransferStatus, frozenset[AdminTransferStatus]] = {
    _S.PENDING: frozenset({_S.APPROVED, _S.CANCELLED, _S.EXPIRED}),
    _S.APPROVED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.EXPIRED: frozenset(),
}


class AdminTransferPending(DomainError):
    code = ErrorCode.ADMIN_TRANSFER_PENDING
    default_message = "该企业已有一项待法定代表人签署的管理员转授，请等待签署或过期后再发起"


class AdminTransferClosed(DomainError):
    code = ErrorCode.ADMIN_TRANSFER_CLOSED
    default_message = "该管理员转授已结束，不能再签署"


class AdminTransferTargetInvalid(DomainError):
    code = ErrorCode.ADMIN_TRANSFER_TARGET_INVALID
    default_message = "请选择本企业中尚不是管理员的成员"


class AdminTransferOutdated(DomainError):
    code = ErrorCode.ADMIN_TRANSFER_OUTDATED
    default_message = "企业成员已发生变化，该管理员转授已不适用，请重新发起"


def check_target(target: Membership, enterprise_id: UUID) -> None:
    """The member admin goes to: someone of this enterprise who does not hold admin yet."""
    if target.enterprise_id != enterprise_id or target.is_admin:
        raise AdminTransferTargetInvalid(field="toMemberId")


@dataclass(eq=False)
class AdminTransfer:
    enterprise_id: UUID
    from_membership_id: UUID
    to_membership_id: UUID
    requested_by: UUID
    requested_at: datetime
    expires_at: datetime
    # What the letter says, kept as it was printed: signing re-renders the same layout to find the signature box.
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    from_admin_name: str
    to_admin_name: str
    letter_blob_id: str = ""
    letter_sha256: str = ""
    id: UUID = field(default_factory=uuid4)
    status: AdminTransferStatus = AdminTransferStatus.PENDING
    pending_enterprise_id: UUID | None = None
    signed_blob_id: str | None = None
    signed_sha256: str | None = None
    signed_at: datetime | None = None
    signed_by: UUID | None = None
    certificate_id: UUID | None = None
    closed_at: datetime | None = None
    version: int = 1

    @classmethod
    def request(cls, *, enterprise: Enterprise, from_membership: Membership, to_membership: Membership,
                from_admin_name: str, to_admin_name: str, requested_by: UUID, now: datetime) -> AdminTransfer:
        if not enterprise.is_certified:
            raise EnterpriseNotCertified(field="enterpriseId")
        if not from_membership.is_admin or from_membership.enterprise_id != enterprise.id:
            raise AdminTransferOutdated("只有企业管理员的管理员身份可以转授")
        check_target(to_membership, enterprise.id)
        return cls(enterprise_id=enterprise.id, from_membership_id=from_membership.id,
                   to_membership_id=to_membership.id, requested_by=requested_by, requested_at=now,
                   expires_at=now + TRANSFER_VALIDITY, enterprise_name=enterprise.name,
                   credit_code=enterprise.credit_code, legal_rep_name=enterprise.legal_rep_name,
                   from_admin_name=from_admin_name, to_admin_name=to_admin_name, pending_enterprise_id=enterprise.id)

    @property
    def is_pending(self) -> bool:
        return self.status is AdminTransferStatus.PENDING

    def is_expired(self, now: datetime) -> bool:
        return self.is_pending and now >= self.expires_at

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def _close(self, to: AdminTransferStatus, now: datetime) -> None:
        if to not in TRANSITIONS[self.status]:
            raise AdminTransferClosed()
        self.status, self.closed_at, self.pending_enterprise_id = to, now, None

    def expire(self, now: datetime) -> None:
        self._close(AdminTransferStatus.EXPIRED, now)

    def cancel(self, now: datetime) -> None:
        self._close(AdminTransferStatus.CANCELLED, now)

    def still_applies(self, from_membership: Membership | None, to_membership: Membership | None) -> bool:
        """Whether the roles are still as requested: the giver holds admin, the receiver is a member without it."""
        return (from_membership is not None and from_membership.id == self.from_membership_id
                and from_membership.is_admin and to_membership is not None
                and to_membership.id == self.to_membership_id and to_membership.enterprise_id == self.enterprise_id
                and not to_membership.is_admin)

    def status_at(self, now: datetime, from_membership: Membership | None,
                  to_membership: Membership | None) -> AdminTransferStatus:
        """What the transfer is now, before anyone records it: a pending one past its week is EXPIRED, and one whose
        roles moved since (the giver no longer admin, the receiver gone or admin already) is CANCELLED — the next act
        on the enterprise's transfers records exactly that (request_admin_transfer.settle_stale_pending)."""
        if not self.is_pending:
            return self.status
        if self.is_expired(now):
            return AdminTransferStatus.EXPIRED
        if not self.still_applies(from_membership, to_membership):
            return AdminTransferStatus.CANCELLED
        return AdminTransferStatus.PENDING

    def ensure_signable(self, now: datetime) -> None:
        if not self.is_pending:
            raise AdminTransferClosed(field="transferId")
        if self.is_expired(now):
            raise AdminTransferClosed("该管理员转授已过期，请重新发起", field="transferId")

    def approve(self, from_membership: Membership | None, to_membership: Membership | None, *, signed_by: UUID,
                signed_blob_id: str, signed_sha256: str, certificate_id: UUID, now: datetime) -> None:
        """The legal rep signed: admin moves from the giver to the receiver, in the caller's one transaction."""
        self.ensure_signable(now)
        if not self.still_applies(from_membership, to_membership):
            raise AdminTransferOutdated(field="transferId")
        assert from_membership is not None and to_membership is not None
        from_membership.is_admin, to_membership.is_admin = False, True
        self.signed_blob_id, self.signed_sha256, self.signed_at = signed_blob_id, signed_sha256, now
        self.signed_by, self.certificate_id = signed_by, certificate_id
        self._close(AdminTransferStatus.APPROVED, now)
