"""The ports the use cases need, named by role. Adapters implement them; the container wires them."""

from __future__ import annotations

from collections.abc import Callable, Collection
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
from domain.accounts.account import Account

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


class SmsChallengeRepository(Protocol):
    def add(self, challenge: SmsChallenge) -> None: ...
    async def latest(self, phone: str, purpose: SmsPurpose) -> SmsChallenge | None: ...
    async def count_sent_since(self, *, since: datetime, phone: str | None = None,
                               client_ip: str | None = None) -> int: ...


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


class AuditLog(Protocol):
    def record(self, event: AuditEvent) -> None: ...
    async def for_account(self, account_id: UUID, limit: int = 50) -> list[AuditEvent]: ...


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


class UnitOfWork(Protocol):
    """One transaction. Rolls back on exit unless commit() was called."""

    accounts: AccountRepository
    sms: SmsChallengeRepository
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


class ExternalServiceUnavailable(Exception):
    """An outside service did not answer usefully; the user may retry."""


class SmsDeliveryFailed(Exception):
    pass


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
    def content_type(self, data: bytes) -> str:
        """Decodes the bytes; returns image/jpeg or image/png or raises InvalidImage."""
        ...
