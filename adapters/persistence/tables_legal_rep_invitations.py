"""The table of legal-rep invitations (§5.1.1.2). The link's token is kept only as a keyed hash."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.enterprises.legal_rep_invitation import InvitationStatus

legal_rep_invitations = Table(
    "legal_rep_invitations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("invited_by", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("phone", String(11), nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("status", str_enum(InvitationStatus), nullable=False),
    Column("accepted_by", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("accepted_at", UtcDateTime, nullable=True),
    Column("face_token", String(128), nullable=True),
    Column("letter_id", Uuid, nullable=True),  # the current letter; it names this invitation back
    Column("used_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)
