"""Imperative mapping of the signing aggregates; called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_signing as t
from domain.signing.signing_key import SigningKey
from domain.signing.signing_request import SigningRequest


def map_signing(mapper_registry: registry) -> None:
    m = mapper_registry.map_imperatively
    m(SigningKey, t.signing_keys, version_id_col=t.signing_keys.c.version)
    m(SigningRequest, t.signing_requests, version_id_col=t.signing_requests.c.version)
