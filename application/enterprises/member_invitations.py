"""The identity hook of member invitations (§8.1.1): when a person's identity becomes VERIFIED, every open
invitation to their account's phone that names them becomes a membership, in the verifying transaction.

An invitation naming someone else stays open (the admin may have mistyped the name; it still expires), and the
person is told nothing about it: the phone alone does not entitle them to the enterprise."""

from __future__ import annotations

from datetime import datetime

from application.audit import audit
from application.enterprises.add_member import INVITATION_PHONE
from application.enterprises.member_access import notify
from application.ports import SecretHasher, UnitOfWork
from domain.identity.identity import Identity


class ActivateMemberInvitations:
    def __init__(self, hasher: SecretHasher) -> None:
        self._hasher = hasher

    async def __call__(self, uow: UnitOfWork, identity: Identity, now: datetime) -> None:
        if not identity.is_verified or not identity.legal_name:
            return
        account = await uow.accounts.get(identity.account_id)
        if account is None or not account.is_active:
            return
        index = self._hasher.hash(INVITATION_PHONE, account.phone)
        for invitation in await uow.member_invitations.pending_for_phone(index):
            if not invitation.is_open(now) or not invitation.matches(identity.legal_name):
                continue
            enterprise = await uow.enterprises.get(invitation.enterprise_id)
            if enterprise is None:
                continue
            membership = invitation.accept(account.id, now)
            if membership.is_admin and any(m.is_admin for m in await uow.memberships.for_enterprise(enterprise.id)):
                # SPEC §0: one admin per enterprise at a time, handed on only by the §8.4 transfer. AddMember refuses
                # an ADMIN invitation while the enterprise has an admin, but one issued before that rule may still be
                # open: it must not make a second admin. The person still joins, as a plain member (the admin wanted
                # them in; the transfer can make them admin), rather than losing the invitation.
                membership.is_admin = False
            if await uow.memberships.of(enterprise.id, account.id) is None:
                uow.memberships.add(membership)
            notify(uow, account.phone, f"【数信签】您已加入“{enterprise.name}”。")
            audit(uow, "enterprise.member_invitation_accepted", now, None, account_id=account.id,
                  enterprise_id=str(enterprise.id), invitation_id=str(invitation.id), role=membership.role.value)
