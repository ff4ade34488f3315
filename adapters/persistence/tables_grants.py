"""The certificate grants of §8.5 (证书授权) with their signed grant letters (PDFs in the encrypted blob store)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, UuidList, str_enum
from domain.grants.grant import GrantStatus

certificate_grants = Table(
    "certificate_grants", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    # No foreign key: a removed member's membership row goes, the ENDED grant stays as the record.
    Column("membership_id", Uuid, nullable=False, index=True),
    Column("member_account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("platform_id", Uuid, ForeignKey("trading_platforms.id"), nullable=False),
    Column("operations", JSON, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("granted_by", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("status", str_enum(GrantStatus), nullable=False),
    Column("approved_by", Uuid, nullable=True),
    Column("approved_at", UtcDateTime, nullable=True),
    Column("signed_blob_id", String(64), nullable=True),
    Column("signed_sha256", String(64), nullable=True),
    Column("certificate_id", Uuid, nullable=True),
    Column("order_id", Uuid, nullable=True, index=True),
    Column("activated_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("end_reason", String(32), nullable=True),
    # The seals a SIGN grant names (empty: every active org seal); revoking one of them ends the grant.
    Column("seal_ids", UuidList, nullable=False, server_default="[]"),
    Column("letter_blob_id", String(64), nullable=True),  # the unsigned letter, drawn up at creation
    Column("letter_sha256", String(64), nullable=True),
    Column("version", Integer, nullable=False),
)
