"""ChangeSealFace (§8.2.3, §9.1): a personal name seal takes a new face from a template style or an uploaded image,
approved by the holder's co-signature (two calls, SPEC §C). The earlier face stays in the history for signatures
already made with it. Org seals go to ChangeOrgSealFace (§8.2.3: style, surrounding text, information code)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.identity.submit_manual_verification import UploadedImage
from application.ports import BlobStore, Clock, ImageInspector, UnitOfWork, UnitOfWorkFactory
from application.seals.change_org_seal_face import ChangeOrgSealFace
from application.seals.list_my_seals import SealView, own_seal
from application.seals.personal_name_seal import PNG
from application.seals.ports import SealImages
from application.seals.seal_acts import change_face_act
from application.seals.uploads import CleanUpload, checked_image
from application.signing.cosigning import CoSigning, NeedsCoSignature, live_key
from domain.errors import InvalidInput
from domain.seals.seal import (
    PERSONAL_STYLES,
    FaceSource,
    OrgSealsNotAvailable,
    Seal,
    SealFaceRequired,
    SealKind,
    SealStyle,
    SealStyleNotAllowed,
)
from domain.signing.cosignature import CoSignature


@dataclass(frozen=True)
class ChangeSealFaceCommand:
    principal: Principal | None
    seal_id: UUID
    co_signature: CoSignature | None = None
    style: SealStyle | None = None
    image: UploadedImage | None = None
    surrounding_text: str | None = None
    info_code: str | None = None
    meta: RequestMeta | None = None


class ChangeSealFace:
    def __init__(self, uow: UnitOfWorkFactory, cosigning: CoSigning, images: SealImages, inspector: ImageInspector,
                 blobs: BlobStore, clock: Clock, upload_limit: int) -> None:
        self._uow, self._cosigning, self._images, self._inspector = uow, cosigning, images, inspector
        self._blobs, self._clock, self.upload_limit = blobs, clock, upload_limit
        self._org = ChangeOrgSealFace(uow, cosigning, images, blobs, clock)

    async def _check(self, uow: UnitOfWork, account_id: UUID, cmd: ChangeSealFaceCommand
                     ) -> tuple[Seal, CleanUpload | None]:
        """Everything that can be refused without the co-signature, so no attempt is spent on it."""
        seal = await own_seal(uow, account_id, cmd.seal_id)
        if not seal.kind.is_personal:
            raise OrgSealsNotAvailable("机构印章的印模变更将随企业印章功能开放", field="sealId")
        seal.ensure_usable(self._clock.now())
        if cmd.surrounding_text:
            raise InvalidInput("个人印章不支持环绕文字", field="surroundingText")
        if cmd.info_code:
            raise InvalidInput("个人印章不支持防伪编码", field="infoCode")
        if cmd.style is None and cmd.image is None:
            raise SealFaceRequired(field="style")
        if cmd.style is not None and cmd.image is not None:
            raise InvalidInput("请选择印章样式或上传图片，二者选一", field="image")
        if cmd.style is not None and (seal.kind is not SealKind.PERSONAL_NAME or cmd.style not in PERSONAL_STYLES):
            raise SealStyleNotAllowed(field="style")
        upload = checked_image(self._inspector, cmd.image, self.upload_limit, "image") if cmd.image else None
        await live_key(uow, account_id)
        return seal, upload

    async def __call__(self, cmd: ChangeSealFaceCommand) -> SealView | NeedsCoSignature:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            found = await uow.seals.get(cmd.seal_id)
        if found is not None and found.is_org:
            return await self._org(cmd)
        async with self._uow() as uow:
            seal, upload = await self._check(uow, p.id, cmd)
            act = change_face_act(cmd, seal.name)
            if cmd.co_signature is None:
                return await self._cosigning.first_call(uow, p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        if cmd.style is not None:
            data, content_type, source = self._images.personal_seal(seal.name, cmd.style), PNG, FaceSource.TEMPLATE
        else:
            assert upload is not None  # the act co-signed is over the image as sent; what is kept is re-encoded
            data, content_type, source = upload.data, upload.content_type, FaceSource.UPLOAD
        blob = await self._blobs.put(data, content_type)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                seal = await own_seal(uow, p.id, cmd.seal_id)
                face = seal.change_face(blob, content_type, source, cmd.style, now)  # revoked meanwhile: refused
                uow.seals.add_face(face)
                audit(uow, "seal.face_changed", now, cmd.meta, account_id=p.id, seal=str(seal.id),
                      source=source.value, evidence=approval.evidence())
                await uow.commit()
        except BaseException:
            await self._blobs.delete(blob)  # a picture no committed face points at is not kept
            raise
        return SealView(seal, seal.status_at(now))
