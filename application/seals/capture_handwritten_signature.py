"""CaptureHandwrittenSignature (§9.1 采集手写签名): an image of the person's handwritten signature,
confirmed with the PIN. Capturing again gives the same signature a new face (the old one is kept)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.audit import audit
from application.certificates.personal import current_personal_pair, verified_identity
from application.certificates.pin_gate import PinGate
from application.context import Principal, RequestMeta, require_account
from application.identity.submit_manual_verification import UploadedImage
from application.ports import BlobStore, Clock, ImageInspector, UnitOfWorkFactory
from application.seals.list_my_seals import SealView
from application.seals.uploads import checked_image
from domain.seals.seal import FaceSource, Seal, SealKind

DEFAULT_VALIDITY = timedelta(days=365)


@dataclass(frozen=True)
class CaptureHandwrittenSignatureCommand:
    principal: Principal | None
    image: UploadedImage | None
    pin: str
    meta: RequestMeta | None = None


class CaptureHandwrittenSignature:
    def __init__(self, uow: UnitOfWorkFactory, gate: PinGate, inspector: ImageInspector, blobs: BlobStore,
                 clock: Clock, upload_limit: int) -> None:
        self._uow, self._gate, self._inspector, self._blobs = uow, gate, inspector, blobs
        self._clock, self.upload_limit = clock, upload_limit

    async def __call__(self, cmd: CaptureHandwrittenSignatureCommand) -> SealView:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            identity = await verified_identity(uow, p.id)
        content_type = checked_image(self._inspector, cmd.image, self.upload_limit, "image")
        await self._gate.prove(p.id, cmd.pin)
        assert cmd.image is not None
        blob = await self._blobs.put(cmd.image.data, content_type)
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
            audit(uow, "seal.handwritten_captured", now, cmd.meta, account_id=p.id, seal=str(seal.id))
            await uow.commit()
        return SealView(seal, seal.status_at(now))
