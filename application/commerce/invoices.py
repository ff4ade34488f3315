"""Invoices (§6.4.3, §6.4.4): request one for a paid order, have it issued as a PDF, read it as its owner or
through a signed link that expires."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from application.accounts.sms_codes import SMS_TOPIC
from application.audit import audit
from application.commerce.orders import own_order
from application.commerce.policy import CommercePolicy
from application.commerce.ports import InvoiceContent, InvoiceIssuer, InvoiceRejected
from application.context import Principal, require_account
from application.ports import (
    BlobStore,
    Clock,
    ExternalServiceUnavailable,
    SecretHasher,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.commerce.invoice import (
    Invoice,
    InvoiceAlreadyRequested,
    InvoiceNotAllowed,
    InvoiceStatus,
    InvoiceTitleType,
    InvoiceType,
)
from domain.errors import Conflict, NotFound

log = logging.getLogger(__name__)
SHARE_PURPOSE = "invoice-share-link"
INVOICE_ISSUE_TOPIC = "invoice.issue"


@dataclass(frozen=True)
class RequestInvoiceCommand:
    principal: Principal | None
    order_id: UUID
    invoice_type: InvoiceType
    title_type: InvoiceTitleType
    title: str
    tax_number: str | None
    email: str


class RequestInvoice:
    """Commits the invoice ISSUING and, in the same transaction, the outbox message that has it issued: the tax
    platform is called by the outbox worker (IssueInvoice), retried with backoff, never lost with a crash. An order
    whose invoice FAILED may ask again (with corrected details); any other second request is refused."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: RequestInvoiceCommand) -> Invoice:
        me = require_account(cmd.principal)
        async with self._uow() as uow:
            order = await own_order(uow, me, cmd.order_id)
            if not order.is_paid:
                raise InvoiceNotAllowed(field="orderId")
            now = self._clock.now()
            invoice = await uow.invoices.for_order(order.id)
            if invoice is not None:  # only a FAILED one may be asked for again (request_again refuses the rest)
                invoice.request_again(invoice_type=cmd.invoice_type, title_type=cmd.title_type, title=cmd.title,
                                      tax_number=cmd.tax_number, email=cmd.email, now=now)
            else:
                invoice = Invoice.request(order_id=order.id, account_id=me.id, amount_fen=order.amount_fen,
                                          invoice_type=cmd.invoice_type, title_type=cmd.title_type, title=cmd.title,
                                          tax_number=cmd.tax_number, email=cmd.email, now=now)
                uow.invoices.add(invoice)
            uow.outbox.put(INVOICE_ISSUE_TOPIC, {"invoiceId": str(invoice.id)})
            audit(uow, "invoice.requested", now, None, account_id=me.id, order_id=str(order.id))
            try:
                await uow.commit()
            except Conflict:  # a twin request committed first (one invoice per order: a unique column)
                raise InvoiceAlreadyRequested(field="orderId") from None
        return invoice


class IssueInvoice:
    """The outbox handler's work: has the tax platform issue an ISSUING invoice and records it ISSUED.

    Idempotent: an invoice no longer ISSUING is left alone (a redelivered message), and the invoice id travels
    as the request's serial number, so a retry after a lost answer does not issue a second invoice. An outage of
    the tax platform propagates, and the outbox retries with backoff (and, when it gives up, invoice_issue_given_up
    marks the invoice FAILED); a refusal marks it FAILED at once, with the platform's reason for the user."""

    def __init__(self, uow: UnitOfWorkFactory, issuer: InvoiceIssuer, clock: Clock) -> None:
        self._uow, self._issuer, self._clock = uow, issuer, clock

    async def __call__(self, invoice_id: UUID) -> Invoice | None:
        async with self._uow() as uow:
            invoice = await uow.invoices.get(invoice_id)
            if invoice is None or invoice.status is not InvoiceStatus.ISSUING:
                return invoice
            order = await uow.orders.get(invoice.order_id)
            assert order is not None
            lines = [(ln.plan_name, ln.amount_fen) for ln in order.lines]
        try:
            issued = await self._issuer.issue(InvoiceContent(
                invoice_id=invoice.id, invoice_type=invoice.invoice_type.value, title_type=invoice.title_type.value,
                title=invoice.title, tax_number=invoice.tax_number, amount_fen=invoice.amount_fen, lines=lines,
                order_id=order.id, issued_at=self._clock.now()))
        except ExternalServiceUnavailable:
            log.warning("invoice %s: tax platform unavailable, stays ISSUING for the next attempt", invoice.id)
            raise
        except InvoiceRejected as rejected:
            return await invoice_failed(self._uow, invoice.id, f"税务平台拒绝开具：{rejected}", self._clock)
        async with self._uow() as uow:
            stored = await uow.invoices.get(invoice.id)
            assert stored is not None
            if stored.status is InvoiceStatus.ISSUING:
                now = self._clock.now()
                stored.issued(issued.number, issued.pdf_blob_id, now)
                audit(uow, "invoice.issued", now, None, account_id=stored.account_id, order_id=str(stored.order_id))
                await uow.commit()
            return stored


async def invoice_failed(uow_factory: UnitOfWorkFactory, invoice_id: UUID, reason: str,
                         clock: Clock) -> Invoice | None:
    async with uow_factory() as uow:
        invoice = await uow.invoices.get(invoice_id)
        if invoice is not None and invoice.issue_failed(reason, clock.now()):
            await _record_failure(uow, invoice, clock.now())
            await uow.commit()
        return invoice


async def _record_failure(uow: UnitOfWork, invoice: Invoice, now: datetime) -> None:
    audit(uow, "invoice.failed", now, None, ok=False, account_id=invoice.account_id, order_id=str(invoice.order_id),
          reason=invoice.failure_reason)
    account = await uow.accounts.get(invoice.account_id)
    if account is not None and account.is_active:
        uow.outbox.put(SMS_TOPIC, {"phone": account.phone, "purpose": "NOTICE",
                                   "text": f"【数信签】您申请的电子发票未能开具（{invoice.failure_reason}），"
                                           "请在订单中核对开票信息后重新申请。"})


async def invoice_issue_given_up(uow: UnitOfWork, payload: dict, error: str, now: datetime) -> None:
    """The outbox's give-up hook for INVOICE_ISSUE_TOPIC, in the transaction that gives the message up: an invoice
    the tax platform could not issue for as long as we retried is FAILED, so its owner may ask again."""
    invoice = await uow.invoices.get(UUID(payload["invoiceId"]))
    if invoice is not None and invoice.issue_failed("开票服务长时间不可用", now):
        await _record_failure(uow, invoice, now)


@dataclass(frozen=True)
class ShareLink:
    token: str
    expires_at: datetime


class InvoiceLinks:
    """Signed, time-limited share tokens: `<invoice id>.<expiry epoch>.<HMAC-SM3 under a master-derived key>`."""

    def __init__(self, hasher: SecretHasher, clock: Clock, policy: CommercePolicy) -> None:
        self._hasher, self._clock, self._policy = hasher, clock, policy

    def share(self, invoice_id: UUID) -> ShareLink:
        # The link dies exactly when its lifetime says, to the second (truncated, so never later): rounding to the
        # hour kept links working up to an hour past their expiry. A read each second gives a new token; any of
        # them opens the same invoice.
        now = self._clock.now()
        expires = int((now + self._policy.invoice_share_ttl).timestamp())
        message = f"{invoice_id}.{expires}"
        return ShareLink(f"{message}.{self._hasher.hash(SHARE_PURPOSE, message)}",
                         datetime.fromtimestamp(expires, UTC))

    def open(self, token: str) -> UUID | None:
        try:
            invoice_id, expires, mac = token.split(".", 2)
            ident, exp = UUID(invoice_id), int(expires)
        except ValueError:
            return None
        if not hmac.compare_digest(self._hasher.hash(SHARE_PURPOSE, f"{invoice_id}.{expires}"), mac):
            return None
        if self._clock.now().timestamp() >= exp:
            return None
        return ident


class ReadInvoicePdf:
    def __init__(self, uow: UnitOfWorkFactory, blobs: BlobStore, links: InvoiceLinks) -> None:
        self._uow, self._blobs, self._links = uow, blobs, links

    async def as_owner(self, principal: Principal | None, invoice_id: UUID) -> bytes:
        me = require_account(principal)
        async with self._uow() as uow:
            invoice = await uow.invoices.get(invoice_id)
        if invoice is None or invoice.account_id != me.id:
            raise NotFound("发票不存在")
        return await self._pdf(invoice)

    async def by_link(self, token: str) -> bytes:
        invoice_id = self._links.open(token)
        if invoice_id is None:
            raise NotFound("链接无效或已过期")
        async with self._uow() as uow:
            invoice = await uow.invoices.get(invoice_id)
        if invoice is None:
            raise NotFound("发票不存在")
        return await self._pdf(invoice)

    async def _pdf(self, invoice: Invoice) -> bytes:
        if invoice.status is not InvoiceStatus.ISSUED or invoice.pdf_blob_id is None:
            raise NotFound("发票尚未开具")
        data, _ = await self._blobs.get(invoice.pdf_blob_id)
        return data
