"""Certificate grants (证书授权, manual §8.5, SPEC §7.3): an enterprise lets one member use its org certificate on
one trading platform for some operations until a date.

An explicit state machine:

    AWAITING_APPROVAL ──approve (legal rep signs the grant letter)──▶ AWAITING_PAYMENT ──paid──▶ ACTIVE
    any open state ──revoke──▶ REVOKED;  any open state ──member removed / org certificate revoked──▶ ENDED
    ACTIVE past its last day ──▶ EXPIRED (computed from the clock, like entitlements: no sweeper needed)

Both the admin and the legal rep create a grant in AWAITING_APPROVAL: the legal rep's "sign and buy directly"
(§8.5.2) is them approving their own grant at once (the approval needs their SMS code and signature appearance,
which creating does not carry), so one path signs every grant letter.

A grant may name seals (sealIds, SIGN only): the member then signs with those seals alone, and revoking one of
them ends the grant (§8.2.4 "印章注销后所有相关授权失效"). A grant that names none offers every active seal of the
enterprise at the time of signing, and a revoked seal simply stops being offered.

The grant letter is drawn up when the grant is created and kept (letter_blob_id, letter_sha256), so the legal rep
reads the very PDF they are asked to sign before signing it.

validUntil is a calendar date in China Standard Time; the grant works through the end of that day
(`ends_at` = the next midnight, +08:00). It must lie in the future and not beyond the enterprise's active
entitlement for the platform: a grant cannot promise use the enterprise has not bought."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.clock import CHINA_TZ
from domain.commerce.entitlement import ScanOperation
from domain.errors import DomainError, ErrorCode, InvalidInput

CHINA = CHINA_TZ


class GrantStatus(StrEnum):
    AWAITING_APPROVAL = "AWAITING_APPROVAL"
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    ENDED = "ENDED"


class GrantEndReason(StrEnum):
    MEMBER_REMOVED = "MEMBER_REMOVED"
    CERTIFICATE_REVOKED = "CERTIFICATE_REVOKED"
    SEAL_REVOKED = "SEAL_REVOKED"


_S = GrantStatus
_OPEN = (_S.AWAITING_APPROVAL, _S.AWAITING_PAYMENT, _S.ACTIVE)
TRANSITIONS: dict[GrantStatus, frozenset[GrantStatus]] = {
    _S.AWAITING_APPROVAL: frozenset({_S.AWAITING_PAYMENT, _S.REVOKED, _S.ENDED}),
    _S.AWAITING_PAYMENT: frozenset({_S.ACTIVE, _S.REVOKED, _S.ENDED}),
    _S.ACTIVE: frozenset({_S.REVOKED, _S.ENDED}),
    _S.REVOKED: frozenset(),
    _S.EXPIRED: frozenset(),
    _S.ENDED: frozenset(),
}


class GrantClosed(DomainError):
    code = ErrorCode.CERTIFICATE_GRANT_CLOSED
    default_message = "该证书授权当前不能进行此操作（已撤销、已结束、已过期或尚未到这一步）"


class GrantPayerNotAllowed(DomainError):
    code = ErrorCode.PERMISSION_DENIED
    default_message = "证书授权须由授权人或被授权成员本人购买，他人无法代劳"


def end_of_day(valid_until: date) -> datetime:
    """The first instant after `valid_until` in China Standard Time, in UTC."""
    return datetime.combine(valid_until + timedelta(days=1), time(), CHINA).astimezone(UTC)


def normalise_operations(operations: list[ScanOperation] | list[str]) -> list[str]:
    try:
        ops = sorted({ScanOperation(o).value for o in operations}, key=list(ScanOperation).index)
    except ValueError:
        raise InvalidInput("授权服务有误", field="operations") from None
    if not ops:
        raise InvalidInput("请至少选择一项授权服务", field="operations")
    return ops


@dataclass(eq=False)
class CertificateGrant:
    enterprise_id: UUID
    membership_id: UUID
    member_account_id: UUID
    platform_id: UUID
    operations: list[str]  # ScanOperation values
    ends_at: datetime
    granted_by: UUID  # the account of the admin or legal rep who created it (the grantor)
    created_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: GrantStatus = GrantStatus.AWAITING_APPROVAL
    approved_by: UUID | None = None
    approved_at: datetime | None = None
    signed_blob_id: str | None = None
    signed_sha256: str | None = None
    certificate_id: UUID | None = None  # the legal rep's event certificate that signed the letter
    seal_ids: list[UUID] = field(default_factory=list)  # the seals named for SIGN; empty: every active org seal
    letter_blob_id: str | None = None  # the unsigned grant letter, drawn up at creation
    letter_sha256: str | None = None
    order_id: UUID | None = None  # the latest order placed to pay for it; the one that paid once ACTIVE
    activated_at: datetime | None = None
    closed_at: datetime | None = None
    end_reason: str | None = None
    version: int = 1

    @classmethod
    def create(cls, *, enterprise_id: UUID, membership_id: UUID, member_account_id: UUID, platform_id: UUID,
               operations: list[ScanOperation] | list[str], valid_until: date, latest_end: datetime | None,
               granted_by: UUID, now: datetime, seal_ids: list[UUID] | None = None) -> CertificateGrant:
        ops = normalise_operations(operations)
        seals = list(dict.fromkeys(seal_ids or []))
        if seals and ScanOperation.SIGN.value not in ops:
            raise InvalidInput("只有包含扫码签章的授权才能指定印章", field="sealIds")
        ends_at = end_of_day(valid_until)
        if valid_until < now.astimezone(CHINA).date():
            raise InvalidInput("授权有效期须晚于今天", field="validUntil")
        if latest_end is not None and valid_until > latest_end.astimezone(CHINA).date():
            raise InvalidInput("授权有效期不能超过企业证书服务的有效期", field="validUntil")
        return cls(enterprise_id=enterprise_id, membership_id=membership_id, member_account_id=member_account_id,
                   platform_id=platform_id, operations=ops, ends_at=ends_at, granted_by=granted_by, created_at=now,
                   seal_ids=seals)

    @classmethod
    def for_paid_application(cls, *, enterprise_id: UUID, membership_id: UUID, member_account_id: UUID,
                             platform_id: UUID, operations: list[str], last_day: date, approved_by: UUID,
                             approved_at: datetime, letter_blob_id: str, letter_sha256: str, signed_blob_id: str,
                             signed_sha256: str, certificate_id: UUID, order_id: UUID,
                             now: datetime) -> CertificateGrant:
        """§6.3 / §8.5.3: a member's service application the legal rep approved (by signing the 服务申请授权书) and
        the member paid for is the grant it asked for. The signed application letter is its approval, the paid order
        its payment, so it is born ACTIVE, through the same transitions as any grant, and ends like any grant."""
        grant = cls.create(enterprise_id=enterprise_id, membership_id=membership_id,
                           member_account_id=member_account_id, platform_id=platform_id, operations=operations,
                           valid_until=last_day, latest_end=None, granted_by=approved_by, now=now)
        grant.draw_up_letter(letter_blob_id, letter_sha256)
        grant.approve(by=approved_by, signed_blob_id=signed_blob_id, signed_sha256=signed_sha256,
                      certificate_id=certificate_id, now=now)
        grant.approved_at = approved_at  # when the legal rep signed, not when the member paid
        grant.order_placed(order_id)
        grant.activate(order_id, now)
        return grant

    @property
    def valid_until(self) -> date:
        return (self.ends_at.astimezone(CHINA) - timedelta(days=1)).date()

    def status_at(self, now: datetime) -> GrantStatus:
        if self.status in _OPEN and now >= self.ends_at:
            return GrantStatus.EXPIRED
        return self.status

    def is_open(self, now: datetime) -> bool:
        return self.status_at(now) in _OPEN

    def allows(self, platform_id: UUID, operation: ScanOperation, now: datetime) -> bool:
        return (self.status_at(now) is GrantStatus.ACTIVE and self.platform_id == platform_id
                and operation.value in self.operations)

    def offers_seal(self, seal_id: UUID) -> bool:
        """Whether a SIGN under this grant may use the seal (the seal's own state is checked by the caller)."""
        return not self.seal_ids or seal_id in self.seal_ids

    def names_seal(self, seal_id: UUID) -> bool:
        return seal_id in self.seal_ids

    def draw_up_letter(self, blob_id: str, sha256: str) -> None:
        self.letter_blob_id, self.letter_sha256 = blob_id, sha256

    def _move(self, to: GrantStatus, now: datetime) -> None:
        if self.status_at(now) is GrantStatus.EXPIRED or to not in TRANSITIONS[self.status]:
            raise GrantClosed(field="grantId")
        self.status = to

    def approve(self, *, by: UUID, signed_blob_id: str, signed_sha256: str, certificate_id: UUID,
                now: datetime) -> None:
        if self.status_at(now) is not GrantStatus.AWAITING_APPROVAL:
            raise GrantClosed(field="grantId")
        self._move(GrantStatus.AWAITING_PAYMENT, now)
        self.approved_by, self.approved_at = by, now
        self.signed_blob_id, self.signed_sha256, self.certificate_id = signed_blob_id, signed_sha256, certificate_id

    def ensure_payable_by(self, account_id: UUID, now: datetime) -> None:
        """Only the grantor or the member pays (§8.5 “他人无法代劳”), and only once approved."""
        if account_id not in (self.granted_by, self.member_account_id):
            raise GrantPayerNotAllowed(field="grantId")
        if self.status_at(now) is not GrantStatus.AWAITING_PAYMENT:
            raise GrantClosed("该证书授权尚未经法定代表人签署或已不能购买", field="grantId")

    def order_placed(self, order_id: UUID) -> None:
        self.order_id = order_id

    def activate(self, order_id: UUID, now: datetime) -> bool:
        """The order that pays it was paid; False (nothing changes) when the grant closed meanwhile."""
        if self.status_at(now) is not GrantStatus.AWAITING_PAYMENT:
            return False
        self._move(GrantStatus.ACTIVE, now)
        self.order_id, self.activated_at = order_id, now
        return True

    def revoke(self, now: datetime) -> None:
        self._move(GrantStatus.REVOKED, now)
        self.closed_at = now

    def end(self, reason: GrantEndReason, now: datetime) -> bool:
        """Ended by what it depended on; a grant already closed stays as it is."""
        if not self.is_open(now):
            return False
        self._move(GrantStatus.ENDED, now)
        self.closed_at, self.end_reason = now, reason.value
        return True
