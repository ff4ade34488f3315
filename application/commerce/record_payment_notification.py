"""RecordPaymentNotification: what the notify endpoint runs for each gateway notification.

Verified (signature, freshness) by the gateway adapter, then checked against our payment (amount, channel).
Idempotent: a notification id is recorded once; a second delivery of a notification already handled, or a
notification for a payment already settled, changes nothing. Money that arrives for a cancelled, closed or
already-paid order flags the payment for refund instead of fulfilling. Version columns on Order and Payment
make a concurrent cancellation and notification end in one state: the loser retries on fresh rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from application.audit import audit
from application.commerce.fulfilment_hooks import ORDER_FULFILLED_HOOKS, run_fulfilment_hooks
from application.commerce.order_feed import OrderFeed, publish_order_change
from application.commerce.ports import InvalidPaymentNotification, PaymentGateway, PaymentNotice
from application.commerce.refund_payment import PAYMENT_REFUND_TOPIC
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.commerce.order import OrderStatus
from domain.commerce.payment import Payment, PaymentChannel, PaymentNotification, PaymentStatus
from domain.errors import Conflict, DomainError

log = logging.getLogger(__name__)
ATTEMPTS = 5


class NotificationOutcome(StrEnum):
    FULFILLED = "FULFILLED"
    REFUND_PENDING = "REFUND_PENDING"
    DUPLICATE = "DUPLICATE"
    FAILED = "FAILED"  # the channel reports the payment failed: the payment is FAILED, the order stays payable
    REJECTED = "REJECTED"  # forged, stale, unknown payment or wrong amount: nothing changes


@dataclass(frozen=True)
class NotificationResult:
    outcome: NotificationOutcome
    acknowledge: bool  # what the endpoint answers: True → "SUCCESS" (the gateway stops retrying)


class RecordPaymentNotification:
    def __init__(self, uow: UnitOfWorkFactory, gateway: PaymentGateway, clock: Clock,
                 feed: OrderFeed | None = None) -> None:
        self._uow, self._gateway, self._clock, self._feed = uow, gateway, clock, feed

    async def __call__(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> NotificationResult:
        try:
            notice = self._gateway.verify_notification(channel, body, headers)
        except InvalidPaymentNotification as exc:
            log.warning("payment notification rejected: %s", exc)
            return NotificationResult(NotificationOutcome.REJECTED, False)
        for _ in range(ATTEMPTS):
            try:
                result, changed = await self._apply(notice)
            except Conflict:
                continue  # a cancellation or a twin notification committed first: read again
            if changed is not None:
                await publish_order_change(self._feed, *changed)
            return result
        return NotificationResult(NotificationOutcome.REJECTED, False)  # the gateway retries later

    async def _apply(self, notice: PaymentNotice) -> tuple[NotificationResult, tuple | None]:
        """The result, and (order id, order status) when something changed that the order's watchers hear."""
        async with self._uow() as uow:
            now = self._clock.now()
            if await uow.payment_notifications.seen(notice.channel, notice.notify_id) is not None:
                return NotificationResult(NotificationOutcome.DUPLICATE, True), None
            payment = await uow.payments.get(notice.payment_id)
            if payment is None or payment.channel is not notice.channel or payment.amount_fen != notice.amount_fen:
                log.warning("payment notification does not match a payment of ours: %s", notice.payment_id)
                return NotificationResult(NotificationOutcome.REJECTED, False), None
            if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUND_PENDING):
                return NotificationResult(NotificationOutcome.DUPLICATE, True), None
            if not notice.succeeded:
                return await self._failed(uow, payment, notice, now)
            order = await uow.orders.get(payment.order_id)
            assert order is not None
            others = [p for p in await uow.payments.for_order(order.id) if p.id != payment.id]  # reads first
            try:
                order.mark_paid(payment.id, notice.paid_at, now)
            except DomainError:
                reason = ("order already paid" if order.is_paid else f"order {order.effective_status(now).value}")
                if order.status is OrderStatus.PENDING_PAYMENT:
                    order.close_if_expired(now)
                payment.flag_for_refund(notice.trade_no, notice.paid_at, reason)
                # Returned through the gateway once this commits (application/commerce/refund_payment.py).
                uow.outbox.put(PAYMENT_REFUND_TOPIC, {"paymentId": str(payment.id)})
                outcome = NotificationOutcome.REFUND_PENDING
                audit(uow, "payment.refund_flagged", now, None, account_id=order.account_id,
                      order_id=str(order.id), payment_id=str(payment.id), reason=reason)
            else:
                payment.succeed(notice.trade_no, notice.paid_at)
                for entitlement in order.fulfil(now):
                    uow.entitlements.add(entitlement)
                await run_fulfilment_hooks(ORDER_FULFILLED_HOOKS, uow, order, now)  # §6.3.2, §8.1 gifts
                for other in others:
                    other.close()
                outcome = NotificationOutcome.FULFILLED
                audit(uow, "order.paid", now, None, account_id=order.account_id, order_id=str(order.id),
                      payment_id=str(payment.id), amount_fen=payment.amount_fen)
            uow.payment_notifications.add(PaymentNotification(
                channel=notice.channel, notify_id=notice.notify_id, payment_id=payment.id, received_at=now,
                outcome=outcome.value))
            await uow.commit()
        return NotificationResult(outcome, True), (order.id, order.status.value)

    async def _failed(self, uow: UnitOfWork, payment: Payment, notice: PaymentNotice,
                      now: datetime) -> tuple[NotificationResult, tuple | None]:
        """No money moved: a pending payment becomes FAILED (a settled or closed one stays as it is) and the order
        keeps waiting, so the buyer may pay again (payOrder opens a new payment)."""
        order = await uow.orders.get(payment.order_id)  # read before writing: no autoflush mid-change
        changed = payment.fail()
        if changed:
            audit(uow, "payment.failed", now, None, account_id=payment.account_id, order_id=str(payment.order_id),
                  payment_id=str(payment.id))
        uow.payment_notifications.add(PaymentNotification(
            channel=notice.channel, notify_id=notice.notify_id, payment_id=payment.id, received_at=now,
            outcome=NotificationOutcome.FAILED.value))
        await uow.commit()
        status = order.status.value if order is not None else "PENDING_PAYMENT"
        return NotificationResult(NotificationOutcome.FAILED, True), ((payment.order_id, status) if changed else None)
