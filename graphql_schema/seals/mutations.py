"""Seal mutations (§9.1): map input → command, call the use case, map the result → payload."""

from __future__ import annotations

import strawberry

from application.seals.capture_handwritten_signature import CaptureHandwrittenSignatureCommand
from application.seals.change_seal_face import ChangeSealFaceCommand
from application.seals.revoke_seal import RevokeSealCommand
from application.signing.cosigning import NeedsCoSignature
from domain.errors import NotFound
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id
from graphql_schema.identity.mutations import read_upload
from graphql_schema.seals import inputs as i
from graphql_schema.seals import types as t
from graphql_schema.signing.types import SigningRequestType, co_signature


def _seal_id(global_id: str):
    ref = from_global_id(global_id, "Seal")
    if ref is None:
        raise NotFound("印章不存在", field="sealId")
    return ref[1]


async def _close(upload) -> None:
    if hasattr(upload, "close"):
        await upload.close()


@strawberry.type
class SealMutations:
    @strawberry.mutation(description="§9.1 采集手写签名: an image of the handwritten signature; two calls (SPEC §C), "
                                     "the statement names the image by its SHA-256.")
    async def capture_handwritten_signature(self, info: Info, input: i.CaptureHandwrittenSignatureInput
                                            ) -> t.CaptureHandwrittenSignaturePayload:
        ctx = info.context
        uc = ctx.use_cases.capture_handwritten_signature

        async def act():
            image = await read_upload(input.image, "image", uc.upload_limit)
            r = await uc(CaptureHandwrittenSignatureCommand(
                ctx.principal, image, co_signature(input.co_signature), ctx.meta))
            if isinstance(r, NeedsCoSignature):
                return t.CaptureHandwrittenSignaturePayload(signing_request=SigningRequestType.one(r))
            return t.CaptureHandwrittenSignaturePayload(seal=t.SealType.of(r))
        try:
            return await run_mutation(t.CaptureHandwrittenSignaturePayload, act, input)
        finally:
            await _close(input.image)

    @strawberry.mutation(description="A personal seal's new face from a template style or an uploaded image; an "
                                     "org seal's (§8.2.3) from style, surroundingText and infoCode, by the "
                                     "enterprise's admins, legal rep or the seal admin. Two calls (SPEC §C); "
                                     "earlier faces stay for signatures already made.")
    async def change_seal_face(self, info: Info, input: i.ChangeSealFaceInput) -> t.ChangeSealFacePayload:
        ctx = info.context
        uc = ctx.use_cases.change_seal_face

        async def act():
            image = await read_upload(input.image, "image", uc.upload_limit) if input.image is not None else None
            r = await uc(ChangeSealFaceCommand(
                principal=ctx.principal, seal_id=_seal_id(input.seal_id), co_signature=co_signature(input.co_signature),
                style=input.style, image=image, surrounding_text=input.surrounding_text, info_code=input.info_code,
                meta=ctx.meta))
            if isinstance(r, NeedsCoSignature):
                return t.ChangeSealFacePayload(signing_request=SigningRequestType.one(r))
            return t.ChangeSealFacePayload(seal=t.SealType.of(r))
        try:
            return await run_mutation(t.ChangeSealFacePayload, act, input)
        finally:
            await _close(input.image)

    @strawberry.mutation(description="§9.1.3 / §8.2.4 注销印章: final, two calls (SPEC §C); the seal stays listed as "
                                     "invalid. An org seal is revoked by the enterprise's admins or legal rep and "
                                     "ends every grant that names it.")
    async def revoke_seal(self, info: Info, input: i.RevokeSealInput) -> t.RevokeSealPayload:
        ctx = info.context

        async def act():
            r = await ctx.use_cases.revoke_seal(RevokeSealCommand(
                ctx.principal, _seal_id(input.seal_id), co_signature(input.co_signature), ctx.meta))
            if isinstance(r, NeedsCoSignature):
                return t.RevokeSealPayload(signing_request=SigningRequestType.one(r))
            return t.RevokeSealPayload(seal=t.SealType.of(r))
        return await run_mutation(t.RevokeSealPayload, act, input)
