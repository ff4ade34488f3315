"""Imperative mapping: the domain classes stay plain; this module teaches SQLAlchemy to persist them."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables as t
from domain.accounts.account import Account
from domain.accounts.session import AuthSession, SpentRefreshToken
from domain.accounts.sms import SmsChallenge
from domain.audit import AuditEvent
from domain.identity.face import FaceCheck
from domain.identity.identity import Identity
from domain.identity.review import Review
from domain.operators.operator import Operator

mapper_registry = registry(metadata=t.metadata)
_started = False


def start_mappers() -> None:
    """Idempotent; called by the composition root, never at import time."""
    global _started
    if _started:
        return
    m = mapper_registry.map_imperatively
    m(Account, t.accounts, version_id_col=t.accounts.c.version)
    m(SmsChallenge, t.sms_challenges)
    m(AuthSession, t.auth_sessions, version_id_col=t.auth_sessions.c.version)
    m(SpentRefreshToken, t.spent_refresh_tokens)
    m(Identity, t.identities, version_id_col=t.identities.c.version)
    m(FaceCheck, t.face_checks, version_id_col=t.face_checks.c.version)
    m(Review, t.reviews, version_id_col=t.reviews.c.version)
    m(Operator, t.operators, version_id_col=t.operators.c.version)
    m(AuditEvent, t.audit_events)
    from adapters.persistence.mappers_ca import map_ca

    map_ca(mapper_registry)
    from adapters.persistence.mappers_signing import map_signing

    map_signing(mapper_registry)
    from adapters.persistence.mappers_commerce import map_commerce

    map_commerce(mapper_registry)
    from adapters.persistence.mappers_seals import map_seals

    map_seals(mapper_registry)
    from adapters.persistence.mappers_scans import map_scans

    map_scans(mapper_registry)
    from adapters.persistence.mappers_enterprises import map_enterprises

    map_enterprises(mapper_registry)
    from adapters.persistence.mappers_admin_transfers import map_admin_transfers

    map_admin_transfers(mapper_registry)
    from adapters.persistence.repositories_grants import map_certificate_grants

    map_certificate_grants(mapper_registry)
    from adapters.persistence.repositories_legal_rep_invitations import map_legal_rep_invitations

    map_legal_rep_invitations(mapper_registry)
    from adapters.persistence.repositories_members import map_members

    map_members(mapper_registry)
    from adapters.persistence.mappers_enterprise_transfers import map_enterprise_transfers

    map_enterprise_transfers(mapper_registry)
    from adapters.persistence.repositories_service_applications import map_service_applications

    map_service_applications(mapper_registry)
    _started = True
