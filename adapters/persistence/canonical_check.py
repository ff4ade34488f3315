"""Finds stored identifiers and names that are not in their canonical form (domain/canonical.py).

Before the canonical form was enforced, `\\d` and `str.isdigit()` let a full-width or Arabic-Indic spelling of a
phone or ID number through, stored as typed. This reads every column that holds an identifier or a name and
reports each row whose value is not what the domain would store today: table, column and row id, never the value
(it is personal data). It changes nothing; an operator decides what to do with each row.

Used by migration 0012 (with the column list as it stood at that revision) and by `sxq check canonical` (with the
current one). Encrypted columns (ID, passport and bank account numbers) are read only when a decrypting function is
given — the CLI has the master key, a migration may not; without it their masked companions are still checked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

import sqlalchemy as sa

from domain import canonical
from domain.accounts.phone import PhoneNumber
from domain.commerce.catalogue import check_platform_code
from domain.enterprises.credit_code import CreditCode
from domain.errors import DomainError
from domain.identity.documents import DocumentType, normalize_document_number
from domain.identity.id_number import IdNumber

log = logging.getLogger("sxq.canonical")

Decrypt = Callable[[bytes, bytes], bytes]


def _same(parse: Callable[[str], str]) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        try:
            return parse(value) == value
        except DomainError:
            return False
    return check


def _phone(value: str) -> bool:
    # A deleted account keeps a tombstone in place of its phone (domain/accounts/account.py).
    return value.startswith("deleted:") or _same(lambda v: PhoneNumber.parse(v).value)(value)


def _masked(value: str) -> bool:
    return value.isascii() and value.isprintable() and value == value.strip()


KINDS: dict[str, Callable[[str], bool]] = {
    "phone": _phone,
    "credit_code": _same(lambda v: CreditCode(v).value),
    "platform_code": _same(check_platform_code),
    "id_number": _same(lambda v: IdNumber(v).value),
    "digits": canonical.is_ascii_digits,
    "masked": _masked,
    "person_name": canonical.is_canonical_name,
    "enterprise_name": canonical.is_canonical_enterprise_name,
    "title": lambda v: canonical.is_canonical_name(v) or canonical.is_canonical_enterprise_name(v),
}


@dataclass(frozen=True)
class Checked:
    """One column to check. `kind` names the rule (KINDS, or "document_number" whose rule the row's
    `type_column` picks). An encrypted column names its FieldCipher context: `context_prefix` + the bytes of the
    UUID in `context_column`."""

    table: str
    column: str
    kind: str
    id_column: str = "id"
    context_prefix: bytes | None = None
    context_column: str | None = None
    type_column: str | None = None

    @property
    def encrypted(self) -> bool:
        return self.context_prefix is not None


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    row_id: str


@dataclass
class Report:
    findings: list[Finding]
    checked: dict[str, int]  # "table.column" -> values read
    skipped: list[str]  # encrypted "table.column" not read (no decrypting function)
    unreadable: list[Finding]  # ciphertexts that did not decrypt under their row's context

    @property
    def clean(self) -> bool:
        return not self.findings and not self.unreadable

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.findings:
            key = f"{f.table}.{f.column}"
            out[key] = out.get(key, 0) + 1
        return out


def _document_rule(doc_type: str | None) -> Callable[[str], bool]:
    kind = DocumentType(doc_type) if doc_type else DocumentType.ID_CARD
    return _same(lambda v: normalize_document_number(kind, v))


def _rule(spec: Checked, row) -> Callable[[str], bool]:
    if spec.kind == "document_number":
        return _document_rule(getattr(row, spec.type_column) if spec.type_column else None)
    return KINDS[spec.kind]


def _row_id(value: object) -> str:
    # SQLite keeps UUIDs as 32 hex digits, PostgreSQL as uuid: one spelling in the report.
    try:
        return str(value if isinstance(value, UUID) else UUID(str(value)))
    except ValueError:
        return str(value)


def scan(conn: sa.Connection, columns: Iterable[Checked], decrypt: Decrypt | None = None) -> Report:
    """Reads the columns through a synchronous connection (Alembic's bind, or run_sync in the CLI)."""
    report = Report(findings=[], checked={}, skipped=[], unreadable=[])
    present = set(sa.inspect(conn).get_table_names())
    for spec in columns:
        if spec.table not in present:
            continue
        if spec.encrypted and decrypt is None:
            report.skipped.append(f"{spec.table}.{spec.column}")
            continue
        names = {spec.id_column, spec.column} | {c for c in (spec.context_column, spec.type_column) if c}
        table = sa.table(spec.table, *(sa.column(n) for n in sorted(names)))
        query = sa.select(table).where(table.c[spec.column].is_not(None))
        read = 0
        for row in conn.execute(query):
            read += 1
            row_id = _row_id(getattr(row, spec.id_column))
            value = getattr(row, spec.column)
            if spec.encrypted:
                assert decrypt is not None and spec.context_column is not None
                owner = getattr(row, spec.context_column)
                owner = owner if isinstance(owner, UUID) else UUID(str(owner))
                try:
                    value = decrypt(bytes(value), spec.context_prefix + owner.bytes).decode()
                except Exception:  # noqa: BLE001 - a wrong key or a damaged row: reported, never shown
                    report.unreadable.append(Finding(spec.table, spec.column, row_id))
                    continue
            if not isinstance(value, str) or not _rule(spec, row)(value):
                report.findings.append(Finding(spec.table, spec.column, row_id))
        report.checked[f"{spec.table}.{spec.column}"] = read
    return report


def log_report(report: Report, logger: logging.Logger = log) -> None:
    """Table, column and row id of each finding, and counts; never a value."""
    for f in report.findings:
        logger.warning("non-canonical value: table=%s column=%s row=%s", f.table, f.column, f.row_id)
    for f in report.unreadable:
        logger.warning("encrypted value did not decrypt: table=%s column=%s row=%s", f.table, f.column, f.row_id)
    for key, n in sorted(report.counts().items()):
        logger.warning("non-canonical values in %s: %d", key, n)
    if report.skipped:
        logger.info("encrypted columns not read (no master key here; run `sxq check canonical`): %s",
                    ", ".join(report.skipped))
    logger.info("canonical check: %d columns, %d values read, %d non-canonical, %d unreadable",
                len(report.checked), sum(report.checked.values()), len(report.findings), len(report.unreadable))


def _id_context(prefix: bytes, column: str) -> dict:
    return {"context_prefix": prefix, "context_column": column}


# The columns as they stand now. Migration 0012 keeps its own copy: a migration must not follow later schema changes.
CURRENT_COLUMNS: tuple[Checked, ...] = (
    Checked("accounts", "phone", "phone"),
    Checked("sms_challenges", "phone", "phone"),
    Checked("legal_rep_invitations", "phone", "phone"),
    Checked("member_invitations", "phone_masked", "masked"),
    Checked("member_invitations", "name", "person_name"),
    Checked("identities", "legal_name", "person_name", id_column="account_id"),
    Checked("identities", "number_masked", "masked", id_column="account_id"),
    Checked("identities", "number_ciphertext", "document_number", id_column="account_id",
            type_column="document_type", **_id_context(b"identity:", "account_id")),
    Checked("enterprises", "name", "enterprise_name"),
    Checked("enterprises", "credit_code", "credit_code"),
    Checked("enterprises", "certified_credit_code", "credit_code"),
    Checked("enterprises", "legal_rep_name", "person_name"),
    Checked("enterprises", "legal_rep_id_masked", "masked"),
    Checked("enterprises", "legal_rep_id_ciphertext", "id_number", **_id_context(b"enterprise:", "id")),
    Checked("enterprise_changes", "old_name", "enterprise_name"),
    Checked("enterprise_changes", "new_name", "enterprise_name"),
    Checked("enterprise_changes", "old_legal_rep_name", "person_name"),
    Checked("enterprise_changes", "new_legal_rep_name", "person_name"),
    Checked("enterprise_changes", "new_legal_rep_id_masked", "masked"),
    Checked("enterprise_changes", "new_legal_rep_id_ciphertext", "id_number",
            **_id_context(b"enterprise:", "enterprise_id")),
    Checked("bank_transfers", "bank_name", "enterprise_name"),
    Checked("bank_transfers", "account_number_masked", "masked"),
    Checked("bank_transfers", "account_number_ciphertext", "digits", **_id_context(b"bank-transfer:", "id")),
    Checked("admin_transfers", "enterprise_name", "enterprise_name"),
    Checked("admin_transfers", "credit_code", "credit_code"),
    Checked("admin_transfers", "legal_rep_name", "person_name"),
    Checked("admin_transfers", "from_admin_name", "person_name"),
    Checked("admin_transfers", "to_admin_name", "person_name"),
    Checked("service_applications", "enterprise_name", "enterprise_name"),
    Checked("service_applications", "credit_code", "credit_code"),
    Checked("service_applications", "legal_rep_name", "person_name"),
    Checked("service_applications", "applicant_name", "person_name"),
    Checked("join_applications", "applicant_name", "person_name"),
    Checked("invoices", "tax_number", "credit_code"),
    Checked("invoices", "title", "title"),
    Checked("trading_platforms", "code", "platform_code"),
    Checked("seals", "info_code", "digits"),
)
