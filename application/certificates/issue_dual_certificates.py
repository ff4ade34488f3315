"""IssueDualCertificates: the signing and encryption certificates of one holder, as a dual pair (SPEC §5).

A person's signing certificate certifies their two-share signing key (SPEC §C): its public key comes in, no
private key is made or kept here. An organisation's signing key is made here and wrapped under the enterprise's
key. The encryption key pair comes from the vault's escrow. Both to-be-signed certificates are written before the
CA signs either. Who may claim, and the co-signature that approves it, are the caller's business; this is the
CA-side mechanics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from application.certificates.ports import (
    CertificateAuthority,
    CertificateRequest,
    KeyVault,
    NewKeyPair,
    SubjectInfo,
    WrappedKey,
    WrappedKeyKind,
)
from application.ports import Clock, UnitOfWork
from domain.certificates.certificate import Certificate, CertificateUsage, HolderKind
from domain.errors import InvalidInput

_PROFILES = {
    HolderKind.PERSON: ("PERSONAL_SIGNING", "PERSONAL_ENCRYPTION"),
    HolderKind.ORGANIZATION: ("ORG_SIGNING", "ORG_ENCRYPTION"),
}


@dataclass(frozen=True)
class IssueDualCertificatesCommand:
    account_id: UUID  # the holder (for an org pair: who claimed it)
    subject: SubjectInfo
    not_after: datetime
    signing_public_key: bytes | None = None  # a person's two-share key; None for an org pair
    enterprise_id: UUID | None = None  # set for an org pair: both keys are then the enterprise's


@dataclass(frozen=True)
class DualPair:
    pair_id: UUID
    signing: Certificate
    encryption: Certificate


@dataclass(frozen=True)
class PreparedKeys:
    """The key generation of an issuance, done before the transaction that records it."""

    signing_public_key: bytes
    org_signing_pair: NewKeyPair | None  # wrapped under the enterprise's key
    escrowed_pair: NewKeyPair


class IssueDualCertificates:
    def __init__(self, vault: KeyVault, ca: CertificateAuthority, clock: Clock) -> None:
        self._vault, self._ca, self._clock = vault, ca, clock

    def prepare_keys(self, cmd: IssueDualCertificatesCommand) -> PreparedKeys:
        if cmd.subject.kind not in _PROFILES:
            raise InvalidInput("证书主体类型无效", field="subject")
        if cmd.enterprise_id is not None:
            org = self._vault.new_org_signing_key_pair(cmd.enterprise_id)
            return PreparedKeys(org.public_key, org, self._vault.new_escrowed_key_pair(cmd.enterprise_id))
        if cmd.signing_public_key is None:
            raise InvalidInput("缺少签名公钥", field="signingPublicKey")
        return PreparedKeys(cmd.signing_public_key, None, self._vault.new_escrowed_key_pair(cmd.account_id))

    async def record(self, uow: UnitOfWork, cmd: IssueDualCertificatesCommand, prepared: PreparedKeys) -> DualPair:
        """Writes both TBS certificates, then signs them and stores the wrapped keys, all in the caller's
        transaction; the caller commits."""
        signing_profile, encryption_profile = _PROFILES[cmd.subject.kind]
        pair_id = uuid4()
        now = self._clock.now()
        certs = []
        for profile, usage, public_key in (
                (signing_profile, CertificateUsage.SIGNING, prepared.signing_public_key),
                (encryption_profile, CertificateUsage.ENCRYPTION, prepared.escrowed_pair.public_key)):
            cert = await self._ca.prepare(CertificateRequest(
                profile=profile, usage=usage, subject=cmd.subject, public_key=public_key,
                not_before=now, not_after=cmd.not_after, holder_account_id=cmd.account_id,
                holder_enterprise_id=cmd.enterprise_id, pair_id=pair_id))
            await uow.certificates.record_tbs(cert)
            certs.append(cert)
        for cert in certs:
            await self._ca.sign(cert)
        signing, encryption = certs
        # An org pair's keys belong to no account.
        owner = None if cmd.enterprise_id is not None else cmd.account_id
        if prepared.org_signing_pair is not None:
            uow.wrapped_keys.add(WrappedKey(signing.id, WrappedKeyKind.ORGANIZATION, None,
                                            prepared.org_signing_pair.wrapped_private_key, now))
        uow.wrapped_keys.add(WrappedKey(encryption.id, WrappedKeyKind.ESCROWED, owner,
                                        prepared.escrowed_pair.wrapped_private_key, now))
        return DualPair(pair_id, signing, encryption)
