"""§8.4 管理员转授 over GraphQL: requestAdminTransfer (the admin picks a member) and approveAdminTransfer (the
legal rep signs the transfer letter). Resolvers map input → command → payload; the use cases decide."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from application.enterprises.approve_admin_transfer import ApproveAdminTransferCommand
from application.enterprises.request_admin_transfer import RequestAdminTransferCommand
from domain.enterprises.admin_transfer import AdminTransfer, AdminTransferStatus
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import Node, local_id, to_global_id
from graphql_schema.enterprises.mutations import _appearance
from graphql_schema.enterprises.types import EnterpriseType

AdminTransferStatusEnum = strawberry.enum(AdminTransferStatus, name="AdminTransferStatus")



def transfer_letter_url(transfer_id: UUID, *, signed: bool = False) -> str:
    # Served beside the authorisation letters (/files/letters); the global ID's type tells them apart.
    return f"/files/letters/{to_global_id('AdminTransferLetter', transfer_id)}" + ("/signed" if signed else "")


@strawberry.type(name="AdminTransferLetter",
                 description="管理员变更授权书 (§8.4), signed by the legal rep. Its files are served to members only.")
class AdminTransferLetterType(Node):
    document_url: str
    sha256: str = strawberry.field(description="SHA-256 (hex) of the unsigned PDF.")
    signed_document_url: str | None
    signed_at: datetime | None

    @classmethod
    def of(cls, t: AdminTransfer) -> AdminTransferLetterType:
        return cls(id=to_global_id("AdminTransferLetter", t.id), document_url=transfer_letter_url(t.id),
                   sha256=t.letter_sha256,
                   signed_document_url=transfer_letter_url(t.id, signed=True) if t.is_signed else None,
                   signed_at=t.signed_at)


@strawberry.type(name="AdminTransfer", description="管理员转授 (§8.4): admin moves once the legal rep signs.")
class AdminTransferType(Node):
    status: AdminTransferStatusEnum  # type: ignore[valid-type]
    letter: AdminTransferLetterType
    requested_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, t: AdminTransfer) -> AdminTransferType:
        return cls(id=to_global_id("AdminTransfer", t.id), status=t.status, letter=AdminTransferLetterType.of(t),
                   requested_at=t.requested_at, expires_at=t.expires_at)


@strawberry.input
class RequestAdminTransferInput:
    enterprise_id: strawberry.ID
    to_member_id: strawberry.ID = strawberry.field(description="The member (Member ID) who becomes admin.")


@strawberry.input
class ApproveAdminTransferInput:
    transfer_id: strawberry.ID
    appearance_id: strawberry.ID = strawberry.field(description="One of the caller's signature appearances.")
    sms_code: str = strawberry.field(description="A code of purpose SIGN sent to the caller's phone.")


def _errors() -> list[UserError]:
    return []


@strawberry.type
class RequestAdminTransferPayload:
    transfer: AdminTransferType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class ApproveAdminTransferPayload:
    transfer: AdminTransferType | None = None
    enterprise: EnterpriseType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class AdminTransferMutations:
    @strawberry.mutation(description="§8.4 the admin (or the legal rep) picks a member to become admin; the "
                                     "transfer letter is rendered and waits for the legal rep's signature.")
    async def request_admin_transfer(self, info: Info, input: RequestAdminTransferInput
                                     ) -> RequestAdminTransferPayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            member_id = local_id(input.to_member_id, "Member", "toMemberId", "该成员不在本企业中")
            r = await ctx.use_cases.enterprises.request_admin_transfer(RequestAdminTransferCommand(
                ctx.principal, enterprise_id, member_id, ctx.meta))
            return RequestAdminTransferPayload(transfer=AdminTransferType.of(r.transfer))
        return await run_mutation(RequestAdminTransferPayload, act, input)

    @strawberry.mutation(description="§8.4 the legal rep signs the transfer letter (SMS code, purpose SIGN); the "
                                     "requesting admin becomes a member and the chosen member the admin.")
    async def approve_admin_transfer(self, info: Info, input: ApproveAdminTransferInput
                                     ) -> ApproveAdminTransferPayload:
        ctx = info.context

        async def act():
            transfer_id = local_id(input.transfer_id, "AdminTransfer", "transferId", "管理员转授不存在")
            r = await ctx.use_cases.enterprises.approve_admin_transfer(ApproveAdminTransferCommand(
                ctx.principal, transfer_id, _appearance(input.appearance_id), input.sms_code, ctx.meta))
            return ApproveAdminTransferPayload(transfer=AdminTransferType.of(r.transfer),
                                               enterprise=EnterpriseType.of(r.enterprise, r.membership.role))
        return await run_mutation(ApproveAdminTransferPayload, act, input)
