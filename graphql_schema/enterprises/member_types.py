"""GraphQL types of joining (§5.2) and members (§8.1): Member, JoinApplication, their connections and payloads."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

import strawberry

from application.enterprises.add_member import AddedMember
from application.enterprises.member_ports import InvitationRow, MemberRow
from application.ports import Page
from domain.accounts.phone import PhoneNumber
from domain.enterprises.members import (
    JoinApplication,
    JoinApplicationStatus,
    MemberInvitationStatus,
    MemberRole,
)
from domain.errors import InvalidPhone
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError
from graphql_schema.common.node import TOTAL_COUNT, Node, PageInfo, from_global_id, to_global_id, total_of
from graphql_schema.enterprises.types import EnterpriseRoleEnum

MemberRoleEnum = strawberry.enum(MemberRole, name="MemberRole",
                                 description="The role addMember gives: ADMIN or MEMBER (LEGAL_REP follows from the "
                                             "licence). An enterprise has one admin at a time.")
JoinApplicationStatusEnum = strawberry.enum(JoinApplicationStatus, name="JoinApplicationStatus")
MemberInvitationStatusEnum = strawberry.enum(
    MemberInvitationStatus, name="MemberInvitationStatus",
    description="PENDING: sent, waiting for that phone to register and verify with the name. EXPIRED: pending past "
                "its 30 days (resending renews it). ACCEPTED: the person joined. CANCELLED: withdrawn.")


@strawberry.enum(description="ACTIVE: a member. INVITED: addMember's invitation to a phone without a verified "
                             "account; it becomes a member when that phone verifies with the same name.")
class MemberStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INVITED = "INVITED"


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    try:
        return PhoneNumber(phone).masked
    except InvalidPhone:
        return None


@strawberry.type(name="Member", description="A member of an enterprise (§8.1), visible to its members. From "
                                            "addMember it may be a pending invitation (status INVITED, no joinedAt; "
                                            "its id is then the MemberInvitation's: Enterprise.memberInvitations "
                                            "lists it, cancelMemberInvitation or removeMember cancels it).")
class MemberType(Node):
    role: EnterpriseRoleEnum  # type: ignore[valid-type]
    name: str | None = strawberry.field(description="The member's verified legal name.")
    phone_masked: str | None = strawberry.field(description="Like 138****8000.")
    joined_at: datetime | None
    status: MemberStatus = MemberStatus.ACTIVE
    invitation_expires_at: datetime | None = None

    @classmethod
    def of(cls, row: MemberRow) -> MemberType:
        m = row.membership
        return cls(id=to_global_id("Member", m.id), role=m.role, name=row.legal_name,
                   phone_masked=mask_phone(row.phone), joined_at=m.joined_at)

    @classmethod
    def of_added(cls, added: AddedMember) -> MemberType:
        if added.membership is not None:
            return cls(id=to_global_id("Member", added.membership.id), role=added.role, name=added.name,
                       phone_masked=added.phone_masked, joined_at=added.joined_at)
        assert added.invitation is not None
        return cls(id=to_global_id("MemberInvitation", added.invitation.id), role=added.role, name=added.name,
                   phone_masked=added.phone_masked, joined_at=None, status=MemberStatus.INVITED,
                   invitation_expires_at=added.invitation.expires_at)


@strawberry.type(name="MemberInvitation", description="§8.1.1 an invitation addMember sent to a phone without a "
                                                      "verified account; visible to the enterprise's admin and legal "
                                                      "rep, who may cancel or resend it.")
class MemberInvitationType(Node):
    name: str = strawberry.field(description="The legal name the person must verify with.")
    phone_masked: str
    role: MemberRoleEnum  # type: ignore[valid-type]
    status: MemberInvitationStatusEnum  # type: ignore[valid-type]
    invited_at: datetime
    expires_at: datetime
    last_sent_at: datetime = strawberry.field(description="When its SMS last went out.")
    resendable: bool = strawberry.field(description="Whether resendMemberInvitation may send it again (pending, and "
                                                    "fewer than 5 sends).")
    accepted_at: datetime | None
    cancelled_at: datetime | None

    @classmethod
    def of(cls, row: InvitationRow) -> MemberInvitationType:
        i = row.invitation
        return cls(id=to_global_id("MemberInvitation", i.id), name=i.name, phone_masked=i.phone_masked, role=i.role,
                   status=row.status, invited_at=i.created_at, expires_at=i.expires_at,
                   last_sent_at=i.last_sent_at or i.created_at, resendable=row.resendable,
                   accepted_at=i.accepted_at, cancelled_at=i.cancelled_at)


@strawberry.type
class MemberInvitationEdge:
    cursor: str
    node: MemberInvitationType


@strawberry.type
class MemberInvitationConnection:
    edges: list[MemberInvitationEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[InvitationRow]) -> MemberInvitationConnection:
        return cls(edges=[MemberInvitationEdge(cursor=c, node=MemberInvitationType.of(r))
                          for r, c in zip(page.items, page.cursors, strict=True)],
                   page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor))


@strawberry.type
class MemberEdge:
    cursor: str
    node: MemberType


@strawberry.type
class MemberConnection:
    edges: list[MemberEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description=TOTAL_COUNT)

    @classmethod
    def of(cls, page: Page[MemberRow]) -> MemberConnection:
        return cls(edges=[MemberEdge(cursor=c, node=MemberType.of(r)) for r, c in zip(page.items, page.cursors,
                                                                                      strict=True)],
                   page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=total_of(page))


@strawberry.type(name="JoinApplication", description="An application to join an enterprise (§5.2).")
class JoinApplicationType(Node):
    status: JoinApplicationStatusEnum  # type: ignore[valid-type]
    applicant_name: str = strawberry.field(description="The applicant's verified legal name.")
    reason: str
    submitted_at: datetime
    decided_at: datetime | None

    @classmethod
    def of(cls, a: JoinApplication) -> JoinApplicationType:
        return cls(id=to_global_id("JoinApplication", a.id), status=a.status, applicant_name=a.applicant_name,
                   reason=a.reason, submitted_at=a.submitted_at, decided_at=a.decided_at)


@strawberry.type
class JoinApplicationEdge:
    cursor: str
    node: JoinApplicationType


@strawberry.type
class JoinApplicationConnection:
    edges: list[JoinApplicationEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description=TOTAL_COUNT)

    @classmethod
    def of(cls, page: Page[JoinApplication]) -> JoinApplicationConnection:
        return cls(edges=[JoinApplicationEdge(cursor=c, node=JoinApplicationType.of(a))
                          for a, c in zip(page.items, page.cursors, strict=True)],
                   page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            total_count=total_of(page))


def _errors() -> list[UserError]:
    return []


@strawberry.type
class ApplyToJoinEnterprisePayload:
    application: JoinApplicationType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class DecideJoinApplicationPayload:
    application: JoinApplicationType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class AddMemberPayload:
    member: MemberType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class RemoveMemberPayload:
    removed_member_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class CancelMemberInvitationPayload:
    invitation: MemberInvitationType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class ResendMemberInvitationPayload:
    invitation: MemberInvitationType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


def _enterprise_id(global_id: str) -> UUID | None:
    ref = from_global_id(global_id, "Enterprise")
    return ref[1] if ref is not None else None


async def enterprise_members(info: Info, enterprise_id: str, first: int, after: str | None
                             ) -> MemberConnection | None:
    ctx, local = info.context, _enterprise_id(enterprise_id)
    page = await ctx.use_cases.enterprises.members.list_members(ctx.principal, local, first, after) if local else None
    return MemberConnection.of(page) if page is not None else None


async def enterprise_join_applications(info: Info, enterprise_id: str, status: JoinApplicationStatus | None,
                                       first: int, after: str | None) -> JoinApplicationConnection | None:
    ctx, local = info.context, _enterprise_id(enterprise_id)
    if local is None:
        return None
    page = await ctx.use_cases.enterprises.members.list_join_applications(
        ctx.principal, local, JoinApplicationStatus(status) if status is not None else None, first, after)
    return JoinApplicationConnection.of(page) if page is not None else None


async def member_node(info: Info, membership_id: UUID) -> MemberType | None:
    ctx = info.context
    row = await ctx.use_cases.enterprises.members.get_member(ctx.principal, membership_id)
    return MemberType.of(row) if row is not None else None


async def enterprise_member_invitations(info: Info, enterprise_id: str, pending_only: bool, first: int,
                                        after: str | None) -> MemberInvitationConnection | None:
    ctx, local = info.context, _enterprise_id(enterprise_id)
    if local is None:
        return None
    page = await ctx.use_cases.enterprises.members.list_member_invitations(ctx.principal, local, pending_only, first,
                                                                           after)
    return MemberInvitationConnection.of(page) if page is not None else None


async def member_invitation_node(info: Info, invitation_id: UUID) -> MemberInvitationType | None:
    ctx = info.context
    row = await ctx.use_cases.enterprises.members.get_member_invitation(ctx.principal, invitation_id)
    return MemberInvitationType.of(row) if row is not None else None
