"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

import asyncio

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
        return self

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
        if wrote_outbox and self._signal is not None:
            self._signal.notify()

    async def rollback(self) -> None:
        assert self._session is not None
        await self._session.rollback()
