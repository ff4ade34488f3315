"""Ports of the commerce chapter that other chapters read (certificates, scan services)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.commerce.entitlement import Entitlement, HolderKind


class EntitlementRepository(Protocol):
    def add(self, entitlement: Entitlement) -> None: ...
    async def get(self, entitlement_id: UUID) -> Entitlement | None: ...
    async def for_holder(self, kind: HolderKind, holder_id: UUID) -> list[Entitlement]: ...
    async def active_for_holder(self, kind: HolderKind, holder_id: UUID, now: datetime) -> list[Entitlement]: ...


# ---------------------------------------------------------------- the rest of the commerce chapter's ports
# (imports kept here, below the part other chapters read, so that part stays small)

from dataclasses import dataclass  # noqa: E402

from application.ports import Page  # noqa: E402
from domain.commerce.bill import BillRecord  # noqa: E402
from domain.commerce.catalogue import ServicePlan, TradingPlatform  # noqa: E402
from domain.commerce.entitlement import SubjectType  # noqa: E402
from domain.commerce.invoice import Invoice  # noqa: E402
from domain.commerce.order import Order  # noqa: E402
from domain.commerce.payment import Payment, PaymentChannel, PaymentNotification  # noqa: E402


class TradingPlatformRepository(Protocol):
    def add(self, platform: TradingPlatform) -> None: ...
    async def get(self, platform_id: UUID) -> TradingPlatform | None: ...
    async def by_code(self, code: str) -> TradingPlatform | None: ...
    async def many(self, platform_ids: list[UUID]) -> list[TradingPlatform]: ...
    async def page(self, *, first: int, after: str | None) -> Page[TradingPlatform]: ...
    async def count(self) -> int: ...


class ServicePlanRepository(Protocol):
    def add(self, plan: ServicePlan) -> None: ...
    async def get(self, plan_id: UUID) -> ServicePlan | None: ...
    async def many(self, plan_ids: list[UUID]) -> list[ServicePlan]: ...
    async def for_platforms(self, platform_ids: list[UUID], subject_type: SubjectType | None) -> list[ServicePlan]:
        """Active plans of these platforms, cheapest first."""
        ...


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...
    async def get(self, order_id: UUID) -> Order | None: ...
    async def page_for_account(self, account_id: UUID, *, first: int, after: str | None) -> Page[Order]:
        """Newest first."""
        ...
    async def expired_unpaid(self, now: datetime, limit: int) -> list[Order]: ...


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> None: ...
    async def get(self, payment_id: UUID) -> Payment | None: ...
    async def for_order(self, order_id: UUID) -> list[Payment]: ...


class PaymentNotificationRepository(Protocol):
    def add(self, notification: PaymentNotification) -> None: ...
    async def seen(self, channel: PaymentChannel, notify_id: str) -> PaymentNotification | None: ...


class BillRecordRepository(Protocol):
    def add(self, record: BillRecord) -> None: ...
    async def page_for_order(self, order_id: UUID, *, first: int, after: str | None) -> Page[BillRecord]: ...


class InvoiceRepository(Protocol):
    def add(self, invoice: Invoice) -> None: ...
    async def get(self, invoice_id: UUID) -> Invoice | None: ...
    async def for_order(self, order_id: UUID) -> Invoice | None: ...
    async def for_orders(self, order_ids: list[UUID]) -> list[Invoice]: ...


# ---------------------------------------------------------------- outside services


@dataclass(frozen=True)
class PaymentRequest:
    payment_id: UUID
    order_id: UUID
    channel: PaymentChannel
    amount_fen: int
    description: str


@dataclass(frozen=True)
class PaymentNotice:
    """What a verified gateway notification says."""

    channel: PaymentChannel
    notify_id: str
    payment_id: UUID
    trade_no: str
    amount_fen: int
    paid_at: datetime  # for a failure: when the channel gave up
    succeeded: bool = True  # False: the channel reports the payment failed (the sandbox cashier's 支付失败)


class InvalidPaymentNotification(Exception):
    """The notification is not signed by the gateway, is stale, or cannot be read."""


class PaymentGateway(Protocol):
    async def create(self, request: PaymentRequest) -> str:
        """Registers the payment with the channel; returns the URL the wallet opens."""
        ...
    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> PaymentNotice:
        """Checks the channel's signature and freshness; raises InvalidPaymentNotification."""
        ...


@dataclass(frozen=True)
class RefundResult:
    refund_id: str  # the gateway's
    status: str  # SUCCEEDED | PROCESSING (the gateway settles later) | FAILED


class PaymentRefunder(Protocol):
    async def refund(self, *, channel: PaymentChannel, payment_id: UUID, trade_no: str | None, amount_fen: int,
                     reason: str) -> RefundResult:
        """Returns the whole payment to the payer (a REFUND_PENDING payment). Asking again for the same payment
        refunds once (the refund number derives from the payment). Raises ExternalServiceUnavailable."""
        ...


@dataclass(frozen=True)
class InvoiceContent:
    invoice_id: UUID
    invoice_type: str
    title_type: str
    title: str
    tax_number: str | None
    amount_fen: int
    lines: list[tuple[str, int]]  # (item name, amount in fen)
    order_id: UUID
    issued_at: datetime


@dataclass(frozen=True)
class IssuedInvoice:
    number: str
    pdf_blob_id: str


class InvoiceRejected(Exception):
    """The tax platform refused to issue this invoice (its message is for the user: a buyer's tax number it does
    not know, a title that does not match it). Asking again with the same details will not help."""


class InvoiceIssuer(Protocol):
    async def issue(self, content: InvoiceContent) -> IssuedInvoice:
        """Has the tax platform issue the e-invoice; returns its number and the stored PDF. `invoice_id` is the
        request's serial number: asking again for the same invoice returns the one already issued. Raises
        ExternalServiceUnavailable when the platform cannot be reached (the outbox retries), InvoiceRejected
        when it refuses the invoice (not retried)."""
        ...


class PlatformCertificateIssuer(Protocol):
    async def issue_callback_certificate(self, *, platform_code: str, platform_name: str,
                                         public_key_spki: bytes) -> tuple[bytes, str]:
        """Issues the platform's callback-signing certificate; returns (DER, PEM)."""
        ...


class CallbackDestinations(Protocol):
    async def check_registration(self, url: str) -> None:
        """Raises InvalidCallbackUrl (field callbackUrl) for a URL our server must not send to: one that is not
        https in production, or whose address — literal or resolved now — is loopback, private, link-local or a
        cloud metadata service. Deliveries check again (adapters/vendors/destinations.py)."""
        ...


class PublicKeyParser(Protocol):
    def sm2_spki_from_pem(self, pem: str) -> bytes:
        """The SubjectPublicKeyInfo DER of an SM2 public key PEM; ValueError unless the point is on the curve."""
        ...
