"""What the personal-certificate use cases share: the verified identity, the subject it yields, and the
account's current personal dual pair."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.certificates.ports import SubjectInfo
from application.ports import SecretHasher, UnitOfWork
from domain.certificates.certificate import Certificate, CertificateStatus, CertificateUsage, HolderKind
from domain.certificates.claim import PERSONAL_ENCRYPTION, PERSONAL_SIGNING, IdentityNotVerified
from domain.identity.identity import Identity

SUBJECT_ID_LENGTH = 32


async def verified_identity(uow: UnitOfWork, account_id: UUID) -> Identity:
    identity = await uow.identities.for_account(account_id)
    if identity is None or not identity.is_verified or not identity.legal_name or not identity.number_index:
        raise IdentityNotVerified()
    return identity


def personal_subject(identity: Identity, hasher: SecretHasher) -> SubjectInfo:
    """CN = the legal name; serialNumber = a keyed hash of the document's keyed index. The same person always
    gets the same identifier, and neither the certificate nor a dump of it reveals the ID number."""
    assert identity.legal_name and identity.number_index
    identifier = hasher.hash("certificate-subject", identity.number_index)[:SUBJECT_ID_LENGTH].upper()
    return SubjectInfo(HolderKind.PERSON, identity.legal_name, identifier)


def is_personal(cert: Certificate) -> bool:
    return cert.holder_enterprise_id is None and cert.profile in (PERSONAL_SIGNING, PERSONAL_ENCRYPTION)


async def active_personal(uow: UnitOfWork, account_id: UUID, now: datetime) -> list[Certificate]:
    return [c for c in await uow.certificates.for_account(account_id)
            if is_personal(c) and c.status_at(now) is CertificateStatus.ACTIVE]


async def current_personal_pair(uow: UnitOfWork, account_id: UUID, now: datetime
                                ) -> tuple[Certificate | None, Certificate | None]:
    """The newest active personal signing and encryption certificates (either may be missing)."""
    active = await active_personal(uow, account_id, now)
    signing = [c for c in active if c.usage is CertificateUsage.SIGNING]
    encryption = [c for c in active if c.usage is CertificateUsage.ENCRYPTION]
    return (signing[-1] if signing else None), (encryption[-1] if encryption else None)
