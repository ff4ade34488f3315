"""grants for the service applications already paid for

Issue 19, item 1 (§6.3 / §8.5.3, SPEC §4 "the member holds a grant"): paying for an approved service application now
gives the applicant the grant it asked for, in the fulfilment's transaction. Applications paid before that are
PURCHASED, the enterprise holds the entitlement, but the member holds no grant. This revision gives each of them the
grant the fulfilment now makes: ACTIVE from the payment, the application's platform, the operations of the
entitlement its order created, through that entitlement's last day (China Standard Time), approved by the legal rep
who signed the 服务申请授权书 (its letter and signed letter are the grant's). None is made when the applicant left
the enterprise since (their grant would have ENDED with the membership), when the entitlement was revoked or has run
out, or when a grant already pays with that order (running it twice changes nothing). No schema change; downgrade
leaves the grants (they are what the members were sold).

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-08 01:40:00
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None

CHINA = timezone(timedelta(hours=8))

_applications = sa.table(
    "enterprise_service_applications", sa.column("id", sa.Uuid()), sa.column("enterprise_id", sa.Uuid()),
    sa.column("applicant_account_id", sa.Uuid()), sa.column("applicant_membership_id", sa.Uuid()),
    sa.column("plan_id", sa.Uuid()), sa.column("platform_id", sa.Uuid()), sa.column("status", sa.String()),
    sa.column("order_id", sa.Uuid()), sa.column("approved_by", sa.Uuid()),
    sa.column("approved_at", sa.DateTime(timezone=True)), sa.column("purchased_at", sa.DateTime(timezone=True)),
    sa.column("letter_blob_id", sa.String()), sa.column("letter_sha256", sa.String()),
    sa.column("signed_blob_id", sa.String()), sa.column("signed_sha256", sa.String()),
    sa.column("certificate_id", sa.Uuid()))
_memberships = sa.table("enterprise_memberships", sa.column("id", sa.Uuid()), sa.column("enterprise_id", sa.Uuid()),
                        sa.column("account_id", sa.Uuid()))
_entitlements = sa.table(
    "entitlements", sa.column("holder_kind", sa.String()), sa.column("holder_id", sa.Uuid()),
    sa.column("order_id", sa.Uuid()), sa.column("plan_id", sa.Uuid()), sa.column("operations", sa.JSON()),
    sa.column("valid_until", sa.DateTime(timezone=True)), sa.column("revoked_at", sa.DateTime(timezone=True)))
_grants = sa.table(
    "certificate_grants", sa.column("id", sa.Uuid()), sa.column("enterprise_id", sa.Uuid()),
    sa.column("membership_id", sa.Uuid()), sa.column("member_account_id", sa.Uuid()),
    sa.column("platform_id", sa.Uuid()), sa.column("operations", sa.JSON()),
    sa.column("ends_at", sa.DateTime(timezone=True)), sa.column("granted_by", sa.Uuid()),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("status", sa.String()),
    sa.column("approved_by", sa.Uuid()), sa.column("approved_at", sa.DateTime(timezone=True)),
    sa.column("signed_blob_id", sa.String()), sa.column("signed_sha256", sa.String()),
    sa.column("certificate_id", sa.Uuid()), sa.column("order_id", sa.Uuid()),
    sa.column("activated_at", sa.DateTime(timezone=True)), sa.column("seal_ids", sa.JSON()),
    sa.column("letter_blob_id", sa.String()), sa.column("letter_sha256", sa.String()),
    sa.column("version", sa.Integer()))
_audit = sa.table("audit_events", sa.column("id", sa.Uuid()), sa.column("kind", sa.String()),
                  sa.column("at", sa.DateTime(timezone=True)), sa.column("outcome", sa.String()),
                  sa.column("account_id", sa.Uuid()), sa.column("detail", sa.JSON()))
_OPERATIONS = ("LOGIN", "SIGN", "ENCRYPT", "DECRYPT")


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive UTC (the ORM's UtcDateTime wrote it so); PostgreSQL an aware value.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _stored(bind, value: datetime | None) -> datetime | None:
    if value is None:
        return None
    value = _utc(value)
    return value.replace(tzinfo=None) if bind.dialect.name == "sqlite" else value


def _end_of_last_day(valid_until: datetime) -> datetime:
    """As domain/grants/grant.py end_of_day: the first instant after the entitlement's last day in Beijing."""
    last_day = _utc(valid_until).astimezone(CHINA).date()
    return datetime.combine(last_day + timedelta(days=1), time(), CHINA).astimezone(UTC)


def backfill_application_grants(bind, now: datetime | None = None) -> int:
    """Makes the missing grants; returns how many. Importable by tests (the revision runs it with op.get_bind())."""
    now = now or datetime.now(UTC)
    a, m, e, g = _applications, _memberships, _entitlements, _grants
    made = 0
    for app in bind.execute(sa.select(a).where(a.c.status == "PURCHASED", a.c.order_id.is_not(None))).all():
        if bind.execute(sa.select(g.c.id).where(g.c.order_id == app.order_id)).first() is not None:
            continue
        member = bind.execute(sa.select(m.c.id).where(
            m.c.id == app.applicant_membership_id, m.c.enterprise_id == app.enterprise_id,
            m.c.account_id == app.applicant_account_id)).first()
        held = bind.execute(sa.select(e.c.operations, e.c.valid_until, e.c.revoked_at).where(
            e.c.holder_kind == "ENTERPRISE", e.c.holder_id == app.enterprise_id, e.c.order_id == app.order_id,
            e.c.plan_id == app.plan_id)).first()
        if member is None or held is None or held.revoked_at is not None or _utc(held.valid_until) <= now:
            continue
        if app.approved_by is None or app.signed_blob_id is None:
            continue  # never PURCHASED without the legal rep's signature; kept out rather than guessed
        operations = [o for o in _OPERATIONS if o in set(held.operations or [])]
        if not operations:
            continue
        grant_id, paid_at = uuid4(), _utc(app.purchased_at) if app.purchased_at is not None else now
        bind.execute(g.insert().values(
            id=grant_id, enterprise_id=app.enterprise_id, membership_id=member.id,
            member_account_id=app.applicant_account_id, platform_id=app.platform_id, operations=operations,
            ends_at=_stored(bind, _end_of_last_day(held.valid_until)), granted_by=app.approved_by,
            created_at=_stored(bind, paid_at), status="ACTIVE", approved_by=app.approved_by,
            approved_at=_stored(bind, app.approved_at), signed_blob_id=app.signed_blob_id,
            signed_sha256=app.signed_sha256, certificate_id=app.certificate_id, order_id=app.order_id,
            activated_at=_stored(bind, paid_at), seal_ids=[], letter_blob_id=app.letter_blob_id or None,
            letter_sha256=app.letter_sha256 or None, version=1))
        bind.execute(_audit.insert().values(
            id=uuid4(), kind="grant.activated", at=_stored(bind, now), outcome="SUCCESS",
            account_id=app.applicant_account_id,
            detail={"grant_id": str(grant_id), "enterprise_id": str(app.enterprise_id),
                    "order_id": str(app.order_id), "application_id": str(app.id), "by": "migration 0014"}))
        made += 1
    return made


def upgrade() -> None:
    backfill_application_grants(op.get_bind())


def downgrade() -> None:
    pass
