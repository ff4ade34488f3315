"""ResetCertificatePin (§9.3): a forgotten or locked PIN is replaced after SMS + a passed face liveness
check of the verified person. The signing keys were wrapped under the forgotten PIN, so the personal
signing certificate is revoked (SUPERSEDED) and a new one issued under the new PIN; the escrowed
encryption key and its certificate stay, so bids encrypted to it still open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.personal import active_personal, personal_subject, verified_identity
from application.certificates.ports import (
    CertificateAuthority,
    CertificateRequest,
    KeyVault,
    WrappedKey,
    WrappedKeyKind,
)
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, ExternalServiceUnavailable, FaceVerifier, SecretHasher, UnitOfWorkFactory
from domain.accounts.sms import SmsPurpose
from domain.certificates.certificate import Certificate, CertificateUsage, RevocationReason
from domain.certificates.claim import PERSONAL_SIGNING
from domain.certificates.pin import CertificatePin, Pin, PinNotSet, WeakPin
from domain.errors import FaceFailed, FacePending, FaceTokenInvalid, ServiceUnavailable, Unauthenticated
from domain.identity.face import FaceCheckStatus, FacePurpose

FACE_FRESHNESS = timedelta(minutes=15)


@dataclass(frozen=True)
class ResetCertificatePinCommand:
    principal: Principal | None
    sms_code: str
    face_token: str
    new_pin: str
    meta: RequestMeta | None = None


class ResetCertificatePin:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, faces: FaceVerifier, vault: KeyVault,
                 ca: CertificateAuthority, hasher: SecretHasher, clock: Clock) -> None:
        self._uow, self._codes, self._faces, self._vault = uow, codes, faces, vault
        self._ca, self._hasher, self._clock = ca, hasher, clock

    async def __call__(self, cmd: ResetCertificatePinCommand) -> Certificate | None:
        """The new signing certificate, or None when the account holds no personal pair to re-key."""
        p = require_account(cmd.principal)
        try:
            new = Pin(cmd.new_pin)
        except WeakPin as err:
            raise err.at("newPin") from None
        token = (cmd.face_token or "").strip()
        if not token or len(token) > 128:
            raise FaceTokenInvalid(field="faceToken")
        await self._passed_face(p, token)

        verifier, pin_key = await self._vault.new_pin(new.value)
        signing_pair = self._vault.new_signing_key_pair(pin_key, p.id)
        async with self._uow() as uow:
            account = await uow.accounts.get(p.id)
            if account is None or not account.is_active:
                raise Unauthenticated("账号不存在或已注销")
            await self._codes.consume(uow, account.phone, SmsPurpose.CERTIFICATE_PIN, cmd.sms_code, cmd.meta)
            now = self._clock.now()
            identity = await verified_identity(uow, p.id)
            record = await uow.certificate_pins.get(p.id)
            if record is None:
                uow.certificate_pins.add(CertificatePin(account_id=p.id, verifier=verifier, set_at=now))
            else:
                record.reset(verifier, now)
            active = await active_personal(uow, p.id, now)
            for old in active:
                if old.usage is CertificateUsage.SIGNING:
                    old.revoke(RevocationReason.SUPERSEDED, now)
            encryption = next((c for c in reversed(active) if c.usage is CertificateUsage.ENCRYPTION), None)
            new_cert = None
            if encryption is not None:
                new_cert = await self._ca.prepare(CertificateRequest(
                    profile=PERSONAL_SIGNING, usage=CertificateUsage.SIGNING,
                    subject=personal_subject(identity, self._hasher), public_key=signing_pair.public_key,
                    not_before=now, not_after=encryption.not_after, holder_account_id=p.id,
                    pair_id=encryption.pair_id))
                await uow.certificates.record_tbs(new_cert)
                await self._ca.sign(new_cert)
                uow.wrapped_keys.add(WrappedKey(new_cert.id, WrappedKeyKind.SIGNING, p.id,
                                                signing_pair.wrapped_private_key, now))
            audit(uow, "certificate_pin.reset", now, cmd.meta, account_id=p.id,
                  serial=new_cert.serial if new_cert else None)
            await uow.commit()
        return new_cert

    async def _passed_face(self, p: Principal, token: str) -> None:
        async with self._uow() as uow:
            now = self._clock.now()
            identity = await verified_identity(uow, p.id)
            if await uow.certificate_pins.get(p.id) is None:
                raise PinNotSet("尚未设置证书密码，无需重置")
            check = await uow.face_checks.by_token(token)
            if check is None:
                raise FaceTokenInvalid(field="faceToken")
            try:
                check.ensure_usable_by(p.id, FacePurpose.PIN_RESET, now)
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
