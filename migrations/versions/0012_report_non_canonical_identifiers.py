"""report identifiers and names stored in a non-canonical form

Issue 13: before every identifier went through domain/canonical.py, `\\d` and str.isdigit() let a full-width or
Arabic-Indic spelling of a phone or ID number through, stored as typed — a second account for the same number. This
revision changes no schema and no data: it scans the columns holding identifiers and names and logs a warning per
row that is not in the canonical form (table, column, row id — never the value, which is personal data) and the
counts per column. Encrypted numbers need the master key: `sxq check canonical` decrypts and checks them too, and
reruns the whole check at any time.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-08 01:30:00
"""
from __future__ import annotations

import logging

from alembic import context, op

from adapters.persistence.canonical_check import Checked, log_report, scan

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration.canonical")

# The columns as they stand at this revision (a migration must not follow later schema changes). The encrypted ones
# are listed for `sxq check canonical`; without a decrypting function the scan skips them and checks their masks.
COLUMNS: tuple[Checked, ...] = (
    Checked("accounts", "phone", "phone"),
    Checked("sms_challenges", "phone", "phone"),
    Checked("legal_rep_invitations", "phone", "phone"),
    Checked("member_invitations", "phone_masked", "masked"),
    Checked("member_invitations", "name", "person_name"),
    Checked("identities", "legal_name", "person_name", id_column="account_id"),
    Checked("identities", "number_masked", "masked", id_column="account_id"),
    Checked("enterprises", "name", "enterprise_name"),
    Checked("enterprises", "credit_code", "credit_code"),
    Checked("enterprises", "certified_credit_code", "credit_code"),
    Checked("enterprises", "legal_rep_name", "person_name"),
    Checked("enterprises", "legal_rep_id_masked", "masked"),
    Checked("enterprise_changes", "old_name", "enterprise_name"),
    Checked("enterprise_changes", "new_name", "enterprise_name"),
    Checked("enterprise_changes", "old_legal_rep_name", "person_name"),
    Checked("enterprise_changes", "new_legal_rep_name", "person_name"),
    Checked("enterprise_changes", "new_legal_rep_id_masked", "masked"),
    Checked("bank_transfers", "bank_name", "enterprise_name"),
    Checked("bank_transfers", "account_number_masked", "masked"),
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


def upgrade() -> None:
    if context.is_offline_mode():
        return  # a report needs the data; `sxq check canonical` runs it against the database
    report = scan(op.get_bind(), COLUMNS)
    log_report(report, log)
    if not report.clean:
        log.warning("%d stored values are not in their canonical form; nothing was changed. Review the rows listed "
                    "above (`sxq check canonical` repeats the check, decrypting ID and bank account numbers too).",
                    len(report.findings))


def downgrade() -> None:
    pass  # nothing was changed
