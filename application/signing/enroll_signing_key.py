"""EnrollSigningKey (SPEC §C): the phone made d_device and sends P_device = d_device⁻¹·G with an SMS code of
purpose CERTIFICATE_PIN; we make d_server and answer P_server (once) and the joint public key P. A person whose
certificates were over a key that is gone (the PIN-wrapped keys the 0010 migration removed) gets signing
certificates over the new key for every active pair in the same transaction."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.ports import CertificateAuthority
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, SecretHasher, UnitOfWorkFactory
from application.signing.ports import CoSigningHsm
from application.signing.recertify import recertify
from domain.accounts.sms import SmsPurpose
from domain.certificates.certificate import Certificate
from domain.errors import Conflict, Unauthenticated
from domain.signing.signing_key import InvalidKeyShare, SigningKey, SigningKeyExists


@dataclass(frozen=True)
class EnrollSigningKeyCommand:
    principal: Principal | None
    sms_code: str
    device_public_share: str  # base64 of 04‖x‖y
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class EnrolledKey:
    key: SigningKey
    server_public_share: bytes
    signing_certificates: list[Certificate]


def device_share(value: str) -> bytes:
    """The device's public share as 65 bytes, or InvalidKeyShare (the curve check is the module's)."""
    try:
        raw = base64.b64decode(value or "", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidKeyShare(field="devicePublicShare") from None
    if len(raw) != 65 or raw[0] != 4:
        raise InvalidKeyShare(field="devicePublicShare")
    return raw


class EnrollSigningKey:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, hsm: CoSigningHsm, ca: CertificateAuthority,
                 hasher: SecretHasher, clock: Clock) -> None:
        self._uow, self._codes, self._hsm, self._ca = uow, codes, hsm, ca
        self._hasher, self._clock = hasher, clock

    async def __call__(self, cmd: EnrollSigningKeyCommand) -> EnrolledKey:
        p = require_account(cmd.principal)
        share = device_share(cmd.device_public_share)
        async with self._uow() as uow:
            if await uow.signing_keys.live_for(p.id) is not None:
                raise SigningKeyExists()
        enrolled = self._hsm.enrol(p.id, share)  # refuses a point off the curve before the SMS code is spent
        async with self._uow() as uow:
            account = await uow.accounts.get(p.id)
            if account is None or not account.is_active:
                raise Unauthenticated("账号不存在或已注销")
            if await uow.signing_keys.live_for(p.id) is not None:
                raise SigningKeyExists()
            await self._codes.consume(uow, account.phone, SmsPurpose.CERTIFICATE_PIN, cmd.sms_code, cmd.meta)
            now = self._clock.now()
            key = SigningKey(account_id=p.id, public_key=enrolled.public_key,
                             sealed_server_share=enrolled.sealed_share, created_at=now)
            uow.signing_keys.add(key)
            issued = await recertify(uow, self._ca, self._hasher, key, now)
            audit(uow, "signing_key.enrolled", now, cmd.meta, account_id=p.id, signing_key_id=str(key.id),
                  reissued=[c.serial for c in issued] or None)
            try:
                await uow.commit()
            except Conflict:
                raise SigningKeyExists() from None  # a parallel enrolment won
        return EnrolledKey(key, enrolled.server_public_share, issued)
