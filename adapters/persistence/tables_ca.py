"""Tables of the certificate authority, on the same metadata as tables.py: CA keys and certificates, the
certificates we issue (with the to-be-signed bytes stored before signing), published CRLs, wrapped
subscriber keys. Revocations live on the certificate row (status, time, reason)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from application.certificates.ports import WrappedKeyKind
from domain.certificates.certificate import CertificateStatus, CertificateUsage, HolderKind, RevocationReason


class RevocationReasonType(TypeDecorator[RevocationReason]):
    """The RFC 5280 CRLReason code as an integer column."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else int(value)

    def process_result_value(self, value, dialect):
        return None if value is None else RevocationReason(value)


# One row per CA-held key: "root", "issuing", and the service signers ("ocsp", "platform-callback",
# "seal-maker"). The private key is SM4-GCM under a key derived from the master key; NULL for an offline root.
ca_keys = Table(
    "ca_keys", metadata,
    Column("name", String(32), primary_key=True),
    Column("certificate", LargeBinary, nullable=False),
    Column("wrapped_private_key", LargeBinary, nullable=True),
    Column("serial", String(40), nullable=False),
    Column("not_after", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

certificates = Table(
    "certificates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("serial", String(40), nullable=False),
    Column("issuer", String(32), nullable=False),
    Column("usage", str_enum(CertificateUsage), nullable=False),
    Column("profile", String(40), nullable=False),
    Column("subject_dn", String(1000), nullable=False),
    Column("holder_kind", str_enum(HolderKind), nullable=False),
    Column("holder_account_id", Uuid, ForeignKey("accounts.id"), nullable=True, index=True),
    Column("holder_enterprise_id", Uuid, nullable=True, index=True),
    Column("pair_id", Uuid, nullable=True, index=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("not_before", UtcDateTime, nullable=False),
    Column("not_after", UtcDateTime, nullable=False),
    Column("tbs", LargeBinary, nullable=False),
    Column("der", LargeBinary, nullable=True),
    Column("status", str_enum(CertificateStatus), nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revocation_reason", RevocationReasonType, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("issuer", "serial"),
    Index(None, "issuer", "status"),
)

# The last CRL each CA published: its number only grows, and it is re-signed when a revocation is added
# (revoked_count changes) or when it is due.
ca_crls = Table(
    "ca_crls", metadata,
    Column("issuer", String(32), primary_key=True),
    Column("number", Integer, nullable=False),
    Column("revoked_count", Integer, nullable=False),
    Column("this_update", UtcDateTime, nullable=False),
    Column("next_update", UtcDateTime, nullable=False),
    Column("der", LargeBinary, nullable=False),
)

wrapped_keys = Table(
    "wrapped_keys", metadata,
    Column("certificate_id", Uuid, ForeignKey("certificates.id"), primary_key=True),
    Column("kind", str_enum(WrappedKeyKind), nullable=False),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("blob", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=True),
    Index(None, "account_id", "kind"),
)
