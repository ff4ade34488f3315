"""§8.2.3 变更章面 for org seals: style, surrounding (arc) text and the 13-digit information code, by the enterprise's
admins, its legal rep or the seal's admin, confirmed with their own PIN. The face is always drawn by us from those
choices (an uploaded picture is refused: a filed seal's face is not free-form); the earlier face stays in the
history for signatures already made with it. Reached through ChangeSealFace, which hands org seals here."""

from __future__ import annotations

from application.audit import audit
from application.certificates.pin_gate import PinGate
from application.context import require_account
from application.ports import BlobStore, Clock, UnitOfWorkFactory
from application.seals.list_my_seals import SealView
from application.seals.org_seal_access import org_seal_for
from application.seals.org_seal_faces import store_face
from application.seals.personal_name_seal import PNG
from application.seals.ports import SealImages
from domain.errors import InvalidInput
from domain.seals.org_seal import apply_face, changed_face
from domain.seals.seal import SealFaceRequired


class ChangeOrgSealFace:
    def __init__(self, uow: UnitOfWorkFactory, gate: PinGate, images: SealImages, blobs: BlobStore,
                 clock: Clock) -> None:
        self._uow, self._gate, self._images, self._blobs, self._clock = uow, gate, images, blobs, clock

    async def __call__(self, cmd) -> SealView:  # cmd: application.seals.change_seal_face.ChangeSealFaceCommand
        p = require_account(cmd.principal)
        if cmd.image is not None:
            raise InvalidInput("机构印章的章面由系统按所选样式生成，不支持上传图片", field="image")
        if cmd.style is None and cmd.surrounding_text is None and cmd.info_code is None:
            raise SealFaceRequired("请选择印章样式或填写环绕文字、信息编码", field="style")
        async with self._uow() as uow:
            seal, _ = await org_seal_for(uow, p.id, cmd.seal_id, seal_admin_may=True)
        seal.ensure_usable(self._clock.now())
        face = changed_face(seal, cmd.style, cmd.surrounding_text, cmd.info_code)
        await self._gate.prove(p.id, cmd.pin)
        blob = await store_face(self._images, self._blobs, face)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                seal, _ = await org_seal_for(uow, p.id, cmd.seal_id, seal_admin_may=True)
                new_face = apply_face(seal, face, blob, PNG, now)
                uow.seals.add_face(new_face)
                audit(uow, "seal.face_changed", now, cmd.meta, account_id=p.id, seal=str(seal.id),
                      enterprise_id=str(seal.holder_enterprise_id), style=face.style.value,
                      info_code_set=face.info_code is not None)
                await uow.commit()
        except BaseException:
            await self._blobs.delete(blob)
            raise
        return SealView(seal, seal.status_at(now))
