"""SQLAlchemy repositories: one per aggregate, all on the unit of work's session."""

from __future__ import annotations

import base64
from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.observability.context import current_request_id
from adapters.observability.tracing import current_traceparent
from adapters.persistence import tables as t
from application.ports import OutboxMessage, Page
from domain.accounts.account import Account
from domain.accounts.session import AuthSession, PrincipalKind, SpentRefreshToken
from domain.accounts.sms import SmsChallenge, SmsPurpose
from domain.audit import AuditEvent
from domain.identity.face import FaceCheck
from domain.identity.identity import Identity
from domain.identity.review import Review, ReviewKind, ReviewStatus
from domain.operators.operator import Operator


class _Repo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, obj: object) -> None:
        self._s.add(obj)


class SqlAlchemyAccountRepository(_Repo):
    async def get(self, account_id: UUID) -> Account | None:
        return await self._s.get(Account, account_id)

    async def by_phone(self, phone: str) -> Account | None:
        return (await self._s.execute(select(Account).where(t.accounts.c.phone == phone))).scalar_one_or_none()


class SqlAlchemySmsChallengeRepository(_Repo):
    async def latest(self, phone: str, purpose: SmsPurpose) -> SmsChallenge | None:
        q = (select(SmsChallenge).where(t.sms_challenges.c.phone == phone, t.sms_challenges.c.purpose == purpose)
             .order_by(t.sms_challenges.c.sent_at.desc()).limit(1))
        return (await self._s.execute(q)).scalar_one_or_none()

    async def count_sent_since(self, *, since: datetime, phone: str | None = None,
                               client_ip: str | None = None) -> int:
        c = t.sms_challenges.c
        q = select(func.count()).select_from(t.sms_challenges).where(c.sent_at >= since)
        if phone is not None:
            q = q.where(c.phone == phone)
        if client_ip is not None:
            q = q.where(c.client_ip == client_ip)
        return int((await self._s.execute(q)).scalar_one())


class SqlAlchemySessionRepository(_Repo):
    async def get(self, session_id: UUID) -> AuthSession | None:
        return await self._s.get(AuthSession, session_id)

    async def _one(self, clause) -> AuthSession | None:
        return (await self._s.execute(select(AuthSession).where(clause))).scalar_one_or_none()

    async def by_access_hash(self, token_hash: str) -> AuthSession | None:
        return await self._one(t.auth_sessions.c.access_token_hash == token_hash)

    async def by_refresh_hash(self, token_hash: str) -> AuthSession | None:
        return await self._one(t.auth_sessions.c.refresh_token_hash == token_hash)

    async def by_previous_refresh_hash(self, token_hash: str) -> AuthSession | None:
        q = select(AuthSession).where(t.auth_sessions.c.previous_refresh_token_hash == token_hash).limit(1)
        return (await self._s.execute(q)).scalar_one_or_none()

    def spent(self, token: SpentRefreshToken) -> None:
        self._s.add(token)

    async def by_spent_refresh_hash(self, token_hash: str) -> AuthSession | None:
        spent = await self._s.get(SpentRefreshToken, token_hash)
        return await self.get(spent.session_id) if spent is not None else None

    async def prune_spent(self, before: datetime) -> None:
        await self._s.execute(delete(t.spent_refresh_tokens).where(t.spent_refresh_tokens.c.spent_at < before))

    async def active_for(self, kind: PrincipalKind, principal_id: UUID, now: datetime) -> list[AuthSession]:
        c = t.auth_sessions.c
        q = (select(AuthSession)
             .where(c.principal_kind == kind, c.principal_id == principal_id, c.revoked_at.is_(None),
                    or_(c.access_expires_at > now, c.refresh_expires_at > now))
             .order_by(c.created_at.desc()))
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyIdentityRepository(_Repo):
    async def for_account(self, account_id: UUID) -> Identity | None:
        return await self._s.get(Identity, account_id)

    async def for_accounts(self, account_ids: list[UUID]) -> list[Identity]:
        if not account_ids:
            return []
        q = select(Identity).where(t.identities.c.account_id.in_(account_ids))
        return list((await self._s.execute(q)).scalars())

    async def claimed(self, document_key: str) -> Identity | None:
        q = select(Identity).where(t.identities.c.document_key == document_key)
        return (await self._s.execute(q)).scalar_one_or_none()


class SqlAlchemyFaceCheckRepository(_Repo):
    async def by_token(self, token: str) -> FaceCheck | None:
        return (await self._s.execute(select(FaceCheck).where(t.face_checks.c.token == token))).scalar_one_or_none()


def encode_cursor(at: datetime, id_: UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{id_}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, id_ = raw.split("|", 1)
        return datetime.fromisoformat(at), UUID(id_)
    except (ValueError, UnicodeDecodeError):
        return None


class SqlAlchemyReviewRepository(_Repo):
    async def get(self, review_id: UUID) -> Review | None:
        return await self._s.get(Review, review_id)

    async def for_subject(self, account_id: UUID) -> list[Review]:
        c = t.reviews.c
        q = select(Review).where(c.subject_account_id == account_id).order_by(c.submitted_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def page(self, *, kind: ReviewKind | None, status: ReviewStatus | None, first: int,
                   after: str | None) -> Page[Review]:
        c = t.reviews.c
        # Oldest first: a review queue is worked from the front.
        q = select(Review).order_by(c.submitted_at, c.id).limit(first + 1)
        if kind is not None:
            q = q.where(c.kind == kind)
        if status is not None:
            q = q.where(c.status == status)
        if after:
            pos = decode_cursor(after)
            if pos is not None:
                at, id_ = pos
                q = q.where(or_(c.submitted_at > at, and_(c.submitted_at == at, c.id > id_)))
        rows = list((await self._s.execute(q)).scalars())
        items = rows[:first]
        return Page(items, len(rows) > first, [encode_cursor(r.submitted_at, r.id) for r in items])


class SqlAlchemyOperatorRepository(_Repo):
    async def get(self, operator_id: UUID) -> Operator | None:
        return await self._s.get(Operator, operator_id)

    async def by_username(self, username: str) -> Operator | None:
        q = select(Operator).where(t.operators.c.username == username)
        return (await self._s.execute(q)).scalar_one_or_none()


class SqlAlchemyAuditLog(_Repo):
    def record(self, event: AuditEvent) -> None:
        self._s.add(event)

    async def for_account(self, account_id: UUID, limit: int = 50) -> list[AuditEvent]:
        c = t.audit_events.c
        q = select(AuditEvent).where(c.account_id == account_id).order_by(c.at.desc()).limit(limit)
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyOutbox:
    def __init__(self, session: AsyncSession, clock) -> None:
        self._s, self._clock = session, clock
        self._pending: list[dict[str, Any]] = []

    def put(self, topic: str, payload: dict[str, Any]) -> UUID:
        message_id = uuid4()
        now = self._clock.now()
        self._pending.append({"id": message_id, "topic": topic, "payload": payload, "created_at": now,
                              "attempts": 0, "next_attempt_at": now, "request_id": current_request_id(),
                              "traceparent": current_traceparent()})
        return message_id

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    async def flush(self) -> None:
        if self._pending:
            await self._s.execute(t.outbox_messages.insert(), self._pending)
            self._pending = []

    @staticmethod
    def _row(r) -> OutboxMessage:
        return OutboxMessage(id=r.id, topic=r.topic, payload=r.payload, created_at=r.created_at,
                             attempts=r.attempts, next_attempt_at=r.next_attempt_at, delivered_at=r.delivered_at,
                             last_error=r.last_error, request_id=r.request_id, traceparent=r.traceparent)

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                        topics: Collection[str] | None = None) -> list[OutboxMessage]:
        c = t.outbox_messages.c
        q = (select(t.outbox_messages).where(c.delivered_at.is_(None), c.next_attempt_at.is_not(None),
                                             c.next_attempt_at <= now,
                                             *([c.topic.in_(list(topics))] if topics is not None else []))
             .order_by(c.next_attempt_at).limit(limit)
             # PostgreSQL: rows another worker is claiming right now are skipped, not waited for (SQLite has one
             # writer at a time and ignores the clause).
             .with_for_update(skip_locked=True))
        claimed = []
        for r in (await self._s.execute(q)).all():
            # Compare-and-set on next_attempt_at: of two workers that read the same row, one wins.
            res = await self._s.execute(update(t.outbox_messages)
                                        .where(c.id == r.id, c.next_attempt_at == r.next_attempt_at)
                                        .values(next_attempt_at=lease_until))
            if res.rowcount == 1:
                claimed.append(self._row(r))
        return claimed

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        r = (await self._s.execute(select(t.outbox_messages).where(t.outbox_messages.c.id == message_id))).first()
        return self._row(r) if r else None

    async def mark_delivered(self, message_id: UUID, now: datetime, redacted: dict[str, Any] | None) -> None:
        values: dict[str, Any] = {"delivered_at": now, "next_attempt_at": None, "last_error": None}
        if redacted is not None:
            values["payload"] = redacted
        await self._s.execute(update(t.outbox_messages).where(t.outbox_messages.c.id == message_id).values(**values))

    async def mark_failed(self, message_id: UUID, error: str, retry_at: datetime | None) -> None:
        c = t.outbox_messages.c
        await self._s.execute(update(t.outbox_messages).where(c.id == message_id)
                              .values(attempts=c.attempts + 1, last_error=error, next_attempt_at=retry_at))
