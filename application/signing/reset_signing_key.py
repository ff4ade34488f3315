"""ResetSigningKey (§9.3 忘记证书密码, SPEC §C): a forgotten PIN or a LOCKED key is replaced after an SMS code and
a passed, fresh face liveness check of the verified person, with a new device share. The old key becomes
REPLACED, its certificates are revoked (SUPERSEDED) and every active personal pair gets a signing certificate
over the new key; the escrowed encryption keys stay, so bids encrypted to them still open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.personal import verified_identity
from application.certificates.ports import CertificateAuthority
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, ExternalServiceUnavailable, FaceVerifier, SecretHasher, UnitOfWorkFactory
from application.signing.enroll_signing_key import EnrolledKey, device_share
from application.signing.ports import CoSigningHsm
from application.signing.recertify import recertify
from domain.accounts.sms import SmsPurpose
from domain.errors import (
    Conflict,
    FaceFailed,
    FacePending,
    FaceTokenInvalid,
    ServiceUnavailable,
    Unauthenticated,
)
from domain.identity.face import FaceCheckStatus, FacePurpose
from domain.signing.signing_key import SigningKey, SigningKeyRequired

FACE_FRESHNESS = timedelta(minutes=15)


@dataclass(frozen=True)
class ResetSigningKeyCommand:
    principal: Principal | None
    sms_code: str
    face_token: str
    device_public_share: str
    meta: RequestMeta | None = None


class ResetSigningKey:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, faces: FaceVerifier, hsm: CoSigningHsm,
                 ca: CertificateAuthority, hasher: SecretHasher, clock: Clock) -> None:
        self._uow, self._codes, self._faces, self._hsm = uow, codes, faces, hsm
        self._ca, self._hasher, self._clock = ca, hasher, clock

    async def __call__(self, cmd: ResetSigningKeyCommand) -> EnrolledKey:
        p = require_account(cmd.principal)
        share = device_share(cmd.device_public_share)
        token = (cmd.face_token or "").strip()
        if not token or len(token) > 128:
            raise FaceTokenInvalid(field="faceToken")
        old_id = await self._passed_face(p.id, token)
        enrolled = self._hsm.enrol(p.id, share)
        async with self._uow() as uow:
            account = await uow.accounts.get(p.id)
            if account is None or not account.is_active:
                raise Unauthenticated("账号不存在或已注销")
            old = await uow.signing_keys.live_for(p.id)
            if old is None or old.id != old_id:
                raise Conflict()  # reset or enrolled meanwhile
            await self._codes.consume(uow, account.phone, SmsPurpose.CERTIFICATE_PIN, cmd.sms_code, cmd.meta)
            now = self._clock.now()
            old.replace(now)  # SQLAlchemy flushes a mapper's UPDATEs before its INSERTs: the live slot is free
            key = SigningKey(account_id=p.id, public_key=enrolled.public_key,
                             sealed_server_share=enrolled.sealed_share, created_at=now)
            uow.signing_keys.add(key)
            issued = await recertify(uow, self._ca, self._hasher, key, now)
            audit(uow, "signing_key.reset", now, cmd.meta, account_id=p.id, signing_key_id=str(key.id),
                  replaced=str(old.id), reissued=[c.serial for c in issued] or None)
            await uow.commit()
        return EnrolledKey(key, enrolled.server_public_share, issued)

    async def _passed_face(self, account_id: UUID, token: str) -> UUID:
        """The id of the key being reset, once the face token is a passed, fresh check of this person."""
        async with self._uow() as uow:
            now = self._clock.now()
            identity = await verified_identity(uow, account_id)
            key = await uow.signing_keys.live_for(account_id)
            if key is None:
                raise SigningKeyRequired("尚未启用签名密钥，无需重置")
            check = await uow.face_checks.by_token(token)
            if check is None:
                raise FaceTokenInvalid(field="faceToken")
            try:
                check.ensure_usable_by(account_id, FacePurpose.PIN_RESET, now)
            except FaceTokenInvalid as err:
                raise err.at("faceToken")
            if check.status is FaceCheckStatus.PENDING:
                try:
                    outcome = await self._faces.result(token)
                except ExternalServiceUnavailable:
                    raise ServiceUnavailable("人脸核验服务暂不可用，请稍后重试") from None
                if outcome.status == "PENDING":
                    raise FacePending(field="faceToken")
                check.record_outcome(outcome.status == "PASSED", now, outcome.reason)
                await uow.commit()
        if check.status is FaceCheckStatus.FAILED:
            raise FaceFailed(check.failure_reason or None, field="faceToken")
        if check.subject_key != identity.number_index:
            raise FaceTokenInvalid(field="faceToken")
        if check.completed_at is None or now - check.completed_at > FACE_FRESHNESS:
            raise FaceTokenInvalid("人脸核验已过期，请重新核验", field="faceToken")
        return key.id
