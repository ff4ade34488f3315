"""RefundPayment: returns the money of a REFUND_PENDING payment through its gateway (the outbox runs it after the
notification that flagged the payment commits: PAYMENT_REFUND_TOPIC).

The gateway is called outside any transaction. Its refund number derives from the payment, so a retry after a
timeout or a crash refunds once. A refund the gateway is still processing is asked about again later (the outbox's
backoff); one it refuses stays REFUND_PENDING for the operator, with an audit record saying why."""

from __future__ import annotations

import logging
from uuid import UUID

from application.audit import audit
from application.commerce.ports import PaymentRefunder
from application.ports import Clock, UnitOfWorkFactory
from domain.commerce.payment import PaymentStatus

log = logging.getLogger(__name__)

PAYMENT_REFUND_TOPIC = "payment.refund"


class RefundInProgress(Exception):
    """The gateway accepted the refund and has not settled it yet: ask again later."""


class RefundPayment:
    def __init__(self, uow: UnitOfWorkFactory, refunder: PaymentRefunder, clock: Clock) -> None:
        self._uow, self._refunder, self._clock = uow, refunder, clock

    async def __call__(self, payment_id: UUID) -> str:
        """Returns REFUNDED, REFUSED or NOTHING_TO_DO; raises (for the outbox to retry) while the gateway is
        unreachable or still processing."""
        async with self._uow() as uow:
            payment = await uow.payments.get(payment_id)
            if payment is None or payment.status is not PaymentStatus.REFUND_PENDING:
                return "NOTHING_TO_DO"
            channel, trade_no, amount_fen = payment.channel, payment.gateway_trade_no, payment.amount_fen
            reason = payment.refund_reason or "退款"
        result = await self._refunder.refund(channel=channel, payment_id=payment_id, trade_no=trade_no,
                                             amount_fen=amount_fen, reason=reason)
        if result.status == "PROCESSING":
            raise RefundInProgress(f"refund {result.refund_id} of payment {payment_id} still processing")
        async with self._uow() as uow:
            now = self._clock.now()
            payment = await uow.payments.get(payment_id)
            assert payment is not None
            order = await uow.orders.get(payment.order_id)
            account_id = order.account_id if order else None
            if result.status == "SUCCEEDED":
                if not payment.mark_refunded():
                    return "NOTHING_TO_DO"
                outcome = "REFUNDED"
                audit(uow, "payment.refunded", now, None, account_id=account_id, payment_id=str(payment_id),
                      refund_id=result.refund_id, amount_fen=amount_fen, channel=channel.value)
            else:
                outcome = "REFUSED"
                log.error("the gateway refused to refund payment %s (%s): the operator must return it by hand",
                          payment_id, result.refund_id)
                audit(uow, "payment.refund_refused", now, None, ok=False, account_id=account_id,
                      payment_id=str(payment_id), refund_id=result.refund_id, channel=channel.value)
            await uow.commit()
        return outcome
