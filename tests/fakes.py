"""In-memory fakes of every port in application/ports.py, for unit tests and Gherkin scenarios.

The unit of work behaves like the SQLAlchemy one where tests can tell the difference: changes are
rolled back unless committed, commit enforces the schema's unique columns and the version counters of
the aggregates that carry one (raising domain.errors.Conflict), and what a row cannot hold in the real
schema (naive datetimes, JSON that does not serialise) fails the commit instead of passing silently.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from adapters.persistence.repositories import decode_cursor, encode_cursor
from application.certificates.ports import CertificateRequest, WrappedKey
from application.ports import (
    ExternalServiceUnavailable,
    FaceOutcome,
    FaceSessionTicket,
    IdentityCheckResult,
    InvalidCallback,
    OutboxMessage,
    Page,
    SmsDeliveryFailed,
)
from domain.accounts.account import Account
from domain.accounts.session import AuthSession, PrincipalKind
from domain.accounts.sms import SmsChallenge, SmsPurpose
from domain.audit import AuditEvent
from domain.certificates.certificate import Certificate, CertificateStatus
from domain.certificates.certificate import HolderKind as CertificateHolder
from domain.commerce.bill import BillRecord
from domain.commerce.catalogue import ServicePlan, TradingPlatform
from domain.commerce.entitlement import Entitlement, HolderKind, SubjectType
from domain.commerce.invoice import Invoice
from domain.commerce.order import Order, OrderStatus
from domain.commerce.payment import Payment, PaymentChannel, PaymentNotification
from domain.errors import Conflict, InvalidImage
from domain.identity.face import FaceCheck, FacePurpose
from domain.identity.identity import Identity
from domain.identity.review import Review, ReviewKind, ReviewStatus
from domain.operators.operator import Operator
from domain.seals.seal import Seal, SealFace, SealStyle
from domain.signing.signing_key import SigningKey
from domain.signing.signing_request import REQUEST_LIFETIME, SigningRequest

# ---------------------------------------------------------------- clock

DEFAULT_START = datetime(2025, 3, 10, 2, 0, 0, tzinfo=UTC)  # 10:00 in Beijing, a Monday


class FakeClock:
    """Stands still until a test moves it."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock tells aware UTC time")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now += (delta or timedelta(0)) + timedelta(**kwargs)
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock tells aware UTC time")
        self._now = moment


# ---------------------------------------------------------------- the database

# table name → (the key attribute, the columns the schema declares unique, versioned?)
_TABLES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "accounts": ("id", ("phone",), True),
    "sms": ("id", (), False),
    "sessions": ("id", ("access_token_hash", "refresh_token_hash"), True),
    "spent_refresh_tokens": ("token_hash", (), False),
    "identities": ("account_id", ("document_key",), True),
    "face_checks": ("id", ("token",), True),
    "reviews": ("id", (), True),
    "operators": ("id", ("username",), True),
    "audit": ("id", (), False),
    "outbox": ("id", (), False),
    "certificates": ("id", ("serial",), True),
    "wrapped_keys": ("certificate_id", (), False),
    "signing_keys": ("id", ("live_account_id",), True),
    "signing_requests": ("id", (), True),
    "seals": ("id", ("single_key",), True),
    "seal_faces": ("id", (), False),
    "entitlements": ("id", (), True),
    "trading_platforms": ("id", ("code",), True),
    "service_plans": ("id", (), True),
    "orders": ("id", (), True),
    "payments": ("id", (), True),
    "payment_notifications": ("id", (), False),
    "bill_records": ("id", (), False),
    "invoices": ("id", ("order_id",), True),
    "scan_sessions": ("id", ("t_id", "qr_hash"), True),
    "platform_nonces": ("id", (), False),
    "enterprises": ("id", ("certified_credit_code",), True),
    "memberships": ("id", (), True),
    "authorization_letters": ("id", (), True),
    "bank_transfers": ("id", ("bank_reference", "open_enterprise_id"), True),
    "enterprise_changes": ("id", ("open_enterprise_id",), True),
    "admin_transfers": ("id", ("pending_enterprise_id",), True),
    "certificate_grants": ("id", (), True),
    "legal_rep_invitations": ("id", ("token_hash",), True),
    "join_applications": ("id", ("pending_key",), True),
    "member_invitations": ("id", ("pending_key",), True),
    "service_applications": ("id", ("open_key",), True),
}

# Columns stored as JSON in the real schema.
_JSON_COLUMNS = {"reviews": ("attachments",), "audit": ("detail",), "outbox": ("payload",),
                 "entitlements": ("operations",), "service_plans": ("operations",), "orders": ("items",),
                 "scan_sessions": ("documents", "envelopes", "result"),
                 "certificate_grants": ("operations",)}


def _state_of(obj: object) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_sa_")}


class InMemoryDatabase:
    """What is committed. Tests read it directly to assert on state."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Any, Any]] = {name: {} for name in _TABLES}
        self.commits = 0
        self.locks: dict[str, Any] = {}  # serialisation locks by key (asyncio.Lock)

    def rows(self, table: str) -> list[Any]:
        return list(self.tables[table].values())

    # Convenience readers for assertions: committed rows only.
    def accounts(self) -> list[Account]:
        return self.rows("accounts")

    def account_by_phone(self, phone: str) -> Account | None:
        return next((a for a in self.accounts() if a.phone == phone), None)

    def account(self, account_id: UUID) -> Account | None:
        return self.tables["accounts"].get(account_id)

    def identity(self, account_id: UUID) -> Identity | None:
        return self.tables["identities"].get(account_id)

    def sessions_of(self, principal_id: UUID) -> list[AuthSession]:
        return [s for s in self.rows("sessions") if s.principal_id == principal_id]

    def live_sessions_of(self, principal_id: UUID) -> list[AuthSession]:
        return [s for s in self.sessions_of(principal_id) if s.revoked_at is None]

    def challenges(self, phone: str | None = None, purpose: SmsPurpose | None = None) -> list[SmsChallenge]:
        return [c for c in self.rows("sms")
                if (phone is None or c.phone == phone) and (purpose is None or c.purpose is purpose)]

    def reviews(self) -> list[Review]:
        return self.rows("reviews")

    def face_checks(self) -> list[FaceCheck]:
        return self.rows("face_checks")

    def operators(self) -> list[Operator]:
        return self.rows("operators")

    def audit_events(self, kind: str | None = None) -> list[AuditEvent]:
        return [e for e in self.rows("audit") if kind is None or e.kind == kind]

    def outbox_messages(self) -> list[OutboxMessage]:
        return self.rows("outbox")


# ---------------------------------------------------------------- repositories


class _Repo:
    table = ""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[Any, Any]:
        return self._uow._work[self.table]

    def add(self, obj: Any) -> None:
        key = getattr(obj, _TABLES[self.table][0])
        self._rows[key] = obj

    def _where(self, pred: Callable[[Any], bool]) -> list[Any]:
        return [o for o in self._rows.values() if pred(o)]

    def _refresh(self, obj: Any) -> Any:
        """Like Session.refresh: `obj` (this transaction's row) and what the transaction read take the committed
        row's state; a row this transaction added and has not committed stays as it is."""
        key = getattr(obj, _TABLES[self.table][0])
        committed = self._uow._db.tables[self.table].get(key)
        if committed is None:
            return obj
        state = copy.deepcopy(_state_of(committed))
        vars(obj).update(state)
        base = self._uow._base
        if base is not None and key in base.get(self.table, {}):
            vars(base[self.table][key]).update(copy.deepcopy(state))
        return obj

    def _update_committed(self, obj: Any, change: Callable[[Any], Any]) -> Any:
        """A conditional UPDATE that the caller commits at once (a counter): decided on the committed row and
        applied to it straight away, so interleaved transactions each count and none is lost; `obj` then shows the
        row as it stands."""
        key = getattr(obj, _TABLES[self.table][0])
        committed = self._uow._db.tables[self.table].get(key)
        if committed is None:
            return change(obj)
        result = change(committed)
        self._refresh(obj)
        return result


class InMemoryAccountRepository(_Repo):
    table = "accounts"

    async def get(self, account_id: UUID) -> Account | None:
        return self._rows.get(account_id)

    async def by_phone(self, phone: str) -> Account | None:
        return next(iter(self._where(lambda a: a.phone == phone)), None)

    async def take_password_try(self, account: Account, now: datetime, policy: Any) -> int | None:
        return self._update_committed(account, lambda a: a.take_password_try(now, policy))

    async def reset_password_tries(self, account: Account) -> None:
        self._update_committed(account, lambda a: a.record_login_success())


class InMemorySmsChallengeRepository(_Repo):
    table = "sms"

    async def latest(self, phone: str, purpose: SmsPurpose) -> SmsChallenge | None:
        found = self._where(lambda c: c.phone == phone and c.purpose is purpose)
        if not found:
            return None
        # max() keeps the first of equals; the last added wins a tie, as the newest row would.
        return max(reversed(found), key=lambda c: c.sent_at)

    async def count_sent_since(self, *, since: datetime, phone: str | None = None,
                               client_ip: str | None = None) -> int:
        return len(self._where(lambda c: c.sent_at >= since
                               and (phone is None or c.phone == phone)
                               and (client_ip is None or c.client_ip == client_ip)))

    async def count_wrong_try(self, challenge: SmsChallenge, now: datetime) -> bool:
        return self._update_committed(challenge, lambda c: c.count_wrong_try(now))

    async def consume(self, challenge: SmsChallenge, now: datetime) -> bool:
        # Decided on the committed row (a parallel transaction may have spent it) but applied in this transaction
        # only: spending the code is undone with the caller's change, as the UPDATE would be by a rollback.
        return self._refresh(challenge).consume(now)


class InMemorySerialisationLocks:
    """One asyncio.Lock per key, held until the unit of work ends: interleaved fake transactions on one key run one
    after another, and the tables they touch after `hold` are copied once the previous holder has committed."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    async def hold(self, key: str, now: datetime) -> None:
        import asyncio

        lock = self._uow._db.locks.setdefault(key, asyncio.Lock())
        if lock in self._uow._held:
            return
        await lock.acquire()
        self._uow._held.append(lock)

    async def prune(self, before: datetime) -> int:
        # No rows to keep here: a lock no transaction holds or waits for is dropped.
        locks = self._uow._db.locks
        idle = [k for k, lock in locks.items() if not lock.locked()]
        for k in idle:
            del locks[k]
        return len(idle)


class InMemorySessionRepository(_Repo):
    table = "sessions"

    async def get(self, session_id: UUID) -> AuthSession | None:
        return self._rows.get(session_id)

    async def by_access_hash(self, token_hash: str) -> AuthSession | None:
        return next(iter(self._where(lambda s: s.access_token_hash == token_hash)), None)

    async def by_refresh_hash(self, token_hash: str) -> AuthSession | None:
        return next(iter(self._where(lambda s: s.refresh_token_hash == token_hash)), None)

    async def by_previous_refresh_hash(self, token_hash: str) -> AuthSession | None:
        return next(iter(self._where(lambda s: s.previous_refresh_token_hash == token_hash)), None)

    def spent(self, token: Any) -> None:
        self._uow._work["spent_refresh_tokens"][token.token_hash] = token

    async def by_spent_refresh_hash(self, token_hash: str) -> AuthSession | None:
        spent = self._uow._work["spent_refresh_tokens"].get(token_hash)
        return self._rows.get(spent.session_id) if spent is not None else None

    async def prune_spent(self, before: datetime) -> None:
        rows = self._uow._work["spent_refresh_tokens"]
        for key in [k for k, v in rows.items() if v.spent_at < before]:
            del rows[key]

    async def active_for(self, kind: PrincipalKind, principal_id: UUID, now: datetime) -> list[AuthSession]:
        found = self._where(lambda s: s.principal_kind is kind and s.principal_id == principal_id
                            and s.revoked_at is None
                            and (s.access_expires_at > now
                                 or (s.refresh_expires_at is not None and s.refresh_expires_at > now)))
        return sorted(found, key=lambda s: s.created_at, reverse=True)


class InMemoryIdentityRepository(_Repo):
    table = "identities"

    async def for_account(self, account_id: UUID) -> Identity | None:
        return self._rows.get(account_id)

    async def for_accounts(self, account_ids: list[UUID]) -> list[Identity]:
        return [self._rows[i] for i in account_ids if i in self._rows]

    async def claimed(self, document_key: str) -> Identity | None:
        return next(iter(self._where(lambda i: i.document_key is not None and i.document_key == document_key)),
                    None)


class InMemoryFaceCheckRepository(_Repo):
    table = "face_checks"

    async def by_token(self, token: str) -> FaceCheck | None:
        return next(iter(self._where(lambda c: c.token == token)), None)


# The fakes page exactly like the SQL repositories: the same opaque cursors.
_encode_cursor, _decode_cursor = encode_cursor, decode_cursor


class InMemoryReviewRepository(_Repo):
    table = "reviews"

    async def get(self, review_id: UUID) -> Review | None:
        return self._rows.get(review_id)

    async def for_subject(self, account_id: UUID) -> list[Review]:
        return sorted(self._where(lambda r: r.subject_account_id == account_id), key=lambda r: (r.submitted_at, r.id))

    async def page(self, *, kind: ReviewKind | None, status: ReviewStatus | None, first: int,
                   after: str | None) -> Page[Review]:
        found = sorted(self._where(lambda r: (kind is None or r.kind is kind)
                                   and (status is None or r.status is status)),
                       key=lambda r: (r.submitted_at, r.id))
        total = len(found)
        if after:
            pos = _decode_cursor(after)
            if pos is not None:
                found = [r for r in found if (r.submitted_at, r.id) > pos]
        items = found[:first]
        return Page(items, len(found) > first, [_encode_cursor(r.submitted_at, r.id) for r in items], total)


class InMemoryOperatorRepository(_Repo):
    table = "operators"

    async def get(self, operator_id: UUID) -> Operator | None:
        return self._rows.get(operator_id)

    async def by_username(self, username: str) -> Operator | None:
        return next(iter(self._where(lambda o: o.username == username)), None)

    async def take_password_try(self, operator: Operator, now: datetime, policy: Any) -> int | None:
        return self._update_committed(operator, lambda o: o.take_password_try(now, policy))

    async def reset_password_tries(self, operator: Operator) -> None:
        self._update_committed(operator, lambda o: o.record_login_success())


class InMemoryAuditLog(_Repo):
    table = "audit"

    def record(self, event: AuditEvent) -> None:
        self.add(event)

    async def for_account(self, account_id: UUID, limit: int = 50) -> list[AuditEvent]:
        found = self._where(lambda e: e.account_id == account_id)
        return sorted(found, key=lambda e: e.at, reverse=True)[:limit]

    async def count(self, kind: str, account_id: UUID, since: datetime) -> int:
        return len(self._where(lambda e: e.account_id == account_id and e.kind == kind and e.at > since))

    async def search(self, query, limit: int) -> list[AuditEvent]:
        found = self._where(lambda e: (query.since is None or e.at >= query.since)
                            and (query.until is None or e.at < query.until)
                            and (query.operator_id is None or e.operator_id == query.operator_id)
                            and (query.account_id is None or e.account_id == query.account_id)
                            and (not query.kind_prefix or e.kind.startswith(query.kind_prefix)))
        return sorted(found, key=lambda e: e.at, reverse=True)[:limit]


class InMemoryOutbox(_Repo):
    table = "outbox"

    def put(self, topic: str, payload: dict[str, Any]) -> UUID:
        now = self._uow._clock.now()
        message = OutboxMessage(id=uuid4(), topic=topic, payload=copy.deepcopy(payload), created_at=now,
                                attempts=0, next_attempt_at=now)
        self.add(message)
        return message.id

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                        topics=None) -> list[OutboxMessage]:
        due = sorted(self._where(lambda m: m.delivered_at is None and m.next_attempt_at is not None
                                 and m.next_attempt_at <= now and (topics is None or m.topic in topics)),
                     key=lambda m: m.next_attempt_at)[:limit]
        claimed = [copy.deepcopy(m) for m in due]  # the row as read, before the lease
        for m in due:
            m.next_attempt_at = lease_until
        return claimed

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        m = self._rows.get(message_id)
        return copy.deepcopy(m) if m is not None else None

    async def mark_delivered(self, message_id: UUID, now: datetime, redacted: dict[str, Any] | None) -> None:
        m = self._rows[message_id]
        m.delivered_at, m.next_attempt_at, m.last_error = now, None, None
        if redacted is not None:
            m.payload = copy.deepcopy(redacted)

    async def mark_failed(self, message_id: UUID, error: str, retry_at: datetime | None) -> None:
        m = self._rows[message_id]
        m.attempts += 1
        m.last_error = error
        m.next_attempt_at = retry_at

    async def topic_stats(self):
        from application.ports import OutboxTopicStats

        out = []
        undelivered = self._where(lambda m: m.delivered_at is None)
        for topic in sorted({m.topic for m in undelivered}):
            mine = [m for m in undelivered if m.topic == topic]
            waiting = [m for m in mine if m.next_attempt_at is not None]
            out.append(OutboxTopicStats(topic, len(waiting), sum(1 for m in waiting if m.attempts > 0),
                                        sum(1 for m in mine if m.next_attempt_at is None),
                                        min((m.created_at for m in waiting), default=None)))
        return out

    async def undelivered_failures(self, limit: int) -> list[OutboxMessage]:
        found = self._where(lambda m: m.delivered_at is None and m.attempts > 0)
        return [copy.deepcopy(m) for m in sorted(found, key=lambda m: m.created_at, reverse=True)[:limit]]

    async def retry_now(self, message_id: UUID, now: datetime) -> bool:
        m = self._rows.get(message_id)
        if m is None or m.delivered_at is not None:
            return False
        m.next_attempt_at = now
        return True


class InMemoryCertificateRepository(_Repo):
    table = "certificates"

    async def record_tbs(self, certificate: Certificate) -> None:
        self.add(certificate)

    async def get(self, certificate_id: UUID) -> Certificate | None:
        return self._rows.get(certificate_id)

    async def by_serial(self, issuer: str, serial: str) -> Certificate | None:
        return next(iter(self._where(lambda c: c.issuer == issuer and c.serial == serial)), None)

    async def for_account(self, account_id: UUID) -> list[Certificate]:
        return sorted(self._where(lambda c: c.holder_account_id == account_id), key=lambda c: c.created_at)

    async def for_enterprise(self, enterprise_id: UUID) -> list[Certificate]:
        return sorted(self._where(lambda c: c.holder_enterprise_id == enterprise_id),
                      key=lambda c: (c.created_at, c.id))

    async def for_pair(self, pair_id: UUID) -> list[Certificate]:
        return sorted(self._where(lambda c: c.pair_id == pair_id), key=lambda c: c.usage.value, reverse=True)

    async def revoked(self, issuer: str) -> list[Certificate]:
        return self._where(lambda c: c.issuer == issuer and c.status is CertificateStatus.REVOKED)

    async def search(self, *, serial: str | None = None, subject_contains: str | None = None,
                     limit: int = 50) -> list[Certificate]:
        found = self._where(lambda c: c.status is not CertificateStatus.PENDING
                            and (serial is None or c.serial == serial)
                            and (subject_contains is None or subject_contains in c.subject_dn))
        return sorted(found, key=lambda c: c.created_at, reverse=True)[:limit]


class InMemoryWrappedKeyRepository(_Repo):
    table = "wrapped_keys"

    async def get(self, certificate_id: UUID) -> WrappedKey | None:
        return self._rows.get(certificate_id)


class InMemorySigningKeyRepository(_Repo):
    table = "signing_keys"

    async def get(self, key_id: UUID) -> SigningKey | None:
        return self._rows.get(key_id)

    async def live_for(self, account_id: UUID) -> SigningKey | None:
        return next(iter(self._where(lambda k: k.live_account_id == account_id)), None)


class InMemorySigningRequestRepository(_Repo):
    table = "signing_requests"

    async def get(self, request_id: UUID) -> SigningRequest | None:
        return self._rows.get(request_id)

    async def batch(self, batch_id: UUID) -> list[SigningRequest]:
        return sorted(self._where(lambda r: r.batch_id == batch_id), key=lambda r: r.position)

    async def record_spent(self, requests: list[SigningRequest]) -> None:
        return None  # the in-memory rows are the objects themselves

    async def batch_of(self, request_id: UUID) -> list[SigningRequest]:
        request = self._rows.get(request_id)
        return await self.batch(request.batch_id) if request is not None else []

    async def delete_spent_before(self, moment: datetime) -> int:
        gone = self._where(lambda r: (r.spent_at is not None and r.spent_at < moment)
                           or r.created_at < moment - REQUEST_LIFETIME)
        for r in gone:
            del self._rows[r.id]
        return len(gone)


class InMemorySealRepository(_Repo):
    table = "seals"

    def add_face(self, face: SealFace) -> None:
        self._uow._work["seal_faces"][face.id] = face

    async def get(self, seal_id: UUID) -> Seal | None:
        return self._rows.get(seal_id)

    async def for_account(self, account_id: UUID) -> list[Seal]:
        return sorted(self._where(lambda s: s.holder_account_id == account_id), key=lambda s: (s.created_at, s.id))

    async def for_enterprise(self, enterprise_id: UUID) -> list[Seal]:
        return sorted(self._where(lambda s: s.holder_enterprise_id == enterprise_id),
                      key=lambda s: (s.created_at, s.id))

    async def faces_of(self, seal_id: UUID) -> list[SealFace]:
        faces = [f for f in self._uow._work["seal_faces"].values() if f.seal_id == seal_id]
        return sorted(faces, key=lambda f: (f.created_at, f.id))


def _page(rows: list[Any], key: Callable[[Any], tuple[datetime, UUID]], first: int, after: str | None,
          newest_first: bool) -> Page[Any]:
    ordered = sorted(rows, key=key, reverse=newest_first)
    total = len(ordered)
    if after and (pos := _decode_cursor(after)) is not None:
        ordered = [r for r in ordered if (key(r) < pos if newest_first else key(r) > pos)]
    items = ordered[:first]
    return Page(items, len(ordered) > first, [_encode_cursor(*key(r)) for r in items], total)


class InMemoryEntitlementRepository(_Repo):
    table = "entitlements"

    async def get(self, entitlement_id: UUID) -> Entitlement | None:
        return self._rows.get(entitlement_id)

    async def for_holder(self, kind: HolderKind, holder_id: UUID) -> list[Entitlement]:
        found = self._where(lambda e: e.holder_kind is kind and e.holder_id == holder_id)
        return sorted(found, key=lambda e: (e.valid_from, e.id), reverse=True)

    async def active_for_holder(self, kind: HolderKind, holder_id: UUID, now: datetime) -> list[Entitlement]:
        return [e for e in await self.for_holder(kind, holder_id) if e.is_active(now)]


class InMemoryTradingPlatformRepository(_Repo):
    table = "trading_platforms"

    async def get(self, platform_id: UUID) -> TradingPlatform | None:
        return self._rows.get(platform_id)

    async def by_code(self, code: str) -> TradingPlatform | None:
        return next(iter(self._where(lambda p: p.code == code)), None)

    async def many(self, platform_ids: list[UUID]) -> list[TradingPlatform]:
        return [self._rows[i] for i in set(platform_ids) if i in self._rows]

    async def page(self, *, first: int, after: str | None) -> Page[TradingPlatform]:
        return _page(list(self._rows.values()), lambda p: (p.created_at, p.id), first, after, False)

    async def count(self) -> int:
        return len(self._rows)


class InMemoryServicePlanRepository(_Repo):
    table = "service_plans"

    async def get(self, plan_id: UUID) -> ServicePlan | None:
        return self._rows.get(plan_id)

    async def many(self, plan_ids: list[UUID]) -> list[ServicePlan]:
        return [self._rows[i] for i in set(plan_ids) if i in self._rows]

    async def for_platforms(self, platform_ids: list[UUID], subject_type: SubjectType | None) -> list[ServicePlan]:
        ids = set(platform_ids)
        found = self._where(lambda p: p.platform_id in ids and p.active
                            and (subject_type is None or p.subject_type is subject_type))
        return sorted(found, key=lambda p: (p.price_fen, p.created_at, p.id))


class InMemoryOrderRepository(_Repo):
    table = "orders"

    async def get(self, order_id: UUID) -> Order | None:
        return self._rows.get(order_id)

    async def page_for_account(self, account_id: UUID, *, first: int, after: str | None) -> Page[Order]:
        return _page(self._where(lambda o: o.account_id == account_id), lambda o: (o.placed_at, o.id),
                     first, after, True)

    async def expired_unpaid(self, now: datetime, limit: int) -> list[Order]:
        found = self._where(lambda o: o.status is OrderStatus.PENDING_PAYMENT and o.expires_at <= now)
        return sorted(found, key=lambda o: o.expires_at)[:limit]


class InMemoryPaymentRepository(_Repo):
    table = "payments"

    async def get(self, payment_id: UUID) -> Payment | None:
        return self._rows.get(payment_id)

    async def for_order(self, order_id: UUID) -> list[Payment]:
        return sorted(self._where(lambda p: p.order_id == order_id), key=lambda p: (p.created_at, p.id))


class InMemoryPaymentNotificationRepository(_Repo):
    table = "payment_notifications"

    def add(self, obj: Any) -> None:
        # The (channel, notify_id) unique constraint of the real schema.
        if self._where(lambda n: n.channel is obj.channel and n.notify_id == obj.notify_id):
            raise Conflict(details={"table": self.table, "reason": "unique notify_id"})
        super().add(obj)

    async def seen(self, channel: PaymentChannel, notify_id: str) -> PaymentNotification | None:
        return next(iter(self._where(lambda n: n.channel is channel and n.notify_id == notify_id)), None)


class InMemoryBillRecordRepository(_Repo):
    table = "bill_records"

    async def page_for_order(self, order_id: UUID, *, first: int, after: str | None) -> Page[BillRecord]:
        return _page(self._where(lambda b: b.order_id == order_id), lambda b: (b.used_at, b.id), first, after, True)


class InMemoryInvoiceRepository(_Repo):
    table = "invoices"

    async def get(self, invoice_id: UUID) -> Invoice | None:
        return self._rows.get(invoice_id)

    async def for_order(self, order_id: UUID) -> Invoice | None:
        return next(iter(self._where(lambda i: i.order_id == order_id)), None)

    async def for_orders(self, order_ids: list[UUID]) -> list[Invoice]:
        ids = set(order_ids)
        return self._where(lambda i: i.order_id in ids)


class InMemoryScanSessionRepository(_Repo):
    table = "scan_sessions"

    async def count_by_status(self, since: datetime) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s in self._where(lambda s: s.created_at >= since):
            counts[s.status.value] = counts.get(s.status.value, 0) + 1
        return counts

    async def get(self, session_id: UUID) -> Any:
        return self._rows.get(session_id)

    async def by_t_id(self, t_id: str) -> Any:
        return next(iter(self._where(lambda s: s.t_id == t_id)), None)

    async def by_qr_hash(self, qr_hash: str) -> Any:
        return next(iter(self._where(lambda s: s.qr_hash == qr_hash)), None)

    async def due_to_expire(self, now: datetime, limit: int) -> list[Any]:
        due = self._where(lambda s: s.status.value in ("WAITING", "SCANNED") and s.expires_at <= now)
        return sorted(due, key=lambda s: s.expires_at)[:limit]


class InMemoryPlatformNonceRepository(_Repo):
    table = "platform_nonces"

    def add(self, obj: Any) -> None:
        if self._where(lambda n: n.platform_id == obj.platform_id and n.nonce == obj.nonce):
            raise Conflict(details={"table": self.table, "reason": "unique platform_id, nonce"})
        super().add(obj)

    async def seen(self, platform_id: UUID, nonce: str) -> bool:
        return bool(self._where(lambda n: n.platform_id == platform_id and n.nonce == nonce))

    async def prune(self, before: datetime) -> None:
        for key in [k for k, n in self._rows.items() if n.seen_at < before]:
            del self._rows[key]


class InMemoryEnterpriseRepository(_Repo):
    table = "enterprises"

    async def get(self, enterprise_id: UUID) -> Any:
        return self._rows.get(enterprise_id)

    async def many(self, enterprise_ids: list[UUID]) -> list[Any]:
        return [self._rows[i] for i in enterprise_ids if i in self._rows]

    async def certified_with_code(self, credit_code: str) -> Any:
        return next(iter(self._where(lambda e: e.certified_credit_code == credit_code)), None)

    async def certified_named(self, name: str) -> list[Any]:
        return sorted(self._where(lambda e: e.name == name and e.status.value == "CERTIFIED"),
                      key=lambda e: (e.certified_at, e.id))

    async def naming_legal_rep(self, legal_rep_id_index: str) -> list[Any]:
        return sorted(self._where(lambda e: e.legal_rep_id_index == legal_rep_id_index),
                      key=lambda e: (e.created_at, e.id))


class InMemoryMembershipRepository(_Repo):
    table = "memberships"

    def add(self, obj: Any) -> None:
        if self._where(lambda m: m.enterprise_id == obj.enterprise_id and m.account_id == obj.account_id
                       and m.id != obj.id):
            raise Conflict(details={"table": self.table, "reason": "unique enterprise_id, account_id"})
        super().add(obj)

    async def of(self, enterprise_id: UUID, account_id: UUID) -> Any:
        return next(iter(self._where(lambda m: m.enterprise_id == enterprise_id and m.account_id == account_id)),
                    None)

    async def for_account(self, account_id: UUID) -> list[Any]:
        return sorted(self._where(lambda m: m.account_id == account_id), key=lambda m: (m.joined_at, m.id))

    async def for_enterprise(self, enterprise_id: UUID) -> list[Any]:
        return sorted(self._where(lambda m: m.enterprise_id == enterprise_id), key=lambda m: (m.joined_at, m.id))


class InMemoryAuthorizationLetterRepository(_Repo):
    table = "authorization_letters"

    async def get(self, letter_id: UUID) -> Any:
        return self._rows.get(letter_id)


class InMemoryLegalRepInvitationRepository(_Repo):
    table = "legal_rep_invitations"

    async def by_token_hash(self, token_hash: str) -> Any:
        return next(iter(self._where(lambda i: i.token_hash == token_hash)), None)

    async def live_for_enterprise(self, enterprise_id: UUID) -> list[Any]:
        return sorted(self._where(lambda i: i.enterprise_id == enterprise_id and i.is_live),
                      key=lambda i: (i.created_at, i.id))

    async def recent_for_enterprise(self, enterprise_id: UUID, limit: int) -> list[Any]:
        return sorted(self._where(lambda i: i.enterprise_id == enterprise_id), key=lambda i: (i.created_at, i.id),
                      reverse=True)[:limit]

    async def get(self, invitation_id: UUID) -> Any:
        return self._rows.get(invitation_id)


class InMemoryJoinApplicationRepository(_Repo):
    table = "join_applications"

    async def get(self, application_id: UUID) -> Any:
        return self._rows.get(application_id)

    async def pending_of(self, enterprise_id: UUID, account_id: UUID) -> Any:
        return next(iter(self._where(lambda a: a.enterprise_id == enterprise_id and a.applicant_account_id == account_id
                                     and a.status.value == "PENDING")), None)

    async def pending_for_account(self, account_id: UUID) -> list[Any]:
        return sorted(self._where(lambda a: a.applicant_account_id == account_id and a.status.value == "PENDING"),
                      key=lambda a: (a.submitted_at, a.id))

    async def page(self, enterprise_id: UUID, *, status: Any, first: int, after: str | None) -> Page[Any]:
        return _page(self._where(lambda a: a.enterprise_id == enterprise_id and (status is None or a.status is status)),
                     lambda a: (a.submitted_at, a.id), first, after, False)


class InMemoryMemberInvitationRepository(_Repo):
    table = "member_invitations"

    async def pending_of(self, enterprise_id: UUID, phone_index: str) -> Any:
        return next(iter(self._where(lambda i: i.enterprise_id == enterprise_id and i.phone_index == phone_index
                                     and i.status.value == "PENDING")), None)

    async def pending_for_phone(self, phone_index: str) -> list[Any]:
        return sorted(self._where(lambda i: i.phone_index == phone_index and i.status.value == "PENDING"),
                      key=lambda i: (i.created_at, i.id))

    async def get(self, invitation_id: UUID) -> Any:
        return self._rows.get(invitation_id)

    async def count_since(self, enterprise_id: UUID, phone_index: str, since: Any) -> int:
        return len(self._where(lambda i: i.enterprise_id == enterprise_id and i.phone_index == phone_index
                               and i.created_at >= since))

    async def page(self, enterprise_id: UUID, *, pending_only: bool, first: int, after: str | None) -> Page[Any]:
        return _page(self._where(lambda i: i.enterprise_id == enterprise_id
                                 and (not pending_only or i.status.value == "PENDING")),
                     lambda i: (i.created_at, i.id), first, after, False)


class InMemoryMemberDirectory(_Repo):
    """The member list as the SQL directory joins it: memberships with their accounts' phones and verified names."""

    table = "memberships"

    async def get(self, membership_id: UUID) -> Any:
        return self._rows.get(membership_id)

    async def page(self, enterprise_id: UUID, *, first: int, after: str | None) -> Page[Any]:
        from application.enterprises.member_ports import MemberRow

        found = _page(self._where(lambda m: m.enterprise_id == enterprise_id), lambda m: (m.joined_at, m.id), first,
                      after, False)
        accounts, identities = self._uow._work["accounts"], self._uow._work["identities"]
        rows = []
        for m in found.items:
            account, identity = accounts.get(m.account_id), identities.get(m.account_id)
            rows.append(MemberRow(m, identity.legal_name if identity is not None and identity.is_verified else None,
                                  account.phone if account is not None and account.is_active else None))
        return Page(rows, found.has_next, found.cursors, found.total)

    async def remove(self, membership: Any) -> None:
        del self._rows[membership.id]


class InMemoryCertificateGrantRepository(_Repo):
    table = "certificate_grants"

    async def get(self, grant_id: UUID) -> Any:
        return self._rows.get(grant_id)

    def _sorted(self, pred) -> list[Any]:
        return sorted(self._where(pred), key=lambda g: (g.created_at, g.id))

    async def for_enterprise(self, enterprise_id: UUID) -> list[Any]:
        return self._sorted(lambda g: g.enterprise_id == enterprise_id)

    async def for_member_account(self, account_id: UUID) -> list[Any]:
        return self._sorted(lambda g: g.member_account_id == account_id)

    async def for_membership(self, membership_id: UUID) -> list[Any]:
        return self._sorted(lambda g: g.membership_id == membership_id)

    async def by_order(self, order_id: UUID) -> Any:
        return next(iter(self._sorted(lambda g: g.order_id == order_id)), None)


class InMemoryAdminTransferRepository(_Repo):
    table = "admin_transfers"

    async def get(self, transfer_id: UUID) -> Any:
        return self._rows.get(transfer_id)

    async def pending_for(self, enterprise_id: UUID) -> Any:
        return next(iter(self._where(lambda t: t.pending_enterprise_id == enterprise_id)), None)

    async def for_enterprise(self, enterprise_id: UUID, *, pending_only: bool = False) -> list[Any]:
        found = self._where(lambda t: (t.pending_enterprise_id if pending_only else t.enterprise_id) == enterprise_id)
        return sorted(found, key=lambda t: (t.requested_at, t.id), reverse=True)[:100]


class InMemoryServiceApplicationRepository(_Repo):
    table = "service_applications"

    async def get(self, application_id: UUID) -> Any:
        return self._rows.get(application_id)

    async def open_with_key(self, key: str) -> Any:
        return next(iter(self._where(lambda a: a.open_key == key)), None)

    async def for_order(self, order_id: UUID) -> Any:
        return next(iter(self._where(lambda a: a.order_id == order_id)), None)

    async def for_applicant(self, account_id: UUID) -> list[Any]:
        found = self._where(lambda a: a.applicant_account_id == account_id)
        return sorted(sorted(found, key=lambda a: a.id.hex), key=lambda a: a.requested_at, reverse=True)[:100]

    async def for_enterprise(self, enterprise_id: UUID, *, pending_only: bool = False) -> list[Any]:
        found = self._where(lambda a: a.enterprise_id == enterprise_id
                            and (not pending_only or a.status.value == "PENDING_APPROVAL"))
        return sorted(sorted(found, key=lambda a: a.id.hex), key=lambda a: a.requested_at, reverse=True)[:100]


class InMemoryBankTransferRepository(_Repo):
    table = "bank_transfers"

    async def get(self, transfer_id: UUID) -> Any:
        return self._rows.get(transfer_id)

    async def open_for(self, enterprise_id: UUID) -> list[Any]:
        from domain.enterprises.bank_transfer import TransferStatus

        return sorted(self._where(lambda t: t.enterprise_id == enterprise_id
                                  and t.status is TransferStatus.AWAITING_CODE), key=lambda t: (t.created_at, t.id))

    async def for_enterprise(self, enterprise_id: UUID) -> list[Any]:
        return sorted(self._where(lambda t: t.enterprise_id == enterprise_id), key=lambda t: (t.created_at, t.id))


class InMemoryEnterpriseChangeRepository(_Repo):
    table = "enterprise_changes"

    async def get(self, change_id: UUID) -> Any:
        return self._rows.get(change_id)

    async def open_for(self, enterprise_id: UUID) -> Any:
        return next(iter(self._where(lambda c: c.enterprise_id == enterprise_id and c.is_open)), None)


# ---------------------------------------------------------------- unit of work


class _TableCopies(dict):
    """A unit of work's private tables, each copied from the database the first time the transaction touches it: a
    transaction pays for the tables it uses, not for the whole database (copying every table at every start was
    most of the suite's time). Like PostgreSQL's READ COMMITTED, a table first read after another transaction
    committed sees that commit; the version checks at commit still catch rows changed since they were read."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        super().__init__()
        self._uow = uow

    def __missing__(self, name: str) -> dict[Any, Any]:
        if name not in _TABLES:
            raise KeyError(name)
        base = self._uow._base
        assert base is not None
        if name not in base:
            base[name] = copy.deepcopy(self._uow._db.tables[name])
        self[name] = work = copy.deepcopy(base[name])
        return work


class InMemoryUnitOfWork:
    """One transaction over an InMemoryDatabase: a private copy of each table it touches, merged back on commit."""

    def __init__(self, db: InMemoryDatabase, clock: FakeClock,
                 factory: InMemoryUnitOfWorkFactory | None = None) -> None:
        self._db, self._clock, self._factory = db, clock, factory
        self._base: dict[str, dict[Any, Any]] | None = None
        self._work: dict[str, dict[Any, Any]] = {}
        self._held: list[Any] = []
        self.committed = False

    async def __aenter__(self) -> InMemoryUnitOfWork:
        if self._base is not None:
            raise RuntimeError("a unit of work is entered once")
        self._base = {}
        self._work = _TableCopies(self)
        self.committed = False
        self.accounts = InMemoryAccountRepository(self)
        self.sms = InMemorySmsChallengeRepository(self)
        self.locks = InMemorySerialisationLocks(self)
        self.sessions = InMemorySessionRepository(self)
        self.identities = InMemoryIdentityRepository(self)
        self.face_checks = InMemoryFaceCheckRepository(self)
        self.reviews = InMemoryReviewRepository(self)
        self.operators = InMemoryOperatorRepository(self)
        self.audit = InMemoryAuditLog(self)
        self.outbox = InMemoryOutbox(self)
        self.certificates = InMemoryCertificateRepository(self)
        self.wrapped_keys = InMemoryWrappedKeyRepository(self)
        self.signing_keys = InMemorySigningKeyRepository(self)
        self.signing_requests = InMemorySigningRequestRepository(self)
        self.seals = InMemorySealRepository(self)
        self.entitlements = InMemoryEntitlementRepository(self)
        self.trading_platforms = InMemoryTradingPlatformRepository(self)
        self.service_plans = InMemoryServicePlanRepository(self)
        self.orders = InMemoryOrderRepository(self)
        self.payments = InMemoryPaymentRepository(self)
        self.payment_notifications = InMemoryPaymentNotificationRepository(self)
        self.bill_records = InMemoryBillRecordRepository(self)
        self.invoices = InMemoryInvoiceRepository(self)
        self.scan_sessions = InMemoryScanSessionRepository(self)
        self.platform_nonces = InMemoryPlatformNonceRepository(self)
        self.enterprises = InMemoryEnterpriseRepository(self)
        self.memberships = InMemoryMembershipRepository(self)
        self.authorization_letters = InMemoryAuthorizationLetterRepository(self)
        self.bank_transfers = InMemoryBankTransferRepository(self)
        self.enterprise_changes = InMemoryEnterpriseChangeRepository(self)
        self.admin_transfers = InMemoryAdminTransferRepository(self)
        self.certificate_grants = InMemoryCertificateGrantRepository(self)
        self.legal_rep_invitations = InMemoryLegalRepInvitationRepository(self)
        self.join_applications = InMemoryJoinApplicationRepository(self)
        self.member_invitations = InMemoryMemberInvitationRepository(self)
        self.member_directory = InMemoryMemberDirectory(self)
        self.service_applications = InMemoryServiceApplicationRepository(self)
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Whatever was not committed is simply dropped with the private copy.
        self._work = {}
        while self._held:
            self._held.pop().release()

    async def rollback(self) -> None:
        assert self._base is not None
        self._work = _TableCopies(self)
        for name, rows in self._base.items():
            self._work[name] = copy.deepcopy(rows)

    async def commit(self) -> None:
        assert self._base is not None, "commit outside the unit of work"
        if self._factory is not None and self._factory._interleaved:
            await self._factory._interleaved.pop(0)()
        merged = {name: dict(rows) for name, rows in self._db.tables.items()}
        written: list[tuple[str, Any, Any]] = []  # (table, key, object)
        deleted: list[tuple[str, Any]] = []  # (table, key)
        for name, rows in self._work.items():
            versioned = _TABLES[name][2]
            base_rows = self._base[name]
            for key, obj in rows.items():
                before = base_rows.get(key)
                if before is None:
                    if key in merged[name]:
                        await self._fail(name, "duplicate key")
                elif _state_of(before) == _state_of(obj):
                    continue
                elif versioned:
                    # Another transaction committed this row since we read it: the UPDATE ... WHERE
                    # version = :old would match no row (StaleDataError in SQLAlchemy).
                    current = merged[name].get(key)
                    if current is None or current.version != before.version:
                        await self._fail(name, "stale version")
                _check_storable(name, obj)
                written.append((name, key, obj))
                merged[name][key] = obj
            # Rows this transaction deleted; a versioned one another transaction changed meanwhile is stale (the
            # DELETE ... WHERE version = :old would match no row).
            for key in [k for k in base_rows if k not in rows]:
                current = merged[name].get(key)
                if versioned and current is not None and current.version != base_rows[key].version:
                    await self._fail(name, "stale version")
                merged[name].pop(key, None)
                deleted.append((name, key))
        for name, (_key, unique, _versioned) in _TABLES.items():
            for column in unique:
                seen: set[Any] = set()
                for obj in merged[name].values():
                    value = getattr(obj, column)
                    if value is None:
                        continue
                    if value in seen:
                        await self._fail(name, f"unique {column}")
                    seen.add(value)
        for name, key, obj in written:
            if _TABLES[name][2] and key in self._base[name]:
                obj.version += 1
            merged[name][key] = copy.deepcopy(obj)
            self._base[name][key] = copy.deepcopy(obj)
        for name, key in deleted:
            self._base[name].pop(key, None)
        self._db.tables = merged
        self._db.commits += 1
        self.committed = True

    async def _fail(self, table: str, reason: str) -> None:
        # The real unit of work rolls the session back before raising.
        await self.rollback()
        raise Conflict(details={"table": table, "reason": reason})


def _check_storable(table: str, obj: object) -> None:
    for column, value in _state_of(obj).items():
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(f"naive datetime given to the database: {table}.{column}")
    for column in _JSON_COLUMNS.get(table, ()):
        json.dumps(getattr(obj, column))  # raises TypeError as the JSON column would


class InMemoryUnitOfWorkFactory:
    """Callable like the real factory: each call is a fresh unit of work on the shared database."""

    def __init__(self, db: InMemoryDatabase, clock: FakeClock) -> None:
        self.db, self._clock = db, clock
        self._interleaved: list[Callable[[], Awaitable[None]]] = []

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.db, self._clock, self)

    def interleave(self, transaction: Callable[[InMemoryUnitOfWork], Awaitable[None]]) -> None:
        """Runs `transaction` in its own committed unit of work just before the next commit of any other,
        as a concurrent request that slipped in between a check and the write would."""

        async def run() -> None:
            async with self() as rival:
                await transaction(rival)
                await rival.commit()

        self._interleaved.append(run)


# ---------------------------------------------------------------- technology ports


class FakePasswordHasher:
    """Salted SHA-256: instant, yet a wrong password or a foreign hash format never verifies."""

    async def hash(self, password: str) -> str:
        salt = secrets.token_hex(8)
        return f"fake${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"

    async def verify(self, password: str, password_hash: str) -> bool:
        parts = password_hash.split("$")
        if len(parts) != 3 or parts[0] != "fake":
            return False
        _, salt, digest = parts
        return hmac.compare_digest(hashlib.sha256((salt + password).encode()).hexdigest(), digest)


class FakeSecretHasher:
    """HMAC-SHA256 under a fixed key: the same input always hashes the same; tokens and codes are random."""

    def __init__(self, key: bytes = b"test-keyed-hash-key") -> None:
        self._key = key

    def new_token(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_urlsafe(24)}"

    def new_sms_code(self) -> str:
        return f"{secrets.randbelow(1_000_000):06d}"

    def hash(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


class FakeFieldCipher:
    """An HMAC-SHA256 keystream with an encrypt-then-MAC tag over nonce, body and context.

    Not for production, but authenticated: a changed byte or another context fails with ValueError,
    as the SM4-GCM adapter does."""

    _TAG = 16

    def __init__(self, key: bytes = b"test-field-key") -> None:
        self._key = key

    def _stream(self, nonce: bytes, n: int) -> bytes:
        out = b""
        counter = 0
        while len(out) < n:
            out += hmac.new(self._key, b"ks" + nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
            counter += 1
        return out[:n]

    def _tag(self, nonce: bytes, body: bytes, context: bytes) -> bytes:
        mac = hmac.new(self._key, b"tag" + nonce + len(context).to_bytes(4, "big") + context + body,
                       hashlib.sha256)
        return mac.digest()[: self._TAG]

    def encrypt(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(12)
        body = bytes(a ^ b for a, b in zip(plaintext, self._stream(nonce, len(plaintext)), strict=True))
        return nonce + body + self._tag(nonce, body, context)

    def decrypt(self, ciphertext: bytes, context: bytes) -> bytes:
        if len(ciphertext) < 12 + self._TAG:
            raise ValueError("not a field ciphertext")
        nonce, body, tag = ciphertext[:12], ciphertext[12:-self._TAG], ciphertext[-self._TAG:]
        if not hmac.compare_digest(tag, self._tag(nonce, body, context)):
            raise ValueError("ciphertext does not authenticate")
        return bytes(a ^ b for a, b in zip(body, self._stream(nonce, len(body)), strict=True))


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    purpose: str | None
    code: str | None
    message_id: str


class FakeSmsSender:
    """Records what it 'sent'. fail_next(n) makes the next n deliveries fail like a carrier outage."""

    def __init__(self) -> None:
        self.sent: list[SentSms] = []
        self._failures_left = 0
        self.down = False

    def fail_next(self, count: int = 1) -> None:
        self._failures_left = count

    async def send(self, phone: str, text: str, *, purpose: str | None = None, code: str | None = None) -> str:
        if self.down or self._failures_left > 0:
            self._failures_left = max(0, self._failures_left - 1)
            raise SmsDeliveryFailed("fake carrier: temporarily unavailable")
        message_id = f"fake-sms-{len(self.sent) + 1}"
        self.sent.append(SentSms(phone, text, purpose, code, message_id))
        return message_id

    def to(self, phone: str) -> list[SentSms]:
        return [m for m in self.sent if m.phone == phone]

    def last(self, phone: str) -> SentSms | None:
        found = self.to(phone)
        return found[-1] if found else None

    def last_code(self, phone: str, purpose: SmsPurpose | str | None = None) -> str | None:
        for m in reversed(self.to(phone)):
            if m.code is not None and (purpose is None or m.purpose == str(purpose)):
                return m.code
        return None


class FakeIdentityVerifier:
    """MATCH unless told otherwise, per ID number or for everyone; `down` raises ExternalServiceUnavailable."""

    def __init__(self) -> None:
        self.default = IdentityCheckResult.MATCH
        self.answers: dict[str, IdentityCheckResult] = {}
        self.down = False
        self.checks: list[tuple[str, str]] = []

    def mismatch(self, id_number: str | None = None) -> None:
        if id_number is None:
            self.default = IdentityCheckResult.MISMATCH
        else:
            self.answers[id_number.upper()] = IdentityCheckResult.MISMATCH

    async def check(self, legal_name: str, id_number: str) -> IdentityCheckResult:
        self.checks.append((legal_name, id_number))
        if self.down:
            raise ExternalServiceUnavailable("fake registry: unavailable")
        return self.answers.get(id_number.upper(), self.default)


SIGNATURE_HEADER = "x-fake-signature"


@dataclass
class _FaceSession:
    token: str
    legal_name: str
    id_number: str | None
    purpose: FacePurpose
    expires_at: datetime
    status: str = "PENDING"
    reason: str | None = None


class FakeFaceVerifier:
    """Face liveness vendor: start hands out tokens; a test decides each outcome with finish().

    callback(token) builds the signed notification the vendor would post; parse_callback checks it."""

    def __init__(self, clock: FakeClock, secret: bytes = b"fake-face-secret", ttl: timedelta = timedelta(minutes=10)):
        self._clock, self._secret, self._ttl = clock, secret, ttl
        self.sessions: dict[str, _FaceSession] = {}
        self.down = False
        self.result_down = False

    async def start(self, *, legal_name: str, id_number: str | None, purpose: FacePurpose) -> FaceSessionTicket:
        if self.down:
            raise ExternalServiceUnavailable("fake face vendor: unavailable")
        token = f"face_{secrets.token_urlsafe(12)}"
        expires = self._clock.now() + self._ttl
        self.sessions[token] = _FaceSession(token, legal_name, id_number, purpose, expires)
        return FaceSessionTicket(token=token, url=f"https://face.example.test/{token}", expires_at=expires)

    @property
    def last_token(self) -> str:
        return list(self.sessions)[-1]

    def finish(self, token: str | None = None, *, passed: bool = True, reason: str | None = None) -> str:
        """What the person does in front of the camera."""
        s = self.sessions[token or self.last_token]
        s.status = "PASSED" if passed else "FAILED"
        s.reason = None if passed else (reason or "活体检测未通过")
        return s.token

    async def result(self, token: str) -> FaceOutcome:
        if self.result_down:
            raise ExternalServiceUnavailable("fake face vendor: unavailable")
        s = self.sessions.get(token)
        if s is None:
            return FaceOutcome(token, "FAILED", "人脸核验会话不存在")
        if s.status == "PENDING" and self._clock.now() >= s.expires_at:
            return FaceOutcome(token, "FAILED", "人脸核验已超时")
        return FaceOutcome(token, s.status, s.reason)

    def _sign(self, body: bytes) -> str:
        return hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def callback(self, token: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The vendor's signed notification of the (finished) session."""
        s = self.sessions[token or self.last_token]
        body = json.dumps({"token": s.token, "status": s.status, "reason": s.reason}).encode()
        return body, {SIGNATURE_HEADER: self._sign(body)}

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> FaceOutcome:
        given = {k.lower(): v for k, v in headers.items()}.get(SIGNATURE_HEADER)
        if not given or not hmac.compare_digest(given, self._sign(body)):
            raise InvalidCallback("bad signature")
        try:
            data = json.loads(body)
            return FaceOutcome(str(data["token"]), str(data["status"]), data.get("reason"))
        except (ValueError, KeyError, TypeError):
            raise InvalidCallback("malformed body")


class FakeBlobStore:
    """A dict of blobs. fail_on_put(n) makes the n-th next put fail; on_put runs after each stored put."""

    def __init__(self) -> None:
        self.blobs: dict[str, tuple[bytes, str]] = {}
        self._fail_countdown: int | None = None
        self.on_put: Callable[[str], Any] | None = None

    def fail_on_put(self, nth: int = 1) -> None:
        self._fail_countdown = nth

    async def put(self, data: bytes, content_type: str) -> str:
        if self._fail_countdown is not None:
            self._fail_countdown -= 1
            if self._fail_countdown <= 0:
                self._fail_countdown = None
                raise OSError("fake blob store: disk full")
        blob_id = secrets.token_hex(16)
        self.blobs[blob_id] = (bytes(data), content_type)
        if self.on_put is not None:
            result = self.on_put(blob_id)
            if hasattr(result, "__await__"):
                await result
        return blob_id

    async def get(self, blob_id: str) -> tuple[bytes, str]:
        return self.blobs[blob_id]

    async def delete(self, blob_id: str) -> None:
        self.blobs.pop(blob_id, None)


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


class FakeImageInspector:
    """Trusts the magic bytes (the Pillow adapter decodes; a unit test needs only the verdict)."""

    def reencode(self, data: bytes) -> tuple[bytes, str]:
        if data.startswith(PNG_MAGIC):
            return data, "image/png"
        if data.startswith(JPEG_MAGIC):
            return data, "image/jpeg"
        raise InvalidImage()


class FakeCertificateAuthority:
    """Prepares and "signs" certificates without a CA key: the DER is a marker, enough for use-case tests
    (the real CA is tested against OpenSSL in tests/integration/ca)."""

    def __init__(self) -> None:
        self.signed: list[Certificate] = []

    async def prepare(self, request: CertificateRequest) -> Certificate:
        subject = request.subject
        if subject.kind is CertificateHolder.ORGANIZATION:  # as the real CA names organisations
            dn = f"CN={subject.name},organizationIdentifier={subject.identifier},O={subject.organization},C=CN"
        else:
            dn = f"CN={subject.name}" + (f",serialNumber={subject.identifier}" if subject.identifier else "") + ",C=CN"
        return Certificate(
            serial=format(secrets.randbits(120) | (1 << 119), "x"), usage=request.usage, profile=request.profile,
            issuer="issuing", subject_dn=dn, holder_kind=subject.kind, public_key=request.public_key,
            not_before=request.not_before, not_after=request.not_after, tbs=b"fake-tbs:" + request.public_key,
            created_at=request.not_before, holder_account_id=request.holder_account_id,
            holder_enterprise_id=request.holder_enterprise_id, pair_id=request.pair_id)

    async def sign(self, certificate: Certificate) -> None:
        certificate.signed(b"fake-der:" + certificate.serial.encode())
        self.signed.append(certificate)

    async def dual_package(self, signing: Certificate, encryption: Certificate, encryption_private_key: bytes) -> bytes:
        raise NotImplementedError


class FakeSealImages:
    """Marks what it was asked to draw inside PNG-looking bytes."""

    def personal_seal(self, name: str, style: SealStyle) -> bytes:
        return PNG_MAGIC + f"seal:{style.value}:{name}".encode()

    def name_signature(self, name: str) -> bytes:
        return PNG_MAGIC + f"signature:{name}".encode()

    def org_seal(self, surrounding_text: str, face_text: str, info_code: str | None, style: SealStyle) -> bytes:
        return PNG_MAGIC + f"org-seal:{style.value}:{surrounding_text}:{face_text}:{info_code or ''}".encode()

    def legal_rep_seal(self, name: str) -> bytes:
        return PNG_MAGIC + f"legal-rep-seal:{name}".encode()


class FakeSealMaker:
    def __init__(self) -> None:
        self.requests: list[Any] = []

    async def ses_seal(self, request: Any) -> bytes:
        self.requests.append(request)
        return b"SES_Seal:" + request.es_id.encode()


def png(size: int = 64, fill: bytes = b"\x00") -> bytes:
    """Bytes the fake inspector takes for a PNG of about `size` bytes."""
    return PNG_MAGIC + fill * max(0, size - len(PNG_MAGIC))


def jpeg(size: int = 64) -> bytes:
    return JPEG_MAGIC + b"\x00" * max(0, size - len(JPEG_MAGIC))


def all_fields(objs: Iterable[object]) -> list[dict[str, Any]]:
    """Plain dicts of objects, handy for asserting 'nothing changed' with ==."""
    return [_state_of(o) for o in objs]


@dataclass
class Snapshot:
    """The committed database at one moment, to compare with a later one."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, db: InMemoryDatabase, *, ignore: Iterable[str] = ("audit",)) -> Snapshot:
        skip = set(ignore)
        return cls({name: all_fields(rows.values()) for name, rows in db.tables.items() if name not in skip})


# ---------------------------------------------------------------- commerce: payment gateway and tax platform


class FakePaymentGateway:
    """Registers payments and, when told the wallet paid (`paid`), builds the notification the channel would
    send, signed with HMAC-SHA256 under the channel's key; `forge` tampers with one. `down` refuses new payments."""

    def __init__(self, clock: FakeClock, key: bytes = b"fake-payment-key") -> None:
        self._clock, self._key = clock, key
        self.requests: list[Any] = []  # PaymentRequest
        self.down = False
        self.refunds: list[tuple] = []  # (channel, payment id, trade no, amount, reason)
        self.refund_answer = "SUCCEEDED"

    async def create(self, request: Any) -> str:
        if self.down:
            raise ExternalServiceUnavailable("fake payment gateway: unavailable")
        self.requests.append(request)
        return f"https://pay.example/{request.channel.value.lower()}/{request.payment_id}"

    def _sign(self, channel: PaymentChannel, body: bytes) -> str:
        return hmac.new(self._key + channel.value.encode(), body, hashlib.sha256).hexdigest()

    def paid(self, payment_id: UUID, *, channel: PaymentChannel | None = None, amount_fen: int | None = None,
             paid_at: datetime | None = None, notify_id: str | None = None) -> tuple[PaymentChannel, bytes,
                                                                                       dict[str, str]]:
        """The signed notification for a payment created here (amount and channel as registered unless given)."""
        request = next(r for r in self.requests if r.payment_id == payment_id)
        channel = channel or request.channel
        body = json.dumps({
            "notify_id": notify_id or secrets.token_hex(16), "channel": channel.value,
            "trade_no": f"T{secrets.token_hex(8)}", "payment_id": str(payment_id),
            "amount_fen": request.amount_fen if amount_fen is None else amount_fen,
            "paid_at": (paid_at or self._clock.now()).isoformat()}).encode()
        return channel, body, {"x-fake-signature": self._sign(channel, body)}

    def failed(self, payment_id: UUID, *, notify_id: str | None = None) -> tuple[PaymentChannel, bytes,
                                                                                 dict[str, str]]:
        """The signed notification that the payer's payment failed (no money moved)."""
        channel, body, _ = self.paid(payment_id, notify_id=notify_id)
        body = self.forge(body, trade_state="PAYERROR")
        return channel, body, {"x-fake-signature": self._sign(channel, body)}

    async def refund(self, *, channel: PaymentChannel, payment_id: UUID, trade_no: str | None, amount_fen: int,
                     reason: str) -> Any:
        """Records the refund; answers `refund_answer` (SUCCEEDED unless a test says PROCESSING or FAILED)."""
        from application.commerce.ports import RefundResult

        if self.down:
            raise ExternalServiceUnavailable("fake payment gateway: unavailable")
        self.refunds.append((channel, payment_id, trade_no, amount_fen, reason))
        return RefundResult(refund_id=f"RF{payment_id.hex}", status=self.refund_answer)

    @staticmethod
    def forge(body: bytes, **changes: Any) -> bytes:
        """The same notification with some fields changed, its signature left as it was."""
        return json.dumps({**json.loads(body), **changes}).encode()

    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> Any:
        from application.commerce.ports import InvalidPaymentNotification, PaymentNotice

        if not hmac.compare_digest(headers.get("x-fake-signature", ""), self._sign(channel, body)):
            raise InvalidPaymentNotification("bad signature")
        try:
            d = json.loads(body)
            if d["channel"] != channel.value:
                raise InvalidPaymentNotification("another channel's notification")
            return PaymentNotice(channel=channel, notify_id=d["notify_id"], payment_id=UUID(d["payment_id"]),
                                 trade_no=d["trade_no"], amount_fen=int(d["amount_fen"]),
                                 paid_at=datetime.fromisoformat(d["paid_at"]),
                                 succeeded=d.get("trade_state", "SUCCESS") == "SUCCESS")
        except (KeyError, ValueError, TypeError):
            raise InvalidPaymentNotification("malformed") from None


class FakeInvoiceIssuer:
    """The tax platform: numbers invoices, stores a PDF-looking blob. fail_next(n) makes the next n requests fail
    as an outage; `down` keeps failing. Idempotent by invoice id, as the real platforms are by serial number."""

    def __init__(self, blobs: FakeBlobStore) -> None:
        self._blobs = blobs
        self.issued: dict[UUID, Any] = {}  # invoice id -> IssuedInvoice
        self.contents: list[Any] = []  # InvoiceContent of each successful first issue
        self.attempts = 0
        self._failures_left = 0
        self.down = False
        self.rejected: dict[str, str] = {}  # buyer tax number -> the platform's reason

    def fail_next(self, count: int = 1) -> None:
        self._failures_left = count

    def reject_tax_number(self, tax_number: str, reason: str = "购买方纳税人识别号未登记") -> None:
        """The platform refuses invoices to this buyer (as it does a tax number it has no record of)."""
        self.rejected[tax_number] = reason

    async def issue(self, content: Any) -> Any:
        from application.commerce.ports import InvoiceRejected, IssuedInvoice

        self.attempts += 1
        if self.down or self._failures_left > 0:
            self._failures_left = max(0, self._failures_left - 1)
            raise ExternalServiceUnavailable("fake tax platform: unavailable")
        if content.tax_number in self.rejected:
            raise InvoiceRejected(self.rejected[content.tax_number])
        if content.invoice_id in self.issued:
            return self.issued[content.invoice_id]
        number = f"{len(self.issued) + 1:020d}"
        blob = await self._blobs.put(b"%PDF-1.7 fake invoice " + number.encode(), "application/pdf")
        self.issued[content.invoice_id] = IssuedInvoice(number=number, pdf_blob_id=blob)
        self.contents.append(content)
        return self.issued[content.invoice_id]


class FakePublicKeyParser:
    """Takes any PEM whose body is 'SM2:<hex point>' (the real parser is tested in tests/integration)."""

    def sm2_spki_from_pem(self, pem: str) -> bytes:
        body = "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
        if not body.startswith("SM2:"):
            raise ValueError("not an SM2 public key")
        return bytes.fromhex(body[4:])


# ---------------------------------------------------------------- scan services (§7)


class FakeDocumentSignatures:
    """DocumentSignatures without a real certificate to embed: the signed attributes are the real DER (the phone
    parses them before it co-signs), the "SignedData" is a marker holding them and the signature over them, so a
    test can still check what was signed (the real CMS is tested against OpenSSL in tests/contract and
    tests/integration/ca). The ciphertext check reads the GM/T 0009 DER shape."""

    MARKER = b"fake-signed-data:"

    def __init__(self, sm2: Any) -> None:
        self._sm2 = sm2

    def signed_attributes(self, digest: bytes, signing_time: datetime) -> bytes:
        from adapters.ca.cms import signed_attributes

        if len(digest) != 32:
            raise ValueError("an SM3 digest is 32 bytes")
        return signed_attributes(digest, signing_time).dump()

    def signed_data(self, certificate_der: bytes, signed_attributes: bytes, signature: bytes) -> bytes:
        return self.MARKER + len(signed_attributes).to_bytes(2, "big") + signed_attributes + signature

    def detached_signed_data(self, *, certificate_der: bytes, private_key: bytes, public_key: bytes,
                             digest: bytes, signing_time: datetime) -> bytes:
        attributes = self.signed_attributes(digest, signing_time)
        return self.signed_data(certificate_der, attributes,
                                self._sm2.sign(private_key, attributes, public_key=public_key))

    @classmethod
    def opened(cls, signed_data: bytes) -> tuple[bytes, bytes]:
        """(signed attributes DER, signature over them) of a marker made above."""
        assert signed_data.startswith(cls.MARKER), signed_data[:40]
        rest = signed_data[len(cls.MARKER):]
        size = int.from_bytes(rest[:2], "big")
        return rest[2:2 + size], rest[2 + size:]

    def is_sm2_ciphertext(self, der: bytes) -> bool:
        def tlv(data: bytes, at: int) -> tuple[int, bytes, int]:
            tag, length, at = data[at], data[at + 1], at + 2
            if length & 0x80:
                n = length & 0x7F
                length, at = int.from_bytes(data[at:at + n], "big"), at + n
            if at + length > len(data):
                raise IndexError
            return tag, data[at:at + length], at + length

        try:
            tag, body, end = tlv(der, 0)
            if tag != 0x30 or end != len(der):
                return False
            parts, at = [], 0
            while at < len(body):
                t, value, at = tlv(body, at)
                parts.append((t, value))
        except IndexError:
            return False
        return [t for t, _ in parts] == [0x02, 0x02, 0x04, 0x04] and len(parts[2][1]) == 32 and 0 < len(parts[3][1])


@dataclass(frozen=True)
class SentCallback:
    url: str
    event_id: str
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


class FakePlatformCallbackSender:
    """Records what would be POSTed to platforms; `fail_next` makes the platform answer 500 that many times."""

    def __init__(self) -> None:
        self.sent: list[SentCallback] = []
        self.refused: list[SentCallback] = []
        self._failures_left = 0

    def fail_next(self, count: int = 1) -> None:
        self._failures_left = count

    async def send(self, url: str, event_id: str, body: bytes) -> None:
        from application.scans.ports import CallbackDeliveryFailed

        if self._failures_left > 0:
            self._failures_left -= 1
            self.refused.append(SentCallback(url, event_id, body))
            raise CallbackDeliveryFailed("HTTP 500")
        self.sent.append(SentCallback(url, event_id, body))

    def for_t_id(self, t_id: str) -> list[dict[str, Any]]:
        return [c.json for c in self.sent if c.json["tId"] == t_id]


class RecordingScanFeed:
    """A ScanSessionFeed that keeps every published change (subscribers get later ones, as the real feeds do)."""

    def __init__(self) -> None:
        self.published: list[Any] = []
        self._queues: dict[str, list[Any]] = {}

    async def publish(self, change: Any) -> None:
        self.published.append(change)
        for queue in self._queues.get(change.t_id, []):
            queue.put_nowait(change)

    def subscribe(self, t_id: str) -> Any:
        import asyncio

        queue: asyncio.Queue[Any] = asyncio.Queue()
        self._queues.setdefault(t_id, []).append(queue)

        async def stream() -> Any:
            try:
                while True:
                    yield await queue.get()
            finally:
                self._queues[t_id].remove(queue)
        return stream()

    def statuses(self, t_id: str) -> list[str]:
        return [c.status for c in self.published if c.t_id == t_id]


class RecordingOrderFeed:
    """An OrderFeed that keeps every published change (subscribers get later ones, as the real feeds do)."""

    def __init__(self) -> None:
        self.published: list[Any] = []
        self._queues: dict[UUID, list[Any]] = {}

    async def publish(self, change: Any) -> None:
        self.published.append(change)
        for queue in self._queues.get(change.order_id, []):
            queue.put_nowait(change)

    def subscribe(self, order_id: UUID) -> Any:
        import asyncio

        queue: asyncio.Queue[Any] = asyncio.Queue()
        self._queues.setdefault(order_id, []).append(queue)

        async def stream() -> Any:
            try:
                while True:
                    yield await queue.get()
            finally:
                self._queues[order_id].remove(queue)
        return stream()

    def statuses(self, order_id: UUID) -> list[str]:
        return [c.status for c in self.published if c.order_id == order_id]


class FakeEnterpriseVerifier:
    """The four-element check: MATCH unless a credit code was told otherwise, or the registry is down."""

    def __init__(self) -> None:
        self.mismatch: set[str] = set()
        self.down = False
        self.calls: list[tuple[str, str, str, str]] = []

    async def check(self, name: str, credit_code: str, legal_rep_name: str, legal_rep_id_number: str):
        from application.enterprises.ports import FourElementResult
        from application.ports import ExternalServiceUnavailable

        self.calls.append((name, credit_code, legal_rep_name, legal_rep_id_number))
        if self.down:
            raise ExternalServiceUnavailable("fake registry down")
        return FourElementResult.MISMATCH if credit_code in self.mismatch else FourElementResult.MATCH


class FakeBankTransferVerifier:
    """The corporate micro-deposit service: credits every order unless told otherwise. `refuse[account] = reason`
    refuses an order at once, `fail_later[account] = reason` accepts it and reports it failed when asked, `down`
    makes the bank unreachable. `orders` are what was asked; `code_sent_to(account)` reads the newest remark."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.orders: list[Any] = []
        self.refuse: dict[str, Any] = {}
        self.fail_later: dict[str, Any] = {}
        self.down = False
        self.status_down = False

    async def send(self, order) -> None:
        from application.enterprises.bank_transfer_ports import DepositRefused
        from application.ports import ExternalServiceUnavailable

        if self.down:
            raise ExternalServiceUnavailable("fake bank down")
        if order.account_number in self.refuse:
            raise DepositRefused(self.refuse[order.account_number])
        self.orders.append(order)

    async def status(self, reference: str):
        from application.enterprises.bank_transfer_ports import DepositState, DepositStatus
        from application.ports import ExternalServiceUnavailable

        if self.status_down:
            raise ExternalServiceUnavailable("fake bank down")
        order = next((o for o in self.orders if o.reference == reference), None)
        if order is None:
            return DepositStatus(DepositState.PENDING)
        if order.account_number in self.fail_later:
            return DepositStatus(DepositState.FAILED, self.fail_later[order.account_number])
        return DepositStatus(DepositState.SENT)

    def code_sent_to(self, account_number: str) -> str:
        order = [o for o in self.orders if o.account_number == account_number][-1]
        return order.remark[-6:]


class FakeLetterDocuments:
    """A "PDF" that spells out its content, and a "signature" that appends the signer's serial and the
    appearance: enough for use-case tests (the real renderer and PAdES signer run in e2e and integration)."""

    def __init__(self) -> None:
        self.signed: list[tuple[Any, Any]] = []

    async def render(self, content) -> bytes:
        return b"%PDF-fake\n" + repr(content).encode()

    async def sign(self, pdf: bytes, content, signer, signature) -> bytes:
        self.signed.append((signer, signature))
        return pdf + b"\n%signed-by:" + signer.certificate.serial.encode()
