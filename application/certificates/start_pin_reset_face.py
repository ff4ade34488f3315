"""StartPinResetFace (§9.3 忘记证书密码): face liveness against the verified identity, the first half of
a signing-key reset (SPEC §C); resetSigningKey takes the passed token with an SMS code and a new device share."""

from __future__ import annotations

from dataclasses import dataclass

from application.audit import audit
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.identity.evidence import EvidenceSealer
from application.ports import (
    Clock,
    ExternalServiceUnavailable,
    FaceSessionTicket,
    FaceVerifier,
    UnitOfWorkFactory,
)
from domain.errors import ServiceUnavailable
from domain.identity.documents import DocumentType
from domain.identity.face import FaceCheck, FacePurpose
from domain.signing.signing_key import SigningKeyRequired


@dataclass(frozen=True)
class StartPinResetFaceCommand:
    principal: Principal | None
    meta: RequestMeta | None = None


class StartPinResetFace:
    def __init__(self, uow: UnitOfWorkFactory, faces: FaceVerifier, sealer: EvidenceSealer, clock: Clock) -> None:
        self._uow, self._faces, self._sealer, self._clock = uow, faces, sealer, clock

    async def __call__(self, cmd: StartPinResetFaceCommand) -> FaceSessionTicket:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            identity = await verified_identity(uow, p.id)
            if await uow.signing_keys.live_for(p.id) is None:
                raise SigningKeyRequired("尚未启用签名密钥，无需重置")
        number = None
        if identity.document_type is DocumentType.ID_CARD and identity.number_ciphertext:
            number = self._sealer.reveal_number(p.id, identity.number_ciphertext)
        try:
            ticket = await self._faces.start(legal_name=identity.legal_name or "", id_number=number,
                                             purpose=FacePurpose.PIN_RESET)
        except ExternalServiceUnavailable:
            raise ServiceUnavailable("人脸核验服务暂不可用，请稍后重试") from None
        async with self._uow() as uow:
            now = self._clock.now()
            uow.face_checks.add(FaceCheck(token=ticket.token, account_id=p.id, purpose=FacePurpose.PIN_RESET,
                                          created_at=now, expires_at=ticket.expires_at, url=ticket.url,
                                          subject_key=identity.number_index))
            audit(uow, "certificate_pin.reset_face_started", now, cmd.meta, account_id=p.id)
            await uow.commit()
        return ticket
