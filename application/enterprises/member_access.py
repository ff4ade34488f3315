"""What every member use case shares: who may manage an enterprise's members, and how people hear of it."""

from __future__ import annotations

from uuid import UUID

from application.accounts.sms_codes import SMS_TOPIC
from application.ports import UnitOfWork
from domain.enterprises.enterprise import Enterprise, Membership
from domain.enterprises.legal_rep_invitation import LegalRepInvitation
from domain.enterprises.members import MemberInvitation, ensure_administers
from domain.errors import NotFound

MAX_PAGE = 100


async def administered(uow: UnitOfWork, account_id: UUID, enterprise_id: UUID,
                       field: str) -> tuple[Enterprise, Membership]:
    """The enterprise and the caller's membership when the caller is its admin or legal rep. Someone outside it
    gets NotFound (no hint that it exists); a plain member is refused."""
    membership = await uow.memberships.of(enterprise_id, account_id)
    enterprise = await uow.enterprises.get(enterprise_id) if membership is not None else None
    if enterprise is None or membership is None:
        raise NotFound("企业不存在", field=field)
    return enterprise, ensure_administers(membership, field)


async def administered_invitation(uow: UnitOfWork, account_id: UUID,
                                  invitation_id: UUID) -> tuple[Enterprise, MemberInvitation]:
    """A member invitation with its enterprise when the caller is that enterprise's admin or legal rep. Anyone
    outside it is told the invitation does not exist, as for an id that does not; a plain member is refused."""
    invitation = await uow.member_invitations.get(invitation_id)
    if invitation is None:
        raise NotFound("邀请不存在", field="invitationId")
    try:
        enterprise, _mine = await administered(uow, account_id, invitation.enterprise_id, "invitationId")
    except NotFound:
        raise NotFound("邀请不存在", field="invitationId") from None
    return enterprise, invitation


async def administered_legal_rep_invitation(uow: UnitOfWork, account_id: UUID,
                                            invitation_id: UUID) -> tuple[Enterprise, LegalRepInvitation]:
    """The same for a legal-rep invitation (§5.1.1.2): cancelling and resending it are its admin's and legal rep's."""
    invitation = await uow.legal_rep_invitations.get(invitation_id)
    if invitation is None:
        raise NotFound("邀请不存在", field="invitationId")
    try:
        enterprise, _mine = await administered(uow, account_id, invitation.enterprise_id, "invitationId")
    except NotFound:
        raise NotFound("邀请不存在", field="invitationId") from None
    return enterprise, invitation


async def party_or_administrator(uow: UnitOfWork, account_id: UUID, enterprise_id: UUID,
                                 party_account_id: UUID) -> bool:
    """Whether the caller may read something of the enterprise made for one person (a grant, a service
    application): that person, or the enterprise's admin or legal rep."""
    if account_id == party_account_id:
        return True
    membership = await uow.memberships.of(enterprise_id, account_id)
    return membership is not None and membership.may_administer


def notify(uow: UnitOfWork, phone: str | None, text: str) -> None:
    """An SMS notice through the outbox, in the caller's transaction (a rollback sends nothing)."""
    if phone:
        uow.outbox.put(SMS_TOPIC, {"phone": phone, "text": text, "purpose": "NOTICE"})


def page_size(first: int) -> int:
    return max(0, min(first, MAX_PAGE))
