"""The database schema as SQLAlchemy Core tables; Alembic migrations are written to match it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

from adapters.persistence.types import UtcDateTime, str_enum
from domain.accounts.account import AccountStatus, EntryMode
from domain.accounts.session import PrincipalKind
from domain.accounts.sms import SmsPurpose
from domain.audit import AuditOutcome
from domain.identity.documents import DocumentType
from domain.identity.face import FaceCheckStatus, FacePurpose
from domain.identity.identity import RealNameStatus, VerificationMethod
from domain.identity.review import ReviewKind, ReviewStatus
from domain.operators.operator import OperatorRole

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
})

accounts = Table(
    "accounts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("phone", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("status", str_enum(AccountStatus), nullable=False),
    Column("entry_mode", str_enum(EntryMode), nullable=True),
    Column("failed_password_attempts", Integer, nullable=False, default=0),
    Column("password_locked_until", UtcDateTime, nullable=True),
    Column("password_changed_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)

sms_challenges = Table(
    "sms_challenges", metadata,
    Column("id", Uuid, primary_key=True),
    Column("phone", String(11), nullable=False),
    Column("purpose", str_enum(SmsPurpose), nullable=False),
    Column("code_hash", String(128), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("consumed_at", UtcDateTime, nullable=True),
    Column("client_ip", String(64), nullable=True),
    Index(None, "phone", "purpose", "sent_at"),
    Index(None, "client_ip", "sent_at"),
)

auth_sessions = Table(
    "auth_sessions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("principal_kind", str_enum(PrincipalKind), nullable=False),
    Column("principal_id", Uuid, nullable=False),
    Column("access_token_hash", String(128), nullable=False, unique=True),
    Column("access_expires_at", UtcDateTime, nullable=False),
    Column("refresh_token_hash", String(128), nullable=True, unique=True),
    Column("previous_refresh_token_hash", String(128), nullable=True, index=True),
    Column("refresh_expires_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("client_ip", String(64), nullable=True),
    Column("user_agent", String(200), nullable=True),
    Column("version", Integer, nullable=False),
    Index(None, "principal_kind", "principal_id"),
)

identities = Table(
    "identities", metadata,
    Column("account_id", Uuid, ForeignKey("accounts.id"), primary_key=True),
    Column("status", str_enum(RealNameStatus), nullable=False),
    Column("method", str_enum(VerificationMethod), nullable=True),
    Column("document_type", str_enum(DocumentType), nullable=True),
    Column("legal_name", String(64), nullable=True),
    Column("number_ciphertext", LargeBinary, nullable=True),
    Column("number_index", String(128), nullable=True, index=True),
    Column("number_masked", String(40), nullable=True),
    Column("expires_on", Date, nullable=True),
    # Unique while claimed: "one document, one account" holds even when two requests race.
    Column("document_key", String(128), nullable=True, unique=True),
    Column("verified_at", UtcDateTime, nullable=True),
    Column("rejected_reason", String(200), nullable=True),
    Column("updated_at", UtcDateTime, nullable=True),
    # The face check a PENDING_FACE claim waits for (no foreign key: checks and identities are written together).
    Column("face_check_id", Uuid, nullable=True),
    Column("version", Integer, nullable=False),
)

# Every refresh token exchanged, by its keyed hash: presenting one again ends its session (reuse detection at any
# depth, not only the token just replaced). Rows older than the refresh lifetime are pruned as sessions rotate.
spent_refresh_tokens = Table(
    "spent_refresh_tokens", metadata,
    Column("token_hash", String(128), primary_key=True),
    Column("session_id", Uuid, ForeignKey("auth_sessions.id"), nullable=False, index=True),
    Column("spent_at", UtcDateTime, nullable=False, index=True),
)

face_checks = Table(
    "face_checks", metadata,
    Column("id", Uuid, primary_key=True),
    Column("token", String(128), nullable=False, unique=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("purpose", str_enum(FacePurpose), nullable=False),
    Column("status", str_enum(FaceCheckStatus), nullable=False),
    Column("url", String(500), nullable=False),
    Column("subject_key", String(128), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime, nullable=True),
    Column("failure_reason", String(200), nullable=True),
    Column("version", Integer, nullable=False),
)

reviews = Table(
    "reviews", metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", str_enum(ReviewKind), nullable=False),
    Column("status", str_enum(ReviewStatus), nullable=False),
    Column("subject_account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("subject_summary", String(200), nullable=False),
    Column("subject_id", Uuid, nullable=True, index=True),
    Column("attachments", JSON, nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decided_by", Uuid, nullable=True),
    Column("reason", String(200), nullable=True),
    Column("first_approved_by", Uuid, nullable=True),
    Column("first_approved_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index(None, "status", "kind", "submitted_at", "id"),
)

operators = Table(
    "operators", metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", String(32), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("failed_password_attempts", Integer, nullable=False, default=0),
    Column("password_locked_until", UtcDateTime, nullable=True),
    Column("role", str_enum(OperatorRole), nullable=False),
    Column("totp_secret_ciphertext", LargeBinary, nullable=True),
    Column("totp_last_step", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

audit_events = Table(
    "audit_events", metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("outcome", str_enum(AuditOutcome), nullable=False),
    Column("account_id", Uuid, nullable=True),
    Column("operator_id", Uuid, nullable=True),
    Column("client_ip", String(64), nullable=True),
    Column("detail", JSON, nullable=False),
    Index(None, "account_id", "at"),
    Index(None, "kind", "at"),
)

outbox_messages = Table(
    "outbox_messages", metadata,
    Column("id", Uuid, primary_key=True),
    Column("topic", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime, nullable=True),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    # The request that wrote the message (X-Request-ID) and its trace context (W3C traceparent), so the delivery's
    # log lines and span lead back to it.
    Column("request_id", String(64), nullable=True),
    Column("traceparent", String(64), nullable=True),
    Index(None, "delivered_at", "next_attempt_at"),
)

# One row per thing whose counters and caps must not race (a phone's or an IP's SMS sends, a person's join refusals,
# a bank transfer's tries): a use case writes its row first, which holds the row lock (PostgreSQL) or the write lock
# (SQLite) until it commits, so parallel requests on one key count one after another.
serialisation_locks = Table(
    "serialisation_locks", metadata,
    Column("key", String(160), primary_key=True),
    Column("taken_at", UtcDateTime, nullable=False),
)

# Each outbox worker process writes its heartbeat here every few seconds; /readyz reads the newest.
worker_heartbeats = Table(
    "worker_heartbeats", metadata,
    Column("worker", String(128), primary_key=True),
    Column("beat_at", UtcDateTime, nullable=False),
)

# ---- the sandbox's own records: what the pretend outside world received or decided

sandbox_sms_messages = Table(
    "sandbox_sms_messages", metadata,
    Column("id", String(64), primary_key=True),
    Column("phone", String(11), nullable=False),
    Column("purpose", String(40), nullable=True),
    Column("code", String(6), nullable=True),
    Column("text", Text, nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Index(None, "phone", "sent_at"),
)

sandbox_face_sessions = Table(
    "sandbox_face_sessions", metadata,
    Column("token", String(128), primary_key=True),
    Column("purpose", String(40), nullable=False),
    Column("legal_name", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("notified", Boolean, nullable=False, default=False),
)
