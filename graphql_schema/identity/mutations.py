"""Real-name identity mutations (§4) and the operators' review decision."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.file_uploads import Upload

from application.identity.face_outcome import CompleteFaceVerificationCommand
from application.identity.reviews import DecideReviewCommand
from application.identity.start_id_card_verification import StartIdCardVerificationCommand
from application.identity.submit_manual_verification import SubmitManualVerificationCommand, UploadedImage
from domain.errors import FileTooLarge, InvalidImage, NotFound
from graphql_schema.accounts import types as at
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id
from graphql_schema.identity import types as t


@strawberry.input
class StartIdCardVerificationInput:
    legal_name: str
    id_number: str


@strawberry.input
class CompleteFaceVerificationInput:
    token: str


@strawberry.input
class SubmitManualVerificationInput:
    document_type: at.DocumentTypeEnum  # type: ignore[valid-type]
    legal_name: str
    document_number: str
    expires_on: date
    front_image: Upload
    back_image: Upload
    portrait_image: Upload


@strawberry.input
class DecideReviewInput:
    review_id: strawberry.ID
    approve: bool
    reason: str | None = None


async def read_upload(upload, field: str, limit: int) -> UploadedImage:
    """Reads at most limit+1 bytes: enough to know a file is too large without holding all of it.
    The caller closes the upload (the server spools it to a temporary file)."""
    if upload is None or not hasattr(upload, "read"):
        raise InvalidImage(field=field)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(f"图片不能超过 {limit // (1024 * 1024)}MB", field=field)
    return UploadedImage(data=data, filename=getattr(upload, "filename", None))


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(description="Mainland ID card: GB 11643 check, two-element check, then face liveness.")
    async def start_id_card_verification(self, info: Info, input: StartIdCardVerificationInput
                                         ) -> at.StartIdCardVerificationPayload:
        ctx = info.context

        async def act():
            r = await ctx.use_cases.start_id_card_verification(
                StartIdCardVerificationCommand(ctx.principal, input.legal_name, input.id_number, ctx.meta))
            ticket = at.FaceVerificationTicket(token=r.ticket.token, url=r.ticket.url, expires_at=r.ticket.expires_at)
            return at.StartIdCardVerificationPayload(face_verification=ticket, account=at.AccountType.of(r.view))
        return await run_mutation(at.StartIdCardVerificationPayload, act, input)

    @strawberry.mutation(description="Collect the face-liveness verdict (works whether or not the vendor's callback came first).")
    async def complete_face_verification(self, info: Info, input: CompleteFaceVerificationInput
                                         ) -> at.CompleteFaceVerificationPayload:
        ctx = info.context

        async def act():
            view = await ctx.use_cases.complete_face_verification(
                CompleteFaceVerificationCommand(ctx.principal, input.token, ctx.meta))
            return at.CompleteFaceVerificationPayload(account=at.AccountType.of(view))
        return await run_mutation(at.CompleteFaceVerificationPayload, act, input)

    @strawberry.mutation(description="Other documents (§4.2): three photos (JPEG/PNG, ≤ 5 MB each) for manual review.")
    async def submit_manual_verification(self, info: Info, input: SubmitManualVerificationInput
                                         ) -> t.SubmitManualVerificationPayload:
        ctx = info.context
        limit = ctx.use_cases.submit_manual_verification.upload_limit

        async def act():
            cmd = SubmitManualVerificationCommand(
                principal=ctx.principal, document_type=input.document_type, legal_name=input.legal_name,
                document_number=input.document_number, expires_on=input.expires_on,
                front=await read_upload(input.front_image, "frontImage", limit),
                back=await read_upload(input.back_image, "backImage", limit),
                portrait=await read_upload(input.portrait_image, "portraitImage", limit),
                meta=ctx.meta)
            r = await ctx.use_cases.submit_manual_verification(cmd)
            return t.SubmitManualVerificationPayload(review=t.ReviewType.of(r.review), account=at.AccountType.of(r.view))
        try:
            return await run_mutation(t.SubmitManualVerificationPayload, act, input)
        finally:
            # Uploads not reached because an earlier one was refused are closed too.
            for upload in (input.front_image, input.back_image, input.portrait_image):
                if hasattr(upload, "close"):
                    await upload.close()

    @strawberry.mutation(description="Operators: approve, or reject with a reason; the person is told by SMS.")
    async def decide_review(self, info: Info, input: DecideReviewInput) -> t.DecideReviewPayload:
        ctx = info.context

        async def act():
            ref = from_global_id(input.review_id, "Review")
            if ref is None:
                raise NotFound("审核不存在", field="reviewId")
            review = await ctx.use_cases.decide_review(
                DecideReviewCommand(ctx.principal, ref[1], input.approve, input.reason, ctx.meta))
            return t.DecideReviewPayload(review=t.ReviewType.of(review))
        return await run_mutation(t.DecideReviewPayload, act, input)
