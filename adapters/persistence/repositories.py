"""SQLAlchemy repositories: one per aggregate, all on the unit of work's session."""

from __future__ import annotations

import base64
from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Table, and_, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.observability.context import current_request_id
from adapters.observability.tracing import current_traceparent
from adapters.persistence import tables as t
from adapters.persistence.types import UtcDateTime
from application.ports import AuditQuery, OutboxMessage, OutboxTopicStats, Page
from domain.accounts.account import Account, LoginPolicy, PasswordLockout
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


async def take_password_try(session: AsyncSession, table: Table, holder: PasswordLockout, now: datetime,
                            policy: LoginPolicy) -> int | None:
    """PasswordLockout.take_password_try as one conditional UPDATE: parallel tries each count, none is lost, and none
    meets a version conflict (the counter columns are written here only, outside the optimistic version). `holder`
    is then refreshed to the row as it stands."""
    c = table.c
    number = case((c.password_locked_until.is_(None), c.failed_password_attempts), else_=0) + 1
    locks = number >= policy.max_failures
    result = await session.execute(
        update(table)
        .where(c.id == holder.id,  # type: ignore[attr-defined]
               or_(c.password_locked_until.is_(None), c.password_locked_until <= now))
        .values(failed_password_attempts=case((locks, 0), else_=number),
                password_locked_until=case((locks, literal(now + policy.lock_duration, UtcDateTime)),
                                           else_=literal(None, UtcDateTime))))
    await session.refresh(holder)
    if result.rowcount != 1:
        return None  # locked
    return policy.max_failures if holder.password_locked_until is not None else holder.failed_password_attempts


async def reset_password_tries(session: AsyncSession, table: Table, holder: PasswordLockout) -> None:
    """PasswordLockout.record_login_success on the row alone (no version conflict with parallel tries)."""
    await session.execute(update(table).where(table.c.id == holder.id)  # type: ignore[attr-defined]
                          .values(failed_password_attempts=0, password_locked_until=None))
    await session.refresh(holder)


class SqlAlchemyAccountRepository(_Repo):
    async def get(self, account_id: UUID) -> Account | None:
        return await self._s.get(Account, account_id)

    async def by_phone(self, phone: str) -> Account | None:
        return (await self._s.execute(select(Account).where(t.accounts.c.phone == phone))).scalar_one_or_none()

    async def take_password_try(self, account: Account, now: datetime, policy: LoginPolicy) -> int | None:
        return await take_password_try(self._s, t.accounts, account, now, policy)

    async def reset_password_tries(self, account: Account) -> None:
        await reset_password_tries(self._s, t.accounts, account)


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

    @staticmethod
    def _live(challenge: SmsChallenge, now: datetime):
        c = t.sms_challenges.c
        return and_(c.id == challenge.id, c.consumed_at.is_(None), c.attempts < c.max_attempts, c.expires_at > now)

    async def count_wrong_try(self, challenge: SmsChallenge, now: datetime) -> bool:
        # One conditional UPDATE: parallel wrong codes each add one, and none is counted past max_attempts.
        c = t.sms_challenges.c
        result = await self._s.execute(update(t.sms_challenges).where(self._live(challenge, now))
                                       .values(attempts=c.attempts + 1))
        await self._s.refresh(challenge)
        return result.rowcount == 1

    async def consume(self, challenge: SmsChallenge, now: datetime) -> bool:
        # Of parallel right codes exactly one consumes (the others wait on the row, then match nothing).
        result = await self._s.execute(update(t.sms_challenges).where(self._live(challenge, now))
                                       .values(consumed_at=now))
        await self._s.refresh(challenge)
        return result.rowcount == 1


class SqlAlchemySerialisationLocks(_Repo):
    async def hold(self, key: str, now: datetime) -> None:
        """Writes the key's row: PostgreSQL locks the row, SQLite takes its one write lock; both until commit."""
        dialect = self._s.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(t.serialisation_locks).values(key=key, taken_at=now)
        await self._s.execute(stmt.on_conflict_do_update(index_elements=["key"],
                                                         set_={"taken_at": stmt.excluded.taken_at}))

    async def prune(self, before: datetime) -> int:
        c = t.serialisation_locks.c
        result = await self._s.execute(delete(t.serialisation_locks).where(c.taken_at < before))
        return int(result.rowcount or 0)


class SqlAlchemySessionRepository(_Repo):
    async def get(self, session_id: UUID) -> AuthSession | None:
        return await self._s.get(AuthSession, session_id)

    async def _one(self, clause) -> AuthSession | None:
        return (await self._s.execute(select(AuthSession).where(clause))).scalar_one_or_none()

    async def by_access_hash(self, token_hash: str) -> AuthSession | None:
        """Every authenticated request starts here: one statement on the unique index of the hash, with the
        session's account in the same row, so the account check that follows (`accounts.get`) is served by the
        identity map instead of a second round trip."""
        s = t.auth_sessions.c
        q = (select(AuthSession, Account)
             .outerjoin(Account, and_(s.principal_kind == PrincipalKind.ACCOUNT, t.accounts.c.id == s.principal_id))
             .where(s.access_token_hash == token_hash))
        row = (await self._s.execute(q)).first()
        if row is None:
            return None
        # The identity map holds objects weakly: keep the account alive for as long as this unit of work.
        self._principal_account = row[1]
        return row[0]

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


async def count_rows(session: AsyncSession, table: Table, filters: list[Any]) -> int:
    """A connection's totalCount: the rows of the whole list under its filters, the cursor aside."""
    q = select(func.count()).select_from(table).where(*filters)
    return int((await session.execute(q)).scalar_one())


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
        filters = [c.kind == kind] if kind is not None else []
        filters += [c.status == status] if status is not None else []
        q = q.where(*filters)
        total = await count_rows(self._s, t.reviews, filters)
        if after:
            pos = decode_cursor(after)
            if pos is not None:
                at, id_ = pos
                q = q.where(or_(c.submitted_at > at, and_(c.submitted_at == at, c.id > id_)))
        rows = list((await self._s.execute(q)).scalars())
        items = rows[:first]
        return Page(items, len(rows) > first, [encode_cursor(r.submitted_at, r.id) for r in items], total)


class SqlAlchemyOperatorRepository(_Repo):
    async def get(self, operator_id: UUID) -> Operator | None:
        return await self._s.get(Operator, operator_id)

    async def by_username(self, username: str) -> Operator | None:
        q = select(Operator).where(t.operators.c.username == username)
        return (await self._s.execute(q)).scalar_one_or_none()

    async def take_password_try(self, operator: Operator, now: datetime, policy: LoginPolicy) -> int | None:
        return await take_password_try(self._s, t.operators, operator, now, policy)

    async def reset_password_tries(self, operator: Operator) -> None:
        await reset_password_tries(self._s, t.operators, operator)


class SqlAlchemyAuditLog(_Repo):
    def record(self, event: AuditEvent) -> None:
        self._s.add(event)

    async def for_account(self, account_id: UUID, limit: int = 50) -> list[AuditEvent]:
        c = t.audit_events.c
        q = select(AuditEvent).where(c.account_id == account_id).order_by(c.at.desc()).limit(limit)
        return list((await self._s.execute(q)).scalars())

    async def count(self, kind: str, account_id: UUID, since: datetime) -> int:
        c = t.audit_events.c
        q = (select(func.count()).select_from(t.audit_events)
             .where(c.account_id == account_id, c.kind == kind, c.at > since))
        return int((await self._s.execute(q)).scalar_one())

    async def search(self, query: AuditQuery, limit: int) -> list[AuditEvent]:
        c = t.audit_events.c
        q = select(AuditEvent)
        if query.since is not None:
            q = q.where(c.at >= query.since)
        if query.until is not None:
            q = q.where(c.at < query.until)
        if query.operator_id is not None:
            q = q.where(c.operator_id == query.operator_id)
        if query.account_id is not None:
            q = q.where(c.account_id == query.account_id)
        if query.kind_prefix:
            escaped = query.kind_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            q = q.where(c.kind.like(f"{escaped}%", escape="\\"))
        q = q.order_by(c.at.desc(), c.id).limit(limit)
        return list((await self._s.execute(q)).scalars())


def _aware(at: datetime | None) -> datetime | None:
    # An aggregate of a UtcDateTime column comes back without the type's decoration (naive on SQLite).
    if at is None or at.tzinfo is not None:
        return at
    from datetime import UTC

    return at.replace(tzinfo=UTC)


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

    async def topic_stats(self) -> list[OutboxTopicStats]:
        c = t.outbox_messages.c
        waiting = c.next_attempt_at.is_not(None)
        q = (select(c.topic,
                    func.count().filter(waiting),
                    func.count().filter(waiting, c.attempts > 0),
                    func.count().filter(c.next_attempt_at.is_(None)),
                    func.min(c.created_at).filter(waiting))
             .where(c.delivered_at.is_(None)).group_by(c.topic).order_by(c.topic))
        return [OutboxTopicStats(topic, int(w), int(f), int(g), _aware(oldest))
                for topic, w, f, g, oldest in (await self._s.execute(q)).all()]

    async def undelivered_failures(self, limit: int) -> list[OutboxMessage]:
        c = t.outbox_messages.c
        q = (select(t.outbox_messages).where(c.delivered_at.is_(None), c.attempts > 0)
             .order_by(c.created_at.desc(), c.id).limit(limit))
        return [self._row(r) for r in (await self._s.execute(q)).all()]

    async def retry_now(self, message_id: UUID, now: datetime) -> bool:
        c = t.outbox_messages.c
        done = await self._s.execute(update(t.outbox_messages).where(c.id == message_id, c.delivered_at.is_(None))
                                     .values(next_attempt_at=now))
        return done.rowcount == 1
