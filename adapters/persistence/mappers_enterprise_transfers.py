"""Imperative mapping of bank transfers and enterprise changes; called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_enterprise_transfers as t
from domain.enterprises.bank_transfer import BankTransfer
from domain.enterprises.change import EnterpriseChange


def map_enterprise_transfers(mapper_registry: registry) -> None:
    m = mapper_registry.map_imperatively
    m(EnterpriseChange, t.enterprise_changes, version_id_col=t.enterprise_changes.c.version)
    m(BankTransfer, t.bank_transfers, version_id_col=t.bank_transfers.c.version)
