"""Joining an enterprise (§5.2) and its members (§8.1): the JoinApplication and MemberInvitation aggregates and the
rules of who may administer and who may be removed.

Both aggregates carry a `pending_key` that is set only while they are open: a unique column over it makes "one open
application per person and enterprise" and "one open invitation per phone and enterprise" hold under races, while
closed ones stay as history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.enterprises.enterprise import Membership
from domain.errors import DomainError, ErrorCode

INVITATION_VALIDITY = timedelta(days=30)
# Resending an invitation's SMS (§8.1.1): not more often than the SMS cooldown, and not without end (each send
# reaches a phone whose owner has not asked for anything).
INVITATION_RESEND_COOLDOWN = timedelta(seconds=60)
INVITATION_MAX_SENDS = 5
# Cancelling frees the phone for a new invitation at once; this keeps add-cancel-add from flooding a phone.
INVITATIONS_PER_PHONE_PER_DAY = 3


class MemberRole(StrEnum):
    """The role an admin may give (§8.1.1); LEGAL_REP follows from the licence, never from a choice."""

    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


class JoinRefused(DomainError):
    # One code and message for "no such certified enterprise" and "the admin's name or phone does not match":
    # an applicant must not learn which enterprises exist or who administers them by trying.
    code = ErrorCode.JOIN_REFUSED
    default_message = "未找到匹配的企业，请核对企业全称及管理员姓名、手机号"


class JoinAttemptsExceeded(DomainError):
    code = ErrorCode.JOIN_ATTEMPTS_EXCEEDED
    default_message = "加入企业申请失败次数过多，请明天再试"


class AlreadyMember(DomainError):
    code = ErrorCode.ALREADY_MEMBER
    default_message = "该用户已是企业成员"


class JoinApplicationPending(DomainError):
    code = ErrorCode.JOIN_APPLICATION_PENDING
    default_message = "您已提交过加入该企业的申请，请等待管理员审核"


class JoinApplicationDecided(DomainError):
    code = ErrorCode.JOIN_APPLICATION_DECIDED
    default_message = "该申请已处理"


class NotEnterpriseAdmin(DomainError):
    code = ErrorCode.NOT_ENTERPRISE_ADMIN
    default_message = "仅企业管理员或法定代表人可以进行此操作"


class MemberNameMismatch(DomainError):
    code = ErrorCode.MEMBER_NAME_MISMATCH
    default_message = "姓名与该手机号用户的实名信息不一致"


class MemberInvitationPending(DomainError):
    code = ErrorCode.MEMBER_INVITATION_PENDING
    default_message = "已向该手机号发出邀请，请等待对方注册并完成实名认证"


class MemberInvitationClosed(DomainError):
    code = ErrorCode.INVITATION_INVALID
    default_message = "该邀请已被接受或已取消"


class InvitationResendTooSoon(DomainError):
    code = ErrorCode.SMS_COOLDOWN
    default_message = "邀请短信发送过于频繁，请 1 分钟后再试"


class InvitationResendLimit(DomainError):
    code = ErrorCode.INVITATION_RESEND_LIMIT
    default_message = "该邀请短信已发送 5 次，不能再次发送；如需继续邀请，请取消后重新添加成员"


class TooManyInvitations(DomainError):
    code = ErrorCode.INVITATION_RESEND_LIMIT
    default_message = "今天已多次邀请该手机号，请明天再试"


class CannotRemoveLegalRep(DomainError):
    code = ErrorCode.CANNOT_REMOVE_LEGAL_REP
    default_message = "不能移除企业法定代表人"


class CannotRemoveLastAdmin(DomainError):
    code = ErrorCode.CANNOT_REMOVE_LAST_ADMIN
    default_message = "不能移除企业管理员，请先通过“管理员变更”转让管理员"


class AdminAlreadyExists(DomainError):
    code = ErrorCode.ADMIN_ALREADY_EXISTS
    default_message = "企业管理员只能有一位，如需更换管理员请使用“管理员变更”"


def ensure_no_second_admin(role: MemberRole, members: Sequence[Membership]) -> None:
    """SPEC §0: one admin per enterprise at a time; the admin changes hands only by the §8.4 transfer."""
    if role is MemberRole.ADMIN and any(m.is_admin for m in members):
        raise AdminAlreadyExists(field="role")


def ensure_administers(membership: Membership | None, field: str | None = None) -> Membership:
    """§8.1: the admin or the legal rep manages members. The caller is already known to belong."""
    if membership is None or not membership.may_administer:
        raise NotEnterpriseAdmin(field=field)
    return membership


def ensure_removable(target: Membership) -> None:
    """Never the legal rep (the licence names them; §8.6 changes that), never the admin: an enterprise has exactly
    one (SPEC §0), so removing them would leave it without one; admin moves only by the §8.4 transfer."""
    if target.is_legal_rep:
        raise CannotRemoveLegalRep()
    if target.is_admin:
        raise CannotRemoveLastAdmin()


def membership_for(enterprise_id: UUID, account_id: UUID, role: MemberRole, now: datetime) -> Membership:
    return Membership(enterprise_id=enterprise_id, account_id=account_id, joined_at=now,
                      is_admin=role is MemberRole.ADMIN)


class JoinApplicationStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


_J = JoinApplicationStatus
JOIN_TRANSITIONS: dict[JoinApplicationStatus, frozenset[JoinApplicationStatus]] = {
    _J.PENDING: frozenset({_J.APPROVED, _J.REJECTED, _J.WITHDRAWN}),
    _J.APPROVED: frozenset(),
    _J.REJECTED: frozenset(),
    _J.WITHDRAWN: frozenset(),
}


def _pending_key(enterprise_id: UUID, other: str) -> str:
    return f"{enterprise_id}|{other}"


@dataclass(eq=False)
class JoinApplication:
    """§5.2: a verified person asks to join a certified enterprise; its admin or legal rep decides (§8.1.2)."""

    enterprise_id: UUID
    applicant_account_id: UUID
    applicant_name: str  # the applicant's verified legal name when they applied
    reason: str
    submitted_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: JoinApplicationStatus = JoinApplicationStatus.PENDING
    pending_key: str | None = None
    decided_at: datetime | None = None
    decided_by: UUID | None = None
    version: int = 1

    @classmethod
    def submit(cls, *, enterprise_id: UUID, applicant_account_id: UUID, applicant_name: str, reason: str,
               now: datetime) -> JoinApplication:
        return cls(enterprise_id=enterprise_id, applicant_account_id=applicant_account_id,
                   applicant_name=applicant_name, reason=reason, submitted_at=now,
                   pending_key=_pending_key(enterprise_id, str(applicant_account_id)))

    @property
    def is_pending(self) -> bool:
        return self.status is JoinApplicationStatus.PENDING

    def _move(self, to: JoinApplicationStatus, by: UUID | None, now: datetime) -> None:
        if to not in JOIN_TRANSITIONS[self.status]:
            raise JoinApplicationDecided()
        self.status, self.decided_at, self.decided_by = to, now, by
        self.pending_key = None

    def approve(self, by: UUID, now: datetime) -> Membership:
        self._move(JoinApplicationStatus.APPROVED, by, now)
        return membership_for(self.enterprise_id, self.applicant_account_id, MemberRole.MEMBER, now)

    def reject(self, by: UUID, now: datetime) -> None:
        self._move(JoinApplicationStatus.REJECTED, by, now)

    def withdraw(self, now: datetime) -> None:
        self._move(JoinApplicationStatus.WITHDRAWN, None, now)


class MemberInvitationStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    CANCELLED = "CANCELLED"
    # Never stored: a PENDING invitation past its expiry, as it is shown (it can no longer activate; resending
    # renews it).
    EXPIRED = "EXPIRED"


@dataclass(eq=False)
class MemberInvitation:
    """§8.1.1 for a phone that has no verified account yet: it becomes a membership when that phone's account
    verifies with the same legal name before `expires_at`. The phone is kept as a keyed index (to match) and masked
    (to show), never in clear: the one SMS that needs it is queued when the invitation is made."""

    enterprise_id: UUID
    name: str
    phone_index: str
    phone_masked: str
    role: MemberRole
    invited_by: UUID
    created_at: datetime
    expires_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: MemberInvitationStatus = MemberInvitationStatus.PENDING
    pending_key: str | None = None
    accepted_at: datetime | None = None
    account_id: UUID | None = None
    # The phone encrypted (bound to this invitation), so that the SMS can be sent again; None on invitations made
    # before it was kept (they can be cancelled and made again, not resent).
    phone_ciphertext: bytes | None = None
    last_sent_at: datetime | None = None
    send_count: int = 1
    cancelled_at: datetime | None = None
    cancelled_by: UUID | None = None
    version: int = 1

    @classmethod
    def issue(cls, *, enterprise_id: UUID, name: str, phone_index: str, phone_masked: str,
              role: MemberRole, invited_by: UUID, now: datetime, invitation_id: UUID | None = None
              ) -> MemberInvitation:
        return cls(enterprise_id=enterprise_id, name=name, phone_index=phone_index, phone_masked=phone_masked, role=role, invited_by=invited_by,
                   created_at=now, expires_at=now + INVITATION_VALIDITY, id=invitation_id or uuid4(),
                   pending_key=_pending_key(enterprise_id, phone_index), last_sent_at=now)

    def shown_status(self, now: datetime) -> MemberInvitationStatus:
        if self.status is MemberInvitationStatus.PENDING and now >= self.expires_at:
            return MemberInvitationStatus.EXPIRED
        return self.status

    def is_open(self, now: datetime) -> bool:
        return self.status is MemberInvitationStatus.PENDING and now < self.expires_at

    def matches(self, legal_name: str | None) -> bool:
        return bool(legal_name) and legal_name == self.name

    def accept(self, account_id: UUID, now: datetime) -> Membership:
        if not self.is_open(now):
            raise DomainError("邀请已失效", code=ErrorCode.INVITATION_EXPIRED)
        self.status, self.accepted_at, self.account_id, self.pending_key = (
            MemberInvitationStatus.ACCEPTED, now, account_id, None)
        return membership_for(self.enterprise_id, account_id, self.role, now)

    def cancel(self, now: datetime | None = None, by: UUID | None = None) -> None:
        """Closes it (expired and replaced, or withdrawn by an admin): the key frees the phone for a new one."""
        if self.status is MemberInvitationStatus.PENDING:
            self.status, self.pending_key = MemberInvitationStatus.CANCELLED, None
            self.cancelled_at, self.cancelled_by = now, by

    def withdraw(self, by: UUID, now: datetime) -> None:
        """§8.1 the admin or legal rep cancels it: it can no longer activate. Accepted or cancelled ones are closed."""
        if self.status is not MemberInvitationStatus.PENDING:
            raise MemberInvitationClosed()
        self.cancel(now, by)

    def resend(self, now: datetime) -> None:
        """The SMS goes out again and the invitation lives INVITATION_VALIDITY from now (an expired one too)."""
        if self.status is not MemberInvitationStatus.PENDING:
            raise MemberInvitationClosed()
        if self.send_count >= INVITATION_MAX_SENDS:
            raise InvitationResendLimit()
        if self.last_sent_at is not None and now - self.last_sent_at < INVITATION_RESEND_COOLDOWN:
            raise InvitationResendTooSoon()
        self.last_sent_at, self.send_count = now, self.send_count + 1
        self.expires_at = now + INVITATION_VALIDITY
