"""Tables of enterprises (SPEC §3): the enterprise with its certification state, memberships, and the
authorisation letters (their PDFs live in the encrypted blob store)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.enterprises.enterprise import CertificationMethod, CertificationStatus

enterprises = Table(
    "enterprises", metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("credit_code", String(18), nullable=False, index=True),
    Column("legal_rep_name", String(50), nullable=False),
    Column("legal_rep_id_ciphertext", LargeBinary, nullable=False),
    Column("legal_rep_id_index", String(128), nullable=False, index=True),
    Column("legal_rep_id_masked", String(32), nullable=False),
    Column("licence_blob_id", String(64), nullable=False),
    Column("licence_content_type", String(40), nullable=False),
    Column("created_by", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", str_enum(CertificationStatus), nullable=False),
    Column("method", str_enum(CertificationMethod), nullable=True),
    Column("four_element_passed", Boolean, nullable=True),
    # One certified enterprise per credit code, even under concurrent certification.
    Column("certified_credit_code", String(18), nullable=True, unique=True),
    Column("certified_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("rejection_reason", String(200), nullable=True),
    Column("version", Integer, nullable=False),
)

memberships = Table(
    "enterprise_memberships", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("joined_at", UtcDateTime, nullable=False),
    Column("is_admin", Boolean, nullable=False),
    Column("is_legal_rep", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("enterprise_id", "account_id"),
)

authorization_letters = Table(
    "authorization_letters", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("blob_id", String(64), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("signed_blob_id", String(64), nullable=True),
    Column("signed_sha256", String(64), nullable=True),
    Column("signed_at", UtcDateTime, nullable=True),
    Column("certificate_id", Uuid, nullable=True),
    # The §5.1.1.2 invitation that rendered it (no foreign key: the invitation points back at its letter).
    Column("invitation_id", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
)
