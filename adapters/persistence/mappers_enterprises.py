"""Imperative mapping of enterprises, memberships and authorisation letters; called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_enterprises as t
from domain.enterprises.enterprise import AuthorizationLetter, Enterprise, Membership


def map_enterprises(mapper_registry: registry) -> None:
    m = mapper_registry.map_imperatively
    m(Enterprise, t.enterprises, version_id_col=t.enterprises.c.version)
    m(Membership, t.memberships, version_id_col=t.memberships.c.version)
    m(AuthorizationLetter, t.authorization_letters, version_id_col=t.authorization_letters.c.version)
