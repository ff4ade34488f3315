"""§8.1.1 添加成员: the admin or legal rep adds a person by name, phone and role.

A verified account with that phone and that legal name joins at once. Anyone else with that phone (no account
yet, or one not yet verified) gets a MemberInvitation by SMS: it becomes a membership when that phone's account
verifies with the same name (application/enterprises/member_invitations.py). The admin sees it in
Enterprise.memberInvitations and may cancel or resend it (cancel_/resend_member_invitation.py); its phone is kept
encrypted for the resend, and as a keyed hash to match. A phone whose verified owner has
another name is refused: the admin typed a wrong name or a wrong number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.member_access import administered, notify
from application.ports import Clock, FieldCipher, SecretHasher, UnitOfWorkFactory
from domain.accounts.phone import PhoneNumber
from domain.enterprises.enterprise import EnterpriseRole, Membership
from domain.enterprises.members import (
    INVITATIONS_PER_PHONE_PER_DAY,
    AlreadyMember,
    MemberInvitation,
    MemberInvitationPending,
    MemberNameMismatch,
    MemberRole,
    TooManyInvitations,
    ensure_no_second_admin,
    membership_for,
)
from domain.identity.documents import normalize_legal_name

# The purpose of the keyed phone hash: one key space for invitations, matched again when the phone verifies.
INVITATION_PHONE = "member-invitation-phone"


def invitation_phone_context(invitation_id: UUID) -> bytes:
    """What binds an invitation's encrypted phone to its row (a ciphertext moved to another row does not open)."""
    return b"member-invitation-phone|" + invitation_id.bytes


def invitation_text(enterprise_name: str, name: str) -> str:
    return (f"【数信签】“{enterprise_name}”邀请{name}加入企业。请用本手机号注册数信签并以{name}完成实名认证，"
            "30 天内有效。")


@dataclass(frozen=True)
class AddMemberCommand:
    principal: Principal | None
    enterprise_id: UUID
    name: str
    phone: str
    role: MemberRole
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class AddedMember:
    """What addMember answers: the membership made at once, or the invitation waiting for that person."""

    name: str
    phone_masked: str
    role: EnterpriseRole
    membership: Membership | None = None
    invitation: MemberInvitation | None = None

    @property
    def joined_at(self) -> datetime | None:
        return self.membership.joined_at if self.membership is not None else None


class AddMember:
    def __init__(self, uow: UnitOfWorkFactory, hasher: SecretHasher, clock: Clock, cipher: FieldCipher) -> None:
        self._uow, self._hasher, self._clock, self._cipher = uow, hasher, clock, cipher

    async def __call__(self, cmd: AddMemberCommand) -> AddedMember:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            enterprise, _mine = await administered(uow, p.id, cmd.enterprise_id, "enterpriseId")
            name = normalize_legal_name(cmd.name, field="name")
            phone = PhoneNumber.parse(cmd.phone, field="phone")
            role = MemberRole(cmd.role)
            ensure_no_second_admin(role, await uow.memberships.for_enterprise(enterprise.id))
            now = self._clock.now()
            account = await uow.accounts.by_phone(phone.value)
            identity = await uow.identities.for_account(account.id) if account is not None else None
            if account is not None and account.is_active and identity is not None and identity.is_verified:
                if identity.legal_name != name:
                    raise MemberNameMismatch(field="name")
                if await uow.memberships.of(enterprise.id, account.id) is not None:
                    raise AlreadyMember(field="phone")
                membership = membership_for(enterprise.id, account.id, role, now)
                uow.memberships.add(membership)
                notify(uow, phone.value, f"【数信签】您已被添加为“{enterprise.name}”的"
                                         f"{'管理员' if role is MemberRole.ADMIN else '成员'}。")
                audit(uow, "enterprise.member_added", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(enterprise.id), member_account_id=str(account.id), role=role.value)
                await uow.commit()
                return AddedMember(name, phone.masked, membership.role, membership=membership)
            index = self._hasher.hash(INVITATION_PHONE, phone.value)
            existing = await uow.member_invitations.pending_of(enterprise.id, index)
            if existing is not None:
                if existing.is_open(now):
                    raise MemberInvitationPending(field="phone")
                existing.cancel(now)  # expired: make way for the new one
            elif await uow.member_invitations.count_since(enterprise.id, index,
                                                          now - timedelta(days=1)) >= INVITATIONS_PER_PHONE_PER_DAY:
                raise TooManyInvitations(field="phone")
            invitation = MemberInvitation.issue(enterprise_id=enterprise.id, name=name, phone_index=index,
                                                phone_masked=phone.masked, role=role, invited_by=p.id, now=now)
            invitation.phone_ciphertext = self._cipher.encrypt(phone.value.encode(),
                                                               invitation_phone_context(invitation.id))
            uow.member_invitations.add(invitation)
            notify(uow, phone.value, invitation_text(enterprise.name, name))
            audit(uow, "enterprise.member_invited", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                  invitation_id=str(invitation.id), role=role.value)
            await uow.commit()  # Conflict when a twin invitation committed first (unique pending key)
        return AddedMember(name, phone.masked, EnterpriseRole(role.value), invitation=invitation)
