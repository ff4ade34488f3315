"""Certificates follow the person's signing key: when a key is enrolled or replaced, every active personal pair
gets a signing certificate over the new key, and signing certificates over any other key are revoked
(SUPERSEDED). The escrowed encryption key and its certificate stay, so bids encrypted to it still open."""

from __future__ import annotations

from datetime import datetime

from application.certificates.personal import active_personal, personal_subject, verified_identity
from application.certificates.ports import CertificateAuthority, CertificateRequest
from application.ports import SecretHasher, UnitOfWork
from domain.certificates.certificate import Certificate, CertificateUsage, RevocationReason
from domain.certificates.claim import PERSONAL_SIGNING
from domain.signing.signing_key import SigningKey


async def recertify(uow: UnitOfWork, ca: CertificateAuthority, hasher: SecretHasher, key: SigningKey,
                    now: datetime) -> list[Certificate]:
    """The new signing certificates, in the caller's transaction (empty when the person holds no pair)."""
    active = await active_personal(uow, key.account_id, now)
    for cert in active:
        if cert.usage is CertificateUsage.SIGNING and cert.public_key != key.public_key:
            cert.revoke(RevocationReason.SUPERSEDED, now)
    covered = {c.pair_id for c in active
               if c.usage is CertificateUsage.SIGNING and c.public_key == key.public_key}
    pairs = [c for c in active if c.usage is CertificateUsage.ENCRYPTION and c.pair_id not in covered]
    if not pairs:
        return []
    subject = personal_subject(await verified_identity(uow, key.account_id), hasher)
    issued = []
    for encryption in pairs:
        cert = await ca.prepare(CertificateRequest(
            profile=PERSONAL_SIGNING, usage=CertificateUsage.SIGNING, subject=subject, public_key=key.public_key,
            not_before=now, not_after=encryption.not_after, holder_account_id=key.account_id,
            pair_id=encryption.pair_id))
        await uow.certificates.record_tbs(cert)
        issued.append(cert)
    for cert in issued:
        await ca.sign(cert)
    return issued
