"""Every table module, imported once so the metadata Alembic and the tests see is complete."""

from adapters.persistence import (
    tables,  # noqa: F401  (accounts, identity, reviews, audit, outbox)
    tables_admin_transfers,  # noqa: F401  (§8.4 admin transfers)
    tables_ca,  # noqa: F401  (CA keys, certificates, CRLs, wrapped keys)
    tables_commerce,  # noqa: F401  (platforms, plans, orders, payments, entitlements, bills, invoices)
    tables_enterprise_transfers,  # noqa: F401  (bank transfers, enterprise changes, sandbox deposits)
    tables_enterprises,  # noqa: F401  (enterprises, memberships, authorisation letters)
    tables_grants,  # noqa: F401  (§8.5 certificate grants)
    tables_legal_rep_invitations,  # noqa: F401  (§5.1.1.2 legal-rep invitations)
    tables_members,  # noqa: F401  (§5.2 join applications, §8.1.1 member invitations)
    tables_scans,  # noqa: F401  (scan sessions, platform request nonces)
    tables_seals,  # noqa: F401  (seals and their face history)
    tables_service_applications,  # noqa: F401  (§6.3 member service applications)
    tables_signing,  # noqa: F401  (SPEC §C signing keys and signing requests)
)
from adapters.persistence.tables import metadata

__all__ = ["metadata"]
