"""The ports the certificate use cases need: the CA, the key vault and the repositories behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.certificates.certificate import Certificate, CertificateUsage, HolderKind

# ---------------------------------------------------------------- certificate authority


@dataclass(frozen=True)
class SubjectInfo:
    """Who a certificate names. Person: name + an identifier derived from the ID number.
    Organisation: name + unified social credit code. Service: our own signers."""

    kind: HolderKind
    name: str
    identifier: str | None = None
    organization: str | None = None


@dataclass(frozen=True)
class CertificateRequest:
    profile: str  # a profile name: PERSONAL_SIGNING, ORG_ENCRYPTION, EVENT, ...
    usage: CertificateUsage
    subject: SubjectInfo
    public_key: bytes  # 65-byte uncompressed SM2 point
    not_before: datetime
    not_after: datetime
    holder_account_id: UUID | None = None
    holder_enterprise_id: UUID | None = None
    pair_id: UUID | None = None


class CertificateAuthority(Protocol):
    """Two steps so the to-be-signed certificate can be stored before any CA key signs it."""

    async def prepare(self, request: CertificateRequest) -> Certificate:
        """Builds the to-be-signed certificate, lints it against its profile (raises on a violation) and
        returns it as a PENDING Certificate that nobody has signed."""
        ...

    async def sign(self, certificate: Certificate) -> None:
        """Signs the stored TBS with the issuing CA's key; the certificate becomes ACTIVE."""
        ...

    async def dual_package(self, signing: Certificate, encryption: Certificate, encryption_private_key: bytes) -> bytes:
        """The GM/T 0092 export package: signing certificate, the encryption private key in an
        SM2EnvelopedKey addressed to the signing public key, encryption certificate (DER)."""
        ...


# ---------------------------------------------------------------- key vault


class KeyUnwrapError(Exception):
    """A wrapped key did not open: wrong context, or the bytes were tampered with."""


@dataclass(frozen=True)
class NewKeyPair:
    public_key: bytes
    wrapped_private_key: bytes = field(repr=False)


class KeyVault(Protocol):
    """Keys we hold for others: escrowed encryption keys (under the master key) and organisation signing keys
    (under the enterprise's key). Every wrapped key is bound to its kind, its holder and its public key. A
    person's signing key is not here: it exists only as two shares (SPEC §C, application/signing)."""

    def new_escrowed_key_pair(self, holder: UUID | None) -> NewKeyPair: ...
    def new_org_signing_key_pair(self, enterprise_id: UUID) -> NewKeyPair:
        """An org signing key under the enterprise's key, used only after the acting person's co-signature."""
        ...
    def open_org_signing_key(self, wrapped: bytes, enterprise_id: UUID, public_key: bytes) -> bytes: ...
    def open_escrowed_key(self, wrapped: bytes, holder: UUID | None, public_key: bytes) -> bytes: ...


# ---------------------------------------------------------------- repositories


class WrappedKeyKind(StrEnum):
    ESCROWED = "ESCROWED"  # under the master key
    ORGANIZATION = "ORGANIZATION"  # an org signing key: under the enterprise's own master-derived key


@dataclass(eq=False)
class WrappedKey:
    certificate_id: UUID
    kind: WrappedKeyKind
    account_id: UUID | None
    blob: bytes = field(repr=False)
    created_at: datetime
    updated_at: datetime | None = None


class CertificateRepository(Protocol):
    def add(self, certificate: Certificate) -> None: ...
    async def record_tbs(self, certificate: Certificate) -> None:
        """Adds a PENDING certificate and writes it now (before the CA signs it), in this transaction."""
        ...
    async def get(self, certificate_id: UUID) -> Certificate | None: ...
    async def by_serial(self, issuer: str, serial: str) -> Certificate | None: ...
    async def for_account(self, account_id: UUID) -> list[Certificate]: ...
    async def for_enterprise(self, enterprise_id: UUID) -> list[Certificate]:
        """An enterprise's org certificates, oldest first."""
        ...
    async def for_pair(self, pair_id: UUID) -> list[Certificate]: ...
    async def revoked(self, issuer: str) -> list[Certificate]:
        """Every REVOKED certificate of one CA, for its CRL."""
        ...
    async def search(self, *, serial: str | None = None, subject_contains: str | None = None,
                     limit: int = 50) -> list[Certificate]:
        """Issued certificates (not PENDING) by serial (any CA) or by a piece of the subject DN, newest first."""
        ...


class WrappedKeyRepository(Protocol):
    def add(self, key: WrappedKey) -> None: ...
    async def get(self, certificate_id: UUID) -> WrappedKey | None: ...
