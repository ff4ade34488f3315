"""Tables of joining (§5.2) and member invitations (§8.1.1). Each has a `pending_key`, unique and set only while
open, so "one open application per person and enterprise" and "one open invitation per phone and enterprise" hold
under concurrent requests."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.enterprises.members import JoinApplicationStatus, MemberInvitationStatus, MemberRole

join_applications = Table(
    "enterprise_join_applications", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False),
    Column("applicant_account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("applicant_name", String(64), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("status", str_enum(JoinApplicationStatus), nullable=False),
    Column("pending_key", String(80), nullable=True, unique=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decided_by", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("version", Integer, nullable=False),
    # The admins' queue: one enterprise's applications by status, oldest first.
    Index("ix_enterprise_join_applications_queue", "enterprise_id", "status", "submitted_at", "id"),
)

member_invitations = Table(
    "enterprise_member_invitations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("phone_index", String(128), nullable=False, index=True),
    Column("phone_masked", String(16), nullable=False),
    Column("role", str_enum(MemberRole), nullable=False),
    Column("invited_by", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("status", str_enum(MemberInvitationStatus), nullable=False),
    Column("pending_key", String(180), nullable=True, unique=True),
    Column("accepted_at", UtcDateTime, nullable=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=True),
    # The phone SM4-GCM-encrypted (bound to the invitation's id) for resending; NULL on rows older than 0015.
    Column("phone_ciphertext", LargeBinary, nullable=True),
    Column("last_sent_at", UtcDateTime, nullable=True),
    Column("send_count", Integer, nullable=False, server_default="1"),
    Column("cancelled_at", UtcDateTime, nullable=True),
    Column("cancelled_by", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("version", Integer, nullable=False),
    # The admins' list: one enterprise's invitations by status, oldest first.
    Index("ix_enterprise_member_invitations_list", "enterprise_id", "status", "created_at", "id"),
)
