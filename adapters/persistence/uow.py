"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed.

And the request's shared read unit of work: every use case that only reads (`application.ports.reading`) in one
HTTP request shares one session on the read engine (adapters/persistence/engine.py), so authentication and the
resolvers cost one connection checkout, no BEGIN/ROLLBACK on PostgreSQL, and the identity map serves a row read
twice (the account authentication loaded is not read again by `me`). A commit of any write unit of work in the
request empties that identity map, so nothing read before a write is served after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from adapters.persistence import repositories as r
from adapters.persistence import repositories_admin_transfers as rat
from adapters.persistence import repositories_ca as rca
from adapters.persistence import repositories_commerce as rco
from adapters.persistence import repositories_enterprise_transfers as ret
from adapters.persistence import repositories_enterprises as ren
from adapters.persistence import repositories_legal_rep_invitations as rli
from adapters.persistence import repositories_members as rme
from adapters.persistence import repositories_scans as rsc
from adapters.persistence import repositories_seals as rse
from adapters.persistence import repositories_service_applications as rsa
from adapters.persistence import repositories_signing as rsi
from adapters.persistence.repositories_grants import SqlAlchemyCertificateGrantRepository
from application.ports import Clock
from domain.errors import Conflict


class OutboxSignal:
    """Wakes the outbox worker when a transaction commits new messages, so delivery does not wait for a poll."""

    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    @property
    def event(self) -> asyncio.Event:
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def notify(self) -> None:
        if self._event is not None:
            self._event.set()


class SqlAlchemyUnitOfWork:
    def __init__(self, session_factory: async_sessionmaker, clock: Clock, signal: OutboxSignal | None = None) -> None:
        self._factory = session_factory
        self._clock = clock
        self._signal = signal
        self._session: AsyncSession | None = None
        self._committed = False

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:
        s = self._session = self._factory()
        self._committed = False
        self._bind(s)
        return self

    def _bind(self, s: AsyncSession) -> None:
        self.accounts = r.SqlAlchemyAccountRepository(s)
        self.sms = r.SqlAlchemySmsChallengeRepository(s)
        self.locks = r.SqlAlchemySerialisationLocks(s)
        self.sessions = r.SqlAlchemySessionRepository(s)
        self.identities = r.SqlAlchemyIdentityRepository(s)
        self.face_checks = r.SqlAlchemyFaceCheckRepository(s)
        self.reviews = r.SqlAlchemyReviewRepository(s)
        self.operators = r.SqlAlchemyOperatorRepository(s)
        self.audit = r.SqlAlchemyAuditLog(s)
        self.outbox = r.SqlAlchemyOutbox(s, self._clock)
        self.certificates = rca.SqlAlchemyCertificateRepository(s)
        self.wrapped_keys = rca.SqlAlchemyWrappedKeyRepository(s)
        self.signing_keys = rsi.SqlAlchemySigningKeyRepository(s)
        self.signing_requests = rsi.SqlAlchemySigningRequestRepository(s)
        self.seals = rse.SqlAlchemySealRepository(s)
        self.entitlements = rco.SqlAlchemyEntitlementRepository(s)
        self.trading_platforms = rco.SqlAlchemyTradingPlatformRepository(s)
        self.service_plans = rco.SqlAlchemyServicePlanRepository(s)
        self.orders = rco.SqlAlchemyOrderRepository(s)
        self.payments = rco.SqlAlchemyPaymentRepository(s)
        self.payment_notifications = rco.SqlAlchemyPaymentNotificationRepository(s)
        self.bill_records = rco.SqlAlchemyBillRecordRepository(s)
        self.invoices = rco.SqlAlchemyInvoiceRepository(s)
        self.scan_sessions = rsc.SqlAlchemyScanSessionRepository(s)
        self.platform_nonces = rsc.SqlAlchemyPlatformNonceRepository(s)
        self.enterprises = ren.SqlAlchemyEnterpriseRepository(s)
        self.memberships = ren.SqlAlchemyMembershipRepository(s)
        self.authorization_letters = ren.SqlAlchemyAuthorizationLetterRepository(s)
        self.bank_transfers = ret.SqlAlchemyBankTransferRepository(s)
        self.enterprise_changes = ret.SqlAlchemyEnterpriseChangeRepository(s)
        self.admin_transfers = rat.SqlAlchemyAdminTransferRepository(s)
        self.certificate_grants = SqlAlchemyCertificateGrantRepository(s)
        self.legal_rep_invitations = rli.SqlAlchemyLegalRepInvitationRepository(s)
        self.join_applications = rme.SqlAlchemyJoinApplicationRepository(s)
        self.member_invitations = rme.SqlAlchemyMemberInvitationRepository(s)
        self.member_directory = rme.SqlAlchemyMemberDirectory(s)
        self.service_applications = rsa.SqlAlchemyServiceApplicationRepository(s)

    async def __aexit__(self, *exc: object) -> None:
        assert self._session is not None
        try:
            if not self._committed:
                # Detach first: a rollback would expire what the use case read, and read-only use cases
                # return those objects after the transaction is gone.
                self._session.expunge_all()
                await self._session.rollback()
        finally:
            await self._session.close()
            self._session = None
        # A query's autoflush meets the same version check as commit (a concurrent writer won): the same Conflict,
        # so callers that retry on Conflict (the payment notification) retry on fresh rows.
        if isinstance(exc[1], StaleDataError):
            raise Conflict() from exc[1]

    async def commit(self) -> None:
        assert self._session is not None
        wrote_outbox = self.outbox.has_pending
        try:
            await self.outbox.flush()
            await self._session.commit()
        except (IntegrityError, StaleDataError) as exc:
            await self._session.rollback()
            raise Conflict() from exc
        self._committed = True
        if (reads := _request_reads.get()) is not None:
            reads.forget()
        if wrote_outbox and self._signal is not None:
            self._signal.notify()

    async def rollback(self) -> None:
        assert self._session is not None
        await self._session.rollback()


class RequestReads:
    """One request's shared read session: opened at the first read, closed with the request. Reads from concurrent
    resolvers take turns (an AsyncSession is not for concurrent use); a task may nest reads in its own."""

    def __init__(self, session_factory: async_sessionmaker, clock: Clock) -> None:
        self._factory, self._clock = session_factory, clock
        self._session: AsyncSession | None = None
        self._uow: _SharedReadUnitOfWork | None = None
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task | None = None
        self._depth = 0
        self.closed = False

    async def enter(self) -> _SharedReadUnitOfWork:
        me = asyncio.current_task()
        if self._owner is not me or me is None:
            await self._lock.acquire()
            self._owner = me
        self._depth += 1
        if self._uow is None:
            self._session = self._factory()
            self._uow = _SharedReadUnitOfWork(self, self._clock, self._session)
        return self._uow

    async def exit(self, failed: bool) -> None:
        self._depth -= 1
        try:
            if failed and self._depth == 0:
                # A failed statement may leave the session unusable: the next read starts a fresh one.
                await self._drop()
            elif self._depth == 0 and self._session is not None and (
                    self._session.dirty or self._session.new or self._session.deleted):
                # A read use case changed an object in memory (never written: this session does not flush);
                # the next read must not be served that change from the identity map.
                self._session.expunge_all()
        finally:
            if self._depth == 0:
                self._owner = None
                self._lock.release()

    def forget(self) -> None:
        """A write committed in this request: what was read before it is not served from the identity map."""
        if self._session is not None:
            self._session.expunge_all()

    async def _drop(self) -> None:
        session, self._session, self._uow = self._session, None, None
        if session is not None:
            session.expunge_all()
            await session.close()

    async def close(self) -> None:
        self.closed = True
        async with self._lock:
            await self._drop()


_request_reads: contextvars.ContextVar[RequestReads | None] = contextvars.ContextVar("sxq_request_reads",
                                                                                    default=None)


class _SharedReadUnitOfWork(SqlAlchemyUnitOfWork):
    """The request's read unit of work: repositories on the shared session; nothing to commit or roll back."""

    def __init__(self, reads: RequestReads, clock: Clock, session: AsyncSession) -> None:
        super().__init__(None, clock)  # type: ignore[arg-type]
        self._reads = reads
        self._session = session
        self._bind(session)

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:  # pragma: no cover - entered through _ReadEntry
        return self

    async def __aexit__(self, *exc: object) -> None:  # pragma: no cover - left through _ReadEntry
        return None

    async def commit(self) -> None:
        raise RuntimeError("a read-only unit of work cannot commit: use the use case's write unit of work")

    async def rollback(self) -> None:
        return None


class _ReadEntry:
    """`async with uows.read() as uow:` inside a request: the shared read unit of work, in turn."""

    def __init__(self, reads: RequestReads) -> None:
        self._reads = reads

    async def __aenter__(self) -> SqlAlchemyUnitOfWork:
        return await self._reads.enter()

    async def __aexit__(self, *exc: object) -> None:
        await self._reads.exit(failed=exc[1] is not None)
        if isinstance(exc[1], StaleDataError):
            raise Conflict() from exc[1]


class SqlAlchemyUnitOfWorks:
    """The unit-of-work factory the use cases get: `uows()` a write unit of work, `uows.read()` one for a use case
    that only reads (the request's shared one inside `uows.request_reads()`, else one of its own)."""

    def __init__(self, session_factory: async_sessionmaker, read_session_factory: async_sessionmaker, clock: Clock,
                 signal: OutboxSignal | None = None) -> None:
        self._factory, self._read_factory, self._clock, self._signal = (session_factory, read_session_factory,
                                                                        clock, signal)

    def __call__(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self._factory, self._clock, self._signal)

    def read(self):
        reads = _request_reads.get()
        if reads is None or reads.closed:
            return SqlAlchemyUnitOfWork(self._read_factory, self._clock)
        return _ReadEntry(reads)

    @contextlib.asynccontextmanager
    async def request_reads(self) -> AsyncIterator[RequestReads]:
        reads = RequestReads(self._read_factory, self._clock)
        token = _request_reads.set(reads)
        try:
            yield reads
        finally:
            _request_reads.reset(token)
            await reads.close()
