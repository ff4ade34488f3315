"""StartIdCardVerification (§4.1): GB 11643 check, two-element check, then face liveness."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.get_me import AccountView, load_account_view
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.identity.evidence import EvidenceSealer, ensure_may_claim, identity_of
from application.ports import (
    Clock,
    ExternalServiceUnavailable,
    FaceSessionTicket,
    FaceVerifier,
    IdentityCheckResult,
    IdentityVerifier,
    UnitOfWorkFactory,
)
from domain.errors import IdentityMismatch, ServiceUnavailable
from domain.identity.documents import DocumentType, normalize_legal_name
from domain.identity.face import FaceCheck, FacePurpose
from domain.identity.id_number import IdNumber


@dataclass(frozen=True)
class StartIdCardVerificationCommand:
    principal: Principal | None
    legal_name: str
    id_number: str
    meta: RequestMeta


@dataclass(frozen=True)
class FaceVerificationStarted:
    ticket: FaceSessionTicket
    view: AccountView


class StartIdCardVerification:
    def __init__(self, uow: UnitOfWorkFactory, identities: IdentityVerifier, faces: FaceVerifier,
                 sealer: EvidenceSealer, clock: Clock) -> None:
        self._uow, self._identities, self._faces, self._sealer, self._clock = uow, identities, faces, sealer, clock

    async def __call__(self, cmd: StartIdCardVerificationCommand) -> FaceVerificationStarted:
        p = require_account(cmd.principal)
        name = normalize_legal_name(cmd.legal_name)
        number = IdNumber.parse(cmd.id_number).value
        key = self._sealer.document_key(DocumentType.ID_CARD, number)
        async with self._uow() as uow:
            await ensure_may_claim(uow, p.id, key, "idNumber")

        # Outside services are called outside any transaction: no connection is held while they think.
        try:
            verdict = await self._identities.check(name, number)
        except ExternalServiceUnavailable:
            await self._audit_failure(cmd, p, "service_unavailable")
            raise ServiceUnavailable("身份核验服务暂不可用，请稍后重试")
        if verdict is not IdentityCheckResult.MATCH:
            await self._audit_failure(cmd, p, "mismatch")
            raise IdentityMismatch(field="idNumber")
        try:
            ticket = await self._faces.start(legal_name=name, id_number=number, purpose=FacePurpose.REAL_NAME)
        except ExternalServiceUnavailable:
            await self._audit_failure(cmd, p, "face_unavailable")
            raise ServiceUnavailable("人脸核验服务暂不可用，请稍后重试")

        async with self._uow() as uow:
            now = self._clock.now()
            identity = await identity_of(uow, p.id)
            evidence = self._sealer.seal(p.id, DocumentType.ID_CARD, name, number)
            check = FaceCheck(token=ticket.token, account_id=p.id, purpose=FacePurpose.REAL_NAME, created_at=now,
                              expires_at=ticket.expires_at, url=ticket.url, subject_key=evidence.number_index)
            identity.start_face(evidence, now, check.id)
            uow.face_checks.add(check)
            audit(uow, "identity.two_element_check", now, cmd.meta, account_id=p.id)
            await uow.commit()
        async with self._uow() as uow:
            return FaceVerificationStarted(ticket, await load_account_view(uow, p.id))

    async def _audit_failure(self, cmd: StartIdCardVerificationCommand, p: Principal, reason: str) -> None:
        async with self._uow() as uow:
            audit(uow, "identity.two_element_check", self._clock.now(), cmd.meta, ok=False, account_id=p.id,
                  reason=reason)
            await uow.commit()
