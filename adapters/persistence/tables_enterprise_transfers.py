"""Tables of §5.1.2 bank transfers and §8.6 information changes, and the sandbox bank's record of deposits.

The account number is stored encrypted (FieldCipher, bound to the transfer's id) and masked; the deposit code only
as a keyed hash. `open_enterprise_id` is set while a transfer (a change) is open: its unique index keeps one open
transfer (change) per enterprise under concurrent requests, while closed ones stay as history."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, String, Table, Uuid

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.enterprises.bank_transfer import FailureReason, TransferPurpose, TransferStatus
from domain.enterprises.change import ChangeStatus

enterprise_changes = Table(
    "enterprise_changes", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("requested_by", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("licence_blob_id", String(64), nullable=False),
    Column("licence_content_type", String(40), nullable=False),
    Column("letter_blob_id", String(64), nullable=False),
    Column("letter_content_type", String(40), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("old_name", String(100), nullable=False),
    Column("old_legal_rep_name", String(50), nullable=False),
    Column("new_name", String(100), nullable=True),
    Column("new_legal_rep_name", String(50), nullable=True),
    Column("new_legal_rep_id_ciphertext", LargeBinary, nullable=True),
    Column("new_legal_rep_id_index", String(128), nullable=True),
    Column("new_legal_rep_id_masked", String(32), nullable=True),
    Column("status", str_enum(ChangeStatus), nullable=False),
    Column("open_enterprise_id", Uuid, nullable=True, unique=True),
    Column("reason", String(200), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)

bank_transfers = Table(
    "bank_transfers", metadata,
    Column("id", Uuid, primary_key=True),
    Column("enterprise_id", Uuid, ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("initiated_by", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("purpose", str_enum(TransferPurpose), nullable=False),
    Column("change_id", Uuid, ForeignKey("enterprise_changes.id"), nullable=True),
    Column("account_number_ciphertext", LargeBinary, nullable=False),
    Column("account_number_masked", String(40), nullable=False),
    Column("bank_name", String(60), nullable=False),
    Column("code_hash", String(128), nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("bank_reference", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("status", str_enum(TransferStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("failure_reason", str_enum(FailureReason), nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("open_enterprise_id", Uuid, nullable=True, unique=True),
    Column("version", Integer, nullable=False),
)

# ---- the sandbox bank's own record: what it "credited" to which corporate account (never used in production)
sandbox_bank_deposits = Table(
    "sandbox_bank_deposits", metadata,
    Column("reference", String(64), primary_key=True),
    Column("account_number", String(32), nullable=False, index=True),
    Column("bank_name", String(60), nullable=False),
    Column("account_name", String(100), nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("remark", String(100), nullable=False),
    Column("state", String(16), nullable=False),  # SENT | FAILED
    Column("failure_reason", String(32), nullable=True),
    Column("sent_at", UtcDateTime, nullable=False),
)
