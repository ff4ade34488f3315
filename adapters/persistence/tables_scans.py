"""Tables of the scan services (SPEC §7): scan sessions and the nonces of signed platform requests."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.commerce.entitlement import ScanOperation
from domain.scans.session import ScanStatus, SealOwner, SealUse

scan_sessions = Table(
    "scan_sessions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("t_id", String(64), nullable=False, unique=True),
    Column("platform_id", Uuid, ForeignKey("trading_platforms.id"), nullable=False),
    Column("operation", str_enum(ScanOperation), nullable=False),
    Column("qr_hash", String(128), nullable=False, unique=True),
    Column("watch_token_hash", String(128), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("documents", JSON, nullable=False),
    Column("envelopes", JSON, nullable=False),
    Column("seal_owner", str_enum(SealOwner), nullable=True),
    Column("seal_use", str_enum(SealUse), nullable=True),
    Column("continuous", Boolean, nullable=False),
    Column("status", str_enum(ScanStatus), nullable=False),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=True, index=True),
    Column("scanned_at", UtcDateTime, nullable=True),
    Column("confirmed_at", UtcDateTime, nullable=True),
    Column("declined_at", UtcDateTime, nullable=True),
    Column("expired_at", UtcDateTime, nullable=True),
    Column("certificate_id", Uuid, nullable=True),
    Column("seal_id", Uuid, nullable=True),
    Column("result", JSON, nullable=True),
    Column("version", Integer, nullable=False),
    Index(None, "status", "expires_at"),
)

platform_nonces = Table(
    "platform_nonces", metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", Uuid, nullable=False),
    Column("nonce", String(64), nullable=False),
    Column("seen_at", UtcDateTime, nullable=False, index=True),
    UniqueConstraint("platform_id", "nonce"),
)
