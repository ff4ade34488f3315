"""CaptureHandwrittenSignature (§9.1 采集手写签名): an image of the person's handwritten signature, approved by the
person's co-signature (two calls, SPEC §C: the first answers a signing request over a statement naming the image
by its SHA-256, the second brings the co-signature). Capturing again gives the same signature a new face (the old
one is kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.audit import audit
from application.certificates.personal import current_personal_pair, verified_identity
from application.context import Principal, RequestMeta, require_account
from application.identity.submit_manual_verification import UploadedImage
from application.ports import BlobStore, Clock, ImageInspector, UnitOfWork, UnitOfWorkFactory
from application.seals.list_my_seals import SealView
from application.seals.seal_acts import capture_handwritten_act
from application.seals.uploads import CleanUpload, checked_image
from application.signing.cosigning import CoSigning, NeedsCoSignature, live_key
from domain.identity.identity import Identity
from domain.seals.seal import FaceSource, Seal, SealKind
from domain.signing.cosignature import CoSignature

DEFAULT_VALIDITY = timedelta(days=365)


@dataclass(frozen=True)
class CaptureHandwrittenSignatureCommand:
    principal: Principal | None
    image: UploadedImage | None
    co_signature: CoSignature | None = None
    meta: RequestMeta | None = None


class CaptureHandwrittenSignature:
    def __init__(self, uow: UnitOfWorkFactory, cosigning: CoSigning, inspector: ImageInspector, blobs: BlobStore,
                 clock: Clock, upload_limit: int) -> None:
        self._uow, self._cosigning, self._inspector, self._blobs = uow, cosigning, inspector, blobs
        self._clock, self.upload_limit = clock, upload_limit

    async def _check(self, uow: UnitOfWork, account_id: UUID, cmd: CaptureHandwrittenSignatureCommand
                     ) -> tuple[Identity, CleanUpload]:
        """Everything that can be refused without the co-signature, so no attempt is spent on it."""
        identity = await verified_identity(uow, account_id)
        upload = checked_image(self._inspector, cmd.image, self.upload_limit, "image")
        await live_key(uow, account_id)
        return identity, upload

    async def __call__(self, cmd: CaptureHandwrittenSignatureCommand) -> SealView | NeedsCoSignature:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            identity, upload = await self._check(uow, p.id, cmd)
            assert cmd.image is not None  # checked_image refused otherwise
            act = capture_handwritten_act(cmd.image.data, identity.legal_name)
            if cmd.co_signature is None:
                return await self._cosigning.first_call(uow, p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        # The act co-signed is over the image as sent (what the phone showed); what is kept is re-encoded.
        content_type = upload.content_type
        blob = await self._blobs.put(upload.data, content_type)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                current = next((s for s in reversed(await uow.seals.for_account(p.id))
                                if s.kind is SealKind.HANDWRITTEN and s.is_usable(now)), None)
                if current is not None:
                    face = current.change_face(blob, content_type, FaceSource.UPLOAD, None, now)
                    seal = current
                else:
                    signing, _ = await current_personal_pair(uow, p.id, now)
                    valid_until = signing.not_after if signing is not None else now + DEFAULT_VALIDITY
                    seal, face = Seal.made(kind=SealKind.HANDWRITTEN, name=identity.legal_name or "手写签名",
                                           holder_account_id=p.id, face_blob=blob, content_type=content_type,
                                           source=FaceSource.UPLOAD, style=None, now=now, valid_until=valid_until)
                    uow.seals.add(seal)
                uow.seals.add_face(face)
                audit(uow, "seal.handwritten_captured", now, cmd.meta, account_id=p.id, seal=str(seal.id),
                      evidence=approval.evidence())
                await uow.commit()
        except BaseException:
            await self._blobs.delete(blob)  # a picture no committed face points at is not kept
            raise
        return SealView(seal, seal.status_at(now))
