"""Tables of the two-share signing key (SPEC §C): each person's key (the sealed server share, the counter of
co-signatures that did not verify) and the single-use signing requests with their sealed nonces."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Table, Text, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.signing.signing_key import SigningKeyStatus
from domain.signing.signing_request import SigningPurpose

signing_keys = Table(
    "signing_keys", metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    # The account while the key is ACTIVE or LOCKED, NULL once REPLACED: one live key per person.
    Column("live_account_id", Uuid, nullable=True, unique=True),
    Column("public_key", LargeBinary, nullable=False),
    Column("sealed_server_share", LargeBinary, nullable=False),
    Column("status", str_enum(SigningKeyStatus), nullable=False),
    Column("failed_cosignatures", Integer, nullable=False),
    Column("locked_at", UtcDateTime, nullable=True),
    Column("replaced_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

signing_requests = Table(
    "signing_requests", metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("signing_key_id", Uuid, ForeignKey("signing_keys.id"), nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("purpose", str_enum(SigningPurpose), nullable=False),
    Column("binding", String(64), nullable=False),
    Column("message", LargeBinary, nullable=False),
    Column("display", Text, nullable=False),
    Column("commitment", LargeBinary, nullable=False),
    Column("sealed_nonce", LargeBinary, nullable=False),  # emptied when the request is spent
    Column("batch_id", Uuid, nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("spent_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index(None, "created_at"),
)
