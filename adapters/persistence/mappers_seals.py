"""Imperative mapping of the seal aggregate; called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_seals as t
from domain.seals.seal import Seal, SealFace


def map_seals(mapper_registry: registry) -> None:
    m = mapper_registry.map_imperatively
    m(Seal, t.seals, version_id_col=t.seals.c.version)
    m(SealFace, t.seal_faces)
