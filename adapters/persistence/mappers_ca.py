"""Imperative mapping of the certificate aggregates; called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_ca as t
from application.certificates.ports import WrappedKey
from domain.certificates.certificate import Certificate


def map_ca(mapper_registry: registry) -> None:
    m = mapper_registry.map_imperatively
    m(Certificate, t.certificates, version_id_col=t.certificates.c.version)
    m(WrappedKey, t.wrapped_keys)
