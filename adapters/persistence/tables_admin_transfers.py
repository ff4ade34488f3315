"""The admin transfers of §8.4 (管理员转授) with their transfer letters (PDFs in the encrypted blob store)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.enterprises.admin_transfer import AdminTransferStatus

admin_transfers = Table(
    "enterprise_admin_transfers", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("from_membership_id", Uuid, nullable=False),
    Column("to_membership_id", Uuid, nullable=False),
    Column("requested_by", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("enterprise_name", String(100), nullable=False),
    Column("credit_code", String(18), nullable=False),
    Column("legal_rep_name", String(50), nullable=False),
    Column("from_admin_name", String(50), nullable=False),
    Column("to_admin_name", String(50), nullable=False),
    Column("letter_blob_id", String(64), nullable=False),
    Column("letter_sha256", String(64), nullable=False),
    Column("status", str_enum(AdminTransferStatus), nullable=False),
    # Set only while PENDING: one pending transfer per enterprise, even under concurrent requests.
    Column("pending_enterprise_id", Uuid, nullable=True, unique=True),
    Column("signed_blob_id", String(64), nullable=True),
    Column("signed_sha256", String(64), nullable=True),
    Column("signed_at", UtcDateTime, nullable=True),
    Column("signed_by", Uuid, nullable=True),
    Column("certificate_id", Uuid, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)
