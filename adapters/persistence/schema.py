"""Every table module, imported once so the metadata Alembic and the tests see is complete."""

from adapters.persistence import (
    tables,  # noqa: F401  (accounts, identity, reviews, audit, outbox)
    tables_ca,  # noqa: F401  (CA keys, certificates, CRLs, wrapped keys, PINs)
    tables_commerce,  # noqa: F401  (platforms, plans, orders, payments, entitlements, bills, invoices)
    tables_enterprises,  # noqa: F401  (enterprises, memberships, authorisation letters)
    tables_scans,  # noqa: F401  (scan sessions, platform request nonces)
    tables_seals,  # noqa: F401  (seals and their face history)
)
from adapters.persistence.tables import metadata

__all__ = ["metadata"]
