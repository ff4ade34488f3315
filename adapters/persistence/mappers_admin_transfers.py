"""Imperative mapping of the admin transfers (§8.4); called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_admin_transfers as t
from domain.enterprises.admin_transfer import AdminTransfer


def map_admin_transfers(mapper_registry: registry) -> None:
    mapper_registry.map_imperatively(AdminTransfer, t.admin_transfers, version_id_col=t.admin_transfers.c.version)
