"""Every table module, imported once so the metadata Alembic and the tests see is complete."""

from adapters.persistence import (
    tables,  # noqa: F401  (accounts, identity, reviews, audit, outbox)
    tables_ca,  # noqa: F401  (CA keys, certificates, CRLs, wrapped keys, PINs)
)
from adapters.persistence.tables import metadata

__all__ = ["metadata"]
