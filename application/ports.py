"""The ports the use cases need, named by role. Adapters implement them; the container wires them."""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from uuid import UUID

from application.certificates.ports import (
    CertificateRepository,
    WrappedKeyRepository,
)
from application.seals.ports import SealRepository
from domain.accounts.account import Account, LoginPolicy

if TYPE_CHECKING:  # commerce's ports import Page from here
    from application.commerce.ports import (
        BillRecordRepository,
        EntitlementRepository,
        InvoiceRepository,
        OrderRepository,
        PaymentNotificationRepository,
        PaymentRepository,
        ServicePlanRepository,
        TradingPlatformRepository,
    )
    from application.enterprises.admin_transfer_ports import AdminTransferRepository
    from application.enterprises.bank_transfer_ports import BankTransferRepository, EnterpriseChangeRepository
    from application.enterprises.member_ports import (
        JoinApplicationRepository,
        MemberDirectory,
        MemberInvitationRepository,
    )
    from application.enterprises.ports import (
        AuthorizationLetterRepository,
        EnterpriseRepository,
        LegalRepInvitationRepository,
        MembershipRepository,
    )
    from application.enterprises.service_application_ports import ServiceApplicationRepository
    from application.grants.ports import CertificateGrantRepository
    from application.scans.ports import PlatformNonceRepository, ScanSessionRepository
    from application.signing.ports import SigningKeyRepository, SigningRequestRepository
from domain.accounts.session import AuthSession, PrincipalKind, SpentRefreshToken
from domain.accounts.sms import SmsChallenge, SmsPurpose
from domain.audit import AuditEvent
from domain.identity.face import FaceCheck, FacePurpose
from domain.identity.identity import Identity
from domain.identity.review import Review, ReviewKind, ReviewStatus
from domain.operators.operator import Operator

# ---------------------------------------------------------------- repositories


class AccountRepository(Protocol):
    def add(self, account: Account) -> None: ...
    async def get(self, account_id: UUID) -> Account | None: ...
    async def by_phone(self, phone: str) -> Account | None: ...
    async def take_password_try(self, account: Account, now: datetime, policy: LoginPolicy) -> int | None:
        """Account.take_password_try done atomically on the stored row (parallel tries never lose a count);
        `account` then shows the row as it stands."""
        ...
    async def reset_password_tries(self, account: Account) -> None:
        """Account.record_login_success on the stored row alone (no version conflict with parallel tries)."""
        ...


class SmsChallengeRepository(Protocol):
    def add(self, challenge: SmsChallenge) -> None: ...
    async def latest(self, phone: str, purpose: SmsPurpose) -> SmsChallenge | None: ...
    async def count_sent_since(self, *, since: datetime, phone: str | None = None,
                               client_ip: str | None = None) -> int: ...
    async def count_wrong_try(self, challenge: SmsChallenge, now: datetime) -> bool:
        """Adds one wrong try to a live challenge atomically; False when it was no longer live (spent, used up or
        expired, perhaps by a parallel request). `challenge` then shows the row as it stands."""
        ...
    async def consume(self, challenge: SmsChallenge, now: datetime) -> bool:
        """Spends a live challenge atomically: of parallel consumers exactly one gets True."""
        ...


class SerialisationLocks(Protocol):
    async def hold(self, key: str, now: datetime) -> None:
        """Serialises transactions on `key` until this one ends: a parallel `hold` of the same key waits, and what
        this transaction then reads includes what the previous holder committed. Call it before reading the
        counters it guards."""
        ...
    async def prune(self, before: datetime) -> int:
        """Drops the rows not taken since `before`; how many."""
        ...


class SessionRepository(Protocol):
    def add(self, session: AuthSession) -> None: ...
    async def get(self, session_id: UUID) -> AuthSession | None: ...
    async def by_access_hash(self, token_hash: str) -> AuthSession | None: ...
    async def by_refresh_hash(self, token_hash: str) -> AuthSession | None: ...
    async def by_previous_refresh_hash(self, token_hash: str) -> AuthSession | None: ...
    def spent(self, token: SpentRefreshToken) -> None: ...
    async def by_spent_refresh_hash(self, token_hash: str) -> AuthSession | None:
        """The session a refresh token once belonged to, when that token has been exchanged already."""
        ...

    async def prune_spent(self, before: datetime) -> None:
        """Forgets tokens spent before `before` (every session they belonged to is past its refresh lifetime)."""
        ...
    async def active_for(self, kind: PrincipalKind, principal_id: UUID, now: datetime) -> list[AuthSession]: ...


class IdentityRepository(Protocol):
    def add(self, identity: Identity) -> None: ...
    async def for_account(self, account_id: UUID) -> Identity | None: ...
    async def for_accounts(self, account_ids: list[UUID]) -> list[Identity]: ...
    async def claimed(self, document_key: str) -> Identity | None: ...


class FaceCheckRepository(Protocol):
    def add(self, check: FaceCheck) -> None: ...
    async def by_token(self, token: str) -> FaceCheck | None: ...


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    cursors: list[str]  # one opaque cursor per item
    # How many items the whole list has under the same filters, every page together (a connection's totalCount).
    total: int | None = None

    @property
    def end_cursor(self) -> str | None:
        return self.cursors[-1] if self.cursors else None


class ReviewRepository(Protocol):
    def add(self, review: Review) -> None: ...
    async def get(self, review_id: UUID) -> Review | None: ...
    async def for_subject(self, account_id: UUID) -> list[Review]:
        """Every review about one person, oldest first."""
        ...
    async def page(self, *, kind: ReviewKind | None, status: ReviewStatus | None, first: int,
                   after: str | None) -> Page[Review]: ...


class OperatorRepository(Protocol):
    def add(self, operator: Operator) -> None: ...
    async def get(self, operator_id: UUID) -> Operator | None: ...
    async def by_username(self, username: str) -> Operator | None: ...
    async def take_password_try(self, operator: Operator, now: datetime, policy: LoginPolicy) -> int | None: ...
    async def reset_password_tries(self, operator: Operator) -> None: ...


@dataclass(frozen=True)
class AuditQuery:
    """What the console's audit page filters on; None matches everything."""

    since: datetime | None = None
    until: datetime | None = None
    operator_id: UUID | None = None
    account_id: UUID | None = None
    kind_prefix: str | None = None  # "review." finds review.viewed, review.decided, review.first_approval


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...
    async def for_account(self, account_id: UUID, limit: int = 50) -> list[AuditEvent]: ...
    async def count(self, kind: str, account_id: UUID, since: datetime) -> int:
        """Events of `kind` for the account after `since`."""

    async def search(self, query: AuditQuery, limit: int) -> list[AuditEvent]:
        """Matching events, newest first."""
        ...


@dataclass
class OutboxMessage:
    id: UUID
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None
    # Where the message came from, for the delivery's logs and trace: the writing request's id and W3C traceparent.
    request_id: str | None = None
    traceparent: str | None = None


class Outbox(Protocol):
    """Side effects outside the database, written in the same transaction as the change that causes them."""

    def put(self, topic: str, payload: dict[str, Any]) -> UUID: ...
    async def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                        topics: Collection[str] | None = None) -> list[OutboxMessage]:
        """Messages due now, leased until lease_until so that no other worker takes them meanwhile."""
        ...
    async def get(self, message_id: UUID) -> OutboxMessage | None: ...
    async def mark_delivered(self, message_id: UUID, now: datetime, redacted: dict[str, Any] | None) -> None: ...
    async def mark_failed(self, message_id: UUID, error: str, retry_at: datetime | None) -> None: ...
    async def topic_stats(self) -> list[OutboxTopicStats]:
        """Undelivered messages per topic: waiting, failing (tried at least once), given up; the oldest waiting."""
        ...
    async def undelivered_failures(self, limit: int) -> list[OutboxMessage]:
        """Undelivered messages that failed at least once (given up ones too), most recently created first."""
        ...
    async def retry_now(self, message_id: UUID, now: datetime) -> bool:
        """Makes an undelivered message due now (a given-up one too); False when there is none such."""
        ...


@dataclass(frozen=True)
class OutboxTopicStats:
    topic: str
    waiting: int
    failing: int
    given_up: int
    oldest_waiting: datetime | None


class UnitOfWork(Protocol):
    """One transaction. Rolls back on exit unless commit() was called."""

    accounts: AccountRepository
    sms: SmsChallengeRepository
    locks: SerialisationLocks
    sessions: SessionRepository
    identities: IdentityRepository
    face_checks: FaceCheckRepository
    reviews: ReviewRepository
    operators: OperatorRepository
    audit: AuditLog
    outbox: Outbox
    certificates: CertificateRepository
    wrapped_keys: WrappedKeyRepository
    signing_keys: SigningKeyRepository
    signing_requests: SigningRequestRepository
    entitlements: EntitlementRepository
    trading_platforms: TradingPlatformRepository
    service_plans: ServicePlanRepository
    orders: OrderRepository
    payments: PaymentRepository
    payment_notifications: PaymentNotificationRepository
    bill_records: BillRecordRepository
    invoices: InvoiceRepository
    seals: SealRepository
    scan_sessions: ScanSessionRepository
    platform_nonces: PlatformNonceRepository
    enterprises: EnterpriseRepository
    memberships: MembershipRepository
    authorization_letters: AuthorizationLetterRepository
    admin_transfers: AdminTransferRepository
    certificate_grants: CertificateGrantRepository
    bank_transfers: BankTransferRepository
    enterprise_changes: EnterpriseChangeRepository
    legal_rep_invitations: LegalRepInvitationRepository
    join_applications: JoinApplicationRepository
    member_invitations: MemberInvitationRepository
    member_directory: MemberDirectory
    service_applications: ServiceApplicationRepository

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


def reading(uow: UnitOfWorkFactory) -> AbstractAsyncContextManager[UnitOfWork]:
    """The unit of work of a use case that only reads (it never commits): where the adapter offers one
    (`factory.read()`), the request's shared read unit of work, so authentication and every resolver of a request
    share one connection; else a unit of work of its own."""
    read = getattr(uow, "read", None)
    return read() if read is not None else uow()

# ---------------------------------------------------------------- technology ports


class Clock(Protocol):
    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password: str, password_hash: str) -> bool: ...


class SecretHasher(Protocol):
    """Keyed one-way hashes (HMAC-SM3 under a key from the master key) and fresh random secrets."""

    def new_token(self, prefix: str) -> str: ...
    def new_sms_code(self) -> str: ...
    def hash(self, purpose: str, value: str) -> str: ...


class FieldCipher(Protocol):
    """Authenticated encryption of personal data at rest; `context` binds a ciphertext to its row."""

    def encrypt(self, plaintext: bytes, context: bytes) -> bytes: ...
    def decrypt(self, ciphertext: bytes, context: bytes) -> bytes: ...


class TotpAuthenticator(Protocol):
    """Time-based one-time passwords (RFC 6238) of operators' authenticator apps."""

    def new_secret(self) -> str: ...
    def provisioning_uri(self, secret: str, account_name: str) -> str:
        """The otpauth:// URI an authenticator app enrols from (as text or QR)."""
        ...
    def matching_step(self, secret: str, code: str, now: datetime) -> int | None:
        """The 30-second step the code belongs to (now, or one step either side for clock drift), or None."""
        ...


class ExternalServiceUnavailable(Exception):
    """An outside service did not answer usefully; the user may retry."""


class SmsDeliveryFailed(Exception):
    """The carrier gateway did not take the message (the outbox retries it with backoff)."""


class SmsRateLimited(SmsDeliveryFailed):
    """The vendor's flow control for this number or this account: later may work."""


class SmsInvalidNumber(SmsDeliveryFailed):
    """The vendor refuses the number itself (malformed, unassigned, blacklisted): retrying will not help."""


class SmsVendorDown(SmsDeliveryFailed):
    """The vendor did not answer usefully (timeout, 5xx, its own system error)."""


class SmsSender(Protocol):
    async def send(self, phone: str, text: str, *, purpose: str | None = None, code: str | None = None) -> str:
        """Hands the text to the carrier gateway; returns the gateway's message id."""
        ...


class IdentityCheckResult(StrEnum):
    MATCH = "MATCH"
    MISMATCH = "MISMATCH"


class IdentityVerifier(Protocol):
    async def check(self, legal_name: str, id_number: str) -> IdentityCheckResult: ...


@dataclass(frozen=True)
class FaceSessionTicket:
    token: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class FaceOutcome:
    token: str
    status: str  # PENDING | PASSED | FAILED
    reason: str | None = None


class FaceVerifier(Protocol):
    async def start(self, *, legal_name: str, id_number: str | None, purpose: FacePurpose) -> FaceSessionTicket: ...
    async def result(self, token: str) -> FaceOutcome: ...
    def parse_callback(self, body: bytes, headers: dict[str, str]) -> FaceOutcome:
        """Verifies the vendor's signature; raises InvalidCallback when it does not hold."""
        ...


class InvalidCallback(Exception):
    pass


class BlobStore(Protocol):
    async def put(self, data: bytes, content_type: str) -> str: ...
    async def get(self, blob_id: str) -> tuple[bytes, str]: ...
    async def delete(self, blob_id: str) -> None: ...


class ImageInspector(Protocol):
    def reencode(self, data: bytes) -> tuple[bytes, str]:
        """Decodes the bytes and encodes the pixels again: returns what to store — no trailing data, no metadata —
        and image/jpeg or image/png, or raises InvalidImage. Uploads are never stored as received."""
        ...
