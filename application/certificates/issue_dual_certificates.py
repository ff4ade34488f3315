"""IssueDualCertificates: the signing and encryption certificates of one holder, as a dual pair (SPEC §5).

The signing key is generated here and wrapped under the holder's PIN key; the encryption key pair comes
from the vault's escrow. Both to-be-signed certificates are written before the CA signs either. The first
claim sets the PIN; later claims prove it (counting wrong ones). Who may claim (verified identity, an
active entitlement) is the caller's check; this is the CA-side mechanics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from application.certificates.pin_gate import PinGate
from application.certificates.ports import (
    CertificateAuthority,
    CertificateRequest,
    KeyVault,
    NewKeyPair,
    SubjectInfo,
    WrappedKey,
    WrappedKeyKind,
)
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.certificates.certificate import Certificate, CertificateUsage, HolderKind
from domain.certificates.pin import CertificatePin, Pin, PinAlreadySet
from domain.errors import Conflict, InvalidInput

_PROFILES = {
    HolderKind.PERSON: ("PERSONAL_SIGNING", "PERSONAL_ENCRYPTION"),
    HolderKind.ORGANIZATION: ("ORG_SIGNING", "ORG_ENCRYPTION"),
}


@dataclass(frozen=True)
class IssueDualCertificatesCommand:
    account_id: UUID  # whose PIN protects the signing key (for an org pair: whose PIN confirms the claim)
    subject: SubjectInfo
    pin: str
    not_after: datetime
    enterprise_id: UUID | None = None  # set for an org pair: both keys are then the enterprise's


@dataclass(frozen=True)
class DualPair:
    pair_id: UUID
    signing: Certificate
    encryption: Certificate


@dataclass(frozen=True)
class PreparedKeys:
    """The slow, transaction-free part of an issuance: the PIN proven (or a new one derived) and both key
    pairs made, so that the transaction that records them holds no connection while scrypt runs."""

    new_verifier: bytes | None
    signing_pair: NewKeyPair
    escrowed_pair: NewKeyPair


class IssueDualCertificates:
    def __init__(self, uow: UnitOfWorkFactory, gate: PinGate, vault: KeyVault, ca: CertificateAuthority,
                 clock: Clock) -> None:
        self._uow, self._gate, self._vault, self._ca, self._clock = uow, gate, vault, ca, clock

    async def __call__(self, cmd: IssueDualCertificatesCommand) -> DualPair:
        prepared = await self.prepare_keys(cmd)
        async with self._uow() as uow:
            pair = await self.record(uow, cmd, prepared)
            await self.commit(uow, prepared)
        return pair

    async def prepare_keys(self, cmd: IssueDualCertificatesCommand) -> PreparedKeys:
        if cmd.subject.kind not in _PROFILES:
            raise InvalidInput("证书主体类型无效", field="subject")
        async with self._uow() as uow:
            first_claim = await uow.certificate_pins.get(cmd.account_id) is None
        new_verifier = None
        if first_claim:
            new_verifier, pin_key = await self._vault.new_pin(Pin(cmd.pin).value)
        else:
            pin_key = (await self._gate.prove(cmd.account_id, cmd.pin)).key
        if cmd.enterprise_id is not None:
            return PreparedKeys(new_verifier, self._vault.new_org_signing_key_pair(cmd.enterprise_id),
                                self._vault.new_escrowed_key_pair(cmd.enterprise_id))
        return PreparedKeys(new_verifier, self._vault.new_signing_key_pair(pin_key, cmd.account_id),
                            self._vault.new_escrowed_key_pair(cmd.account_id))

    @staticmethod
    async def commit(uow: UnitOfWork, prepared: PreparedKeys) -> None:
        try:
            await uow.commit()
        except Conflict:
            if prepared.new_verifier is not None:
                raise PinAlreadySet(field="pin") from None
            raise

    async def record(self, uow: UnitOfWork, cmd: IssueDualCertificatesCommand, prepared: PreparedKeys) -> DualPair:
        """Writes the PIN (first claim), both TBS certificates, then signs them and stores the wrapped keys,
        all in the caller's transaction; the caller commits (with `commit`, which names a lost PIN race)."""
        signing_profile, encryption_profile = _PROFILES[cmd.subject.kind]
        new_verifier = prepared.new_verifier
        signing_pair, escrowed_pair = prepared.signing_pair, prepared.escrowed_pair
        pair_id = uuid4()
        now = self._clock.now()
        if new_verifier is not None:
            if await uow.certificate_pins.get(cmd.account_id) is not None:
                raise PinAlreadySet(field="pin")
            uow.certificate_pins.add(CertificatePin(account_id=cmd.account_id, verifier=new_verifier, set_at=now))
        certs = []
        for profile, usage, public_key in (
                (signing_profile, CertificateUsage.SIGNING, signing_pair.public_key),
                (encryption_profile, CertificateUsage.ENCRYPTION, escrowed_pair.public_key)):
            cert = await self._ca.prepare(CertificateRequest(
                profile=profile, usage=usage, subject=cmd.subject, public_key=public_key,
                not_before=now, not_after=cmd.not_after, holder_account_id=cmd.account_id,
                holder_enterprise_id=cmd.enterprise_id, pair_id=pair_id))
            await uow.certificates.record_tbs(cert)
            certs.append(cert)
        for cert in certs:
            await self._ca.sign(cert)
        signing, encryption = certs
        org = cmd.enterprise_id is not None
        # An org pair's keys belong to no account: the PIN-changing code, which re-wraps an account's signing
        # keys, must never see them.
        owner = None if org else cmd.account_id
        uow.wrapped_keys.add(WrappedKey(signing.id, WrappedKeyKind.ORGANIZATION if org else WrappedKeyKind.SIGNING,
                                        owner, signing_pair.wrapped_private_key, now))
        uow.wrapped_keys.add(WrappedKey(encryption.id, WrappedKeyKind.ESCROWED, owner,
                                        escrowed_pair.wrapped_private_key, now))
        return DualPair(pair_id, signing, encryption)
