"""§8.2.3 变更章面 for org seals: style, surrounding (arc) text and the 13-digit information code, by the enterprise's
admins, its legal rep or the seal's admin, approved by their own co-signature (two calls, SPEC §C). The face is
always drawn by us from those choices (an uploaded picture is refused: a filed seal's face is not free-form); the
earlier face stays in the history for signatures already made with it. Reached through ChangeSealFace, which hands
org seals here."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from application.audit import audit
from application.context import require_account
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory
from application.seals.list_my_seals import SealView
from application.seals.org_seal_access import org_seal_for
from application.seals.org_seal_faces import store_face
from application.seals.personal_name_seal import PNG
from application.seals.ports import SealImages
from application.seals.seal_acts import change_face_act
from application.signing.cosigning import CoSigning, NeedsCoSignature, live_key
from domain.errors import InvalidInput
from domain.seals.org_seal import OrgSealFaceSpec, apply_face, changed_face
from domain.seals.seal import Seal, SealFaceRequired

if TYPE_CHECKING:  # the command lives with ChangeSealFace, which imports this module
    from application.seals.change_seal_face import ChangeSealFaceCommand


class ChangeOrgSealFace:
    def __init__(self, uow: UnitOfWorkFactory, cosigning: CoSigning, images: SealImages, blobs: BlobStore,
                 clock: Clock) -> None:
        self._uow, self._cosigning, self._images, self._blobs, self._clock = uow, cosigning, images, blobs, clock

    async def _check(self, uow: UnitOfWork, account_id: UUID, cmd: ChangeSealFaceCommand
                     ) -> tuple[Seal, OrgSealFaceSpec]:
        """Everything that can be refused without the co-signature, so no attempt is spent on it."""
        if cmd.image is not None:
            raise InvalidInput("机构印章的章面由系统按所选样式生成，不支持上传图片", field="image")
        if cmd.style is None and cmd.surrounding_text is None and cmd.info_code is None:
            raise SealFaceRequired("请选择印章样式或填写环绕文字、信息编码", field="style")
        seal, _ = await org_seal_for(uow, account_id, cmd.seal_id, seal_admin_may=True)
        seal.ensure_usable(self._clock.now())
        face = changed_face(seal, cmd.style, cmd.surrounding_text, cmd.info_code)
        await live_key(uow, account_id)
        return seal, face

    async def __call__(self, cmd: ChangeSealFaceCommand) -> SealView | NeedsCoSignature:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            seal, _ = await self._check(uow, p.id, cmd)
            act = change_face_act(cmd, seal.name)
            if cmd.co_signature is None:
                return await self._cosigning.first_call(uow, p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        async with self._uow() as uow:
            # Drawn from the seal as it is now: what is not given stays as the seal has it.
            seal, face = await self._check(uow, p.id, cmd)
        blob = await store_face(self._images, self._blobs, face)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                seal, _ = await org_seal_for(uow, p.id, cmd.seal_id, seal_admin_may=True)
                new_face = apply_face(seal, face, blob, PNG, now)  # revoked meanwhile: refused
                uow.seals.add_face(new_face)
                audit(uow, "seal.face_changed", now, cmd.meta, account_id=p.id, seal=str(seal.id),
                      enterprise_id=str(seal.holder_enterprise_id), style=face.style.value,
                      info_code_set=face.info_code is not None, evidence=approval.evidence())
                await uow.commit()
        except BaseException:
            await self._blobs.delete(blob)
            raise
        return SealView(seal, seal.status_at(now))
