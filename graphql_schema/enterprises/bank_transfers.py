"""GraphQL of §5.1.2 bank transfer, §5.1.3 manual review and §8.6 information change: the blank letter to print,
the micro-deposit and its code, and the change request. Operators decide the resulting reviews with decideReview."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.file_uploads import Upload

from application.enterprises.confirm_bank_transfer import ConfirmBankTransferCommand
from application.enterprises.letter_template import PrepareLetterTemplateCommand
from application.enterprises.request_enterprise_change import RequestEnterpriseChangeCommand
from application.enterprises.start_bank_transfer import StartBankTransferCommand
from application.identity.submit_manual_verification import UploadedImage
from domain.enterprises.bank_transfer import BankTransfer, FailureReason, TransferPurpose, TransferStatus
from domain.enterprises.change import ChangeStatus, EnterpriseChange
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import Node, from_global_id, local_id, to_global_id
from graphql_schema.enterprises.types import AuthorizationLetterType, EnterpriseType

TransferStatusEnum = strawberry.enum(TransferStatus, name="BankTransferStatus")
TransferPurposeEnum = strawberry.enum(TransferPurpose, name="BankTransferPurpose")
FailureReasonEnum = strawberry.enum(FailureReason, name="BankTransferFailureReason")
ChangeStatusEnum = strawberry.enum(ChangeStatus, name="EnterpriseChangeStatus")



async def _read(upload, limit: int) -> UploadedImage | None:
    """At most limit+1 bytes, so the use case can tell a file too large without holding all of it."""
    if upload is None or not hasattr(upload, "read"):
        return None
    return UploadedImage(data=await upload.read(limit + 1), filename=getattr(upload, "filename", None))


async def _close(*uploads) -> None:
    for upload in uploads:
        if hasattr(upload, "close"):
            await upload.close()


@strawberry.type(name="BankTransfer", description="对公打款认证 (§5.1.2): one micro-deposit and its code, 72 h, 3 tries.")
class BankTransferType(Node):
    status: TransferStatusEnum  # type: ignore[valid-type]
    purpose: TransferPurposeEnum  # type: ignore[valid-type]
    account_number_masked: str
    bank_name: str
    expires_at: datetime
    attempts_left: int
    failure_reason: FailureReasonEnum | None  # type: ignore[valid-type]

    @classmethod
    def of(cls, t: BankTransfer) -> BankTransferType:
        return cls(id=to_global_id("BankTransfer", t.id), status=t.status, purpose=t.purpose,
                   account_number_masked=t.account_number_masked, bank_name=t.bank_name, expires_at=t.expires_at,
                   attempts_left=t.attempts_left, failure_reason=t.failure_reason)


@strawberry.type(name="EnterpriseChange", description="企业信息变更 (§8.6): a new name and/or legal rep, pending.")
class EnterpriseChangeType(Node):
    status: ChangeStatusEnum  # type: ignore[valid-type]
    new_name: str | None
    new_legal_rep_name: str | None
    created_at: datetime
    reason: str | None = strawberry.field(description="Why an operator rejected it.")

    @classmethod
    def of(cls, c: EnterpriseChange) -> EnterpriseChangeType:
        return cls(id=to_global_id("EnterpriseChange", c.id), status=c.status, new_name=c.new_name,
                   new_legal_rep_name=c.new_legal_rep_name, created_at=c.created_at, reason=c.reason)


async def _progress(info: Info, enterprise_global_id: str):
    ref = from_global_id(enterprise_global_id, "Enterprise")
    if ref is None:
        return None
    ctx = info.context
    return await ctx.use_cases.enterprises.transfers.certification_progress(ctx.principal, ref[1])


async def enterprise_open_transfer(info: Info, enterprise_global_id: str) -> BankTransferType | None:
    progress = await _progress(info, enterprise_global_id)
    return BankTransferType.of(progress[0]) if progress and progress[0] else None


async def enterprise_open_change(info: Info, enterprise_global_id: str) -> EnterpriseChangeType | None:
    progress = await _progress(info, enterprise_global_id)
    return EnterpriseChangeType.of(progress[1]) if progress and progress[1] else None


def _errors() -> list[UserError]:
    return []


@strawberry.type
class PrepareLetterTemplatePayload:
    letter: AuthorizationLetterType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class StartBankTransferVerificationPayload:
    transfer: BankTransferType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class ConfirmBankTransferPayload:
    transfer: BankTransferType | None = None
    enterprise: EnterpriseType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class RequestEnterpriseChangePayload:
    change: EnterpriseChangeType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.input
class PrepareLetterTemplateInput:
    enterprise_id: strawberry.ID
    new_name: str | None = strawberry.field(default=None, description="§8.6: the name the letter should show.")
    new_legal_rep_name: str | None = strawberry.field(default=None, description="§8.6: the new legal rep.")


@strawberry.input
class StartBankTransferVerificationInput:
    enterprise_id: strawberry.ID
    account_number: str = strawberry.field(description="The enterprise's corporate account (对公账号), digits.")
    bank_name: str = strawberry.field(description="The account's bank branch (开户行).")


@strawberry.input
class ConfirmBankTransferInput:
    transfer_id: strawberry.ID
    code: str = strawberry.field(description="The 6-digit code in the deposit's remark.")
    signed_letter: Upload = strawberry.field(description="The letter signed and stamped: PDF, JPEG or PNG, ≤ 5 MB.")


@strawberry.input
class RequestEnterpriseChangeInput:
    enterprise_id: strawberry.ID
    new_name: str | None = None
    new_legal_rep_name: str | None = strawberry.field(default=None, description="With newLegalRepIdNumber.")
    new_legal_rep_id_number: str | None = None
    business_licence: Upload = strawberry.field(description="The new licence: JPEG or PNG, at most 5 MB.")
    signed_letter: Upload = strawberry.field(description="The new letter signed and stamped: PDF, JPEG or PNG.")


@strawberry.type
class EnterpriseTransferMutations:
    @strawberry.mutation(description="§5.1.2 / §8.6 the blank authorisation letter naming the caller as agent, to print, "
                                     "sign and stamp; served at letter.documentUrl to the enterprise's members.")
    async def prepare_letter_template(self, info: Info, input: PrepareLetterTemplateInput
                                      ) -> PrepareLetterTemplatePayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            letter = await ctx.use_cases.enterprises.transfers.prepare_letter_template(PrepareLetterTemplateCommand(
                ctx.principal, enterprise_id, input.new_name, input.new_legal_rep_name, ctx.meta))
            return PrepareLetterTemplatePayload(letter=AuthorizationLetterType.of(letter))
        return await run_mutation(PrepareLetterTemplatePayload, act, input)

    @strawberry.mutation(description="§5.1.2 the ADMIN or legal rep asks for a micro-deposit to the corporate account; "
                                     "its remark carries the code for confirmBankTransfer.")
    async def start_bank_transfer_verification(self, info: Info, input: StartBankTransferVerificationInput
                                               ) -> StartBankTransferVerificationPayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            transfer = await ctx.use_cases.enterprises.transfers.start_bank_transfer(StartBankTransferCommand(
                ctx.principal, enterprise_id, input.account_number, input.bank_name, ctx.meta))
            return StartBankTransferVerificationPayload(transfer=BankTransferType.of(transfer))
        return await run_mutation(StartBankTransferVerificationPayload, act, input)

    @strawberry.mutation(description="§5.1.2 the code from the deposit and the signed letter: the review goes to an "
                                     "operator. A wrong code costs one of three tries; the answer then carries "
                                     "the error and the transfer as it stands (status, attemptsLeft).")
    async def confirm_bank_transfer(self, info: Info, input: ConfirmBankTransferInput) -> ConfirmBankTransferPayload:
        ctx = info.context
        uc = ctx.use_cases.enterprises.transfers.confirm_bank_transfer

        async def act():
            transfer_id = local_id(input.transfer_id, "BankTransfer", "transferId", "打款认证不存在")
            r = await uc(ConfirmBankTransferCommand(ctx.principal, transfer_id, input.code,
                                                    await _read(input.signed_letter, uc.upload_limit), ctx.meta))
            return ConfirmBankTransferPayload(transfer=BankTransferType.of(r.transfer),
                                              enterprise=EnterpriseType.of(r.enterprise, r.membership.role))
        try:
            payload = await run_mutation(ConfirmBankTransferPayload, act, input)
        finally:
            await _close(input.signed_letter)
        if payload.user_errors and (ref := from_global_id(input.transfer_id, "BankTransfer")) is not None:
            # A refused code answers the transfer as it now stands (status, attemptsLeft), not only a message;
            # to those who may not act on it, nothing, as for a transfer that does not exist.
            transfer = await ctx.use_cases.enterprises.transfers.bank_transfer_state(ctx.principal, ref[1])
            payload.transfer = BankTransferType.of(transfer) if transfer is not None else None
        return payload

    @strawberry.mutation(description="§8.6 a new name and/or legal rep for a certified enterprise, with the new licence "
                                     "and letter; then startBankTransferVerification and an operator's review.")
    async def request_enterprise_change(self, info: Info, input: RequestEnterpriseChangeInput
                                        ) -> RequestEnterpriseChangePayload:
        ctx = info.context
        uc = ctx.use_cases.enterprises.transfers.request_enterprise_change

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            change = await uc(RequestEnterpriseChangeCommand(
                ctx.principal, enterprise_id, input.new_name, input.new_legal_rep_name, input.new_legal_rep_id_number,
                await _read(input.business_licence, uc.upload_limit), await _read(input.signed_letter, uc.upload_limit),
                ctx.meta))
            return RequestEnterpriseChangePayload(change=EnterpriseChangeType.of(change))
        try:
            return await run_mutation(RequestEnterpriseChangePayload, act, input)
        finally:
            await _close(input.business_licence, input.signed_letter)
