"""§8.4 管理员转授 over GraphQL: requestAdminTransfer (the admin picks a member), approveAdminTransfer (the legal rep
signs the transfer letter), and where the people concerned find a transfer: node(AdminTransfer), the approval link
and QR code of the legal rep's SMS, and Enterprise.adminTransfers(pendingOnly). Resolvers map input → command →
payload; the use cases decide."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry

from application.enterprises.admin_transfer_queries import AdminTransferView
from application.enterprises.approve_admin_transfer import ApproveAdminTransferCommand
from application.enterprises.request_admin_transfer import RequestAdminTransferCommand, approval_url
from domain.enterprises.admin_transfer import AdminTransfer, AdminTransferStatus
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.links import LINK_NOTE, signed_file_link
from graphql_schema.common.lists import list_connection
from graphql_schema.common.node import Node, from_global_id, local_id, to_global_id
from graphql_schema.enterprises.mutations import _appearance
from graphql_schema.enterprises.types import EnterpriseType

AdminTransferStatusEnum = strawberry.enum(AdminTransferStatus, name="AdminTransferStatus", description=(
    "PENDING (waiting for the legal rep's signature) → APPROVED (the roles swapped); EXPIRED after 7 days unsigned; "
    "CANCELLED when the roles moved before signing (the giver no longer admin, the receiver gone or admin already)."))


def transfer_letter_url(transfer_id: UUID, *, signed: bool = False) -> str:
    # Served beside the authorisation letters (/files/letters); the global ID's type tells them apart.
    return f"/files/letters/{to_global_id('AdminTransferLetter', transfer_id)}" + ("/signed" if signed else "")


@strawberry.type(name="AdminTransferLetter",
                 description="管理员变更授权书 (§8.4), signed by the legal rep. Its files are served to those who see "
                             "the transfer: the admin, the legal rep, the member giving admin and the one receiving "
                             "it.")
class AdminTransferLetterType(Node):
    document_url: str = strawberry.field(extensions=signed_file_link(), description="The letter (PDF)." + LINK_NOTE)
    sha256: str = strawberry.field(description="SHA-256 (hex) of the unsigned PDF.")
    signed_document_url: str | None = strawberry.field(
        extensions=signed_file_link(), description="The letter with the legal rep's signature." + LINK_NOTE)
    signed_at: datetime | None

    @classmethod
    def of(cls, t: AdminTransfer) -> AdminTransferLetterType:
        return cls(id=to_global_id("AdminTransferLetter", t.id), document_url=transfer_letter_url(t.id),
                   sha256=t.letter_sha256,
                   signed_document_url=transfer_letter_url(t.id, signed=True) if t.is_signed else None,
                   signed_at=t.signed_at)


@strawberry.type(name="AdminTransfer", description="管理员转授 (§8.4): admin moves once the legal rep signs. Seen by "
                                                     "the enterprise's admin and legal rep and by the members giving "
                                                     "and receiving admin; null to anyone else.")
class AdminTransferType(Node):
    status: AdminTransferStatusEnum  # type: ignore[valid-type]
    letter: AdminTransferLetterType
    requested_at: datetime
    expires_at: datetime
    from_admin_name: str = strawberry.field(description="The admin giving admin away, as printed on the letter.")
    to_admin_name: str = strawberry.field(description="The member receiving admin, as printed on the letter.")
    approval_url: str | None = strawberry.field(description="The link the legal rep signs at, sent to him by SMS "
                                                            "(while PENDING).")
    approval_qr_content: str | None = strawberry.field(description="The same link as the content of a QR code the "
                                                                   "requester can show the legal rep.")
    closed_at: datetime | None = strawberry.field(description="When it was approved, expired or cancelled.")
    enterprise_id: strawberry.Private[UUID]

    @strawberry.field(description="The enterprise, while the caller is one of its members.")
    async def enterprise(self, info: Info) -> EnterpriseType | None:
        from graphql_schema.enterprises.queries import enterprise_node

        return await enterprise_node(info, self.enterprise_id)

    @classmethod
    def of(cls, t: AdminTransfer, info: Info, status: AdminTransferStatus | None = None) -> AdminTransferType:
        status = status or t.status
        url = (approval_url(info.context.use_cases.commerce.base_url, t.id)
               if status is AdminTransferStatus.PENDING else None)
        return cls(id=to_global_id("AdminTransfer", t.id), status=status, letter=AdminTransferLetterType.of(t),
                   requested_at=t.requested_at, expires_at=t.expires_at, from_admin_name=t.from_admin_name,
                   to_admin_name=t.to_admin_name, approval_url=url, approval_qr_content=url, closed_at=t.closed_at,
                   enterprise_id=t.enterprise_id)

    @classmethod
    def of_view(cls, v: AdminTransferView, info: Info) -> AdminTransferType:
        return cls.of(v.transfer, info, v.status)


async def admin_transfer_node(info: Info, transfer_id: UUID) -> AdminTransferType | None:
    """node(id): what the legal rep opens from the link of his SMS; the people the transfer concerns see it."""
    ctx = info.context
    v = await ctx.use_cases.enterprises.get_admin_transfer(ctx.principal, transfer_id)
    return AdminTransferType.of_view(v, info) if v is not None else None


async def enterprise_admin_transfers(info: Info, enterprise_global_id: str, pending_only: bool
                                     ) -> list[AdminTransferType]:
    ref = from_global_id(enterprise_global_id, "Enterprise")
    if ref is None:
        return []
    ctx = info.context
    found = await ctx.use_cases.enterprises.list_enterprise_admin_transfers(ctx.principal, ref[1],
                                                                            pending_only=pending_only)
    return [AdminTransferType.of_view(v, info) for v in found]


AdminTransferConnection, _transfer_page = list_connection(AdminTransferType, "AdminTransfer")


async def enterprise_admin_transfers_connection(info: Info, enterprise_global_id: str, pending_only: bool, first: int,
                                                after: str | None):
    return _transfer_page(await enterprise_admin_transfers(info, enterprise_global_id, pending_only),
                          lambda t: (t.requested_at, str(t.id)), first, after)


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
                                     "transfer letter is rendered and waits for the legal rep's signature. The legal "
                                     "rep hears of it by SMS with approvalUrl (also approvalQrContent).")
    async def request_admin_transfer(self, info: Info, input: RequestAdminTransferInput
                                     ) -> RequestAdminTransferPayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            member_id = local_id(input.to_member_id, "Member", "toMemberId", "该成员不在本企业中")
            r = await ctx.use_cases.enterprises.request_admin_transfer(RequestAdminTransferCommand(
                ctx.principal, enterprise_id, member_id, ctx.meta))
            return RequestAdminTransferPayload(transfer=AdminTransferType.of(r.transfer, info))
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
            return ApproveAdminTransferPayload(transfer=AdminTransferType.of(r.transfer, info),
                                               enterprise=EnterpriseType.of(r.enterprise, r.membership.role))
        return await run_mutation(ApproveAdminTransferPayload, act, input)
