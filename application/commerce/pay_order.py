"""PayOrder: opens a payment of a payable order with a channel; the client opens the returned pay URL.
Asking again with the same channel returns the payment already open, so a retry never opens a second one."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from application.audit import audit
from application.commerce.order_feed import OrderFeed, publish_order_change
from application.commerce.orders import own_order
from application.commerce.ports import PaymentGateway, PaymentRequest
from application.context import Principal, require_account
from application.ports import Clock, ExternalServiceUnavailable, UnitOfWorkFactory
from domain.commerce.payment import Payment, PaymentChannel, PaymentStatus
from domain.errors import ServiceUnavailable


@dataclass(frozen=True)
class PayOrderCommand:
    principal: Principal | None
    order_id: UUID
    channel: PaymentChannel


class PayOrder:
    def __init__(self, uow: UnitOfWorkFactory, gateway: PaymentGateway, clock: Clock,
                 feed: OrderFeed | None = None) -> None:
        self._uow, self._gateway, self._clock, self._feed = uow, gateway, clock, feed

    async def __call__(self, cmd: PayOrderCommand) -> Payment:
        me = require_account(cmd.principal)
        async with self._uow() as uow:
            order = await own_order(uow, me, cmd.order_id)
            order.ensure_payable(self._clock.now())
            for existing in await uow.payments.for_order(order.id):
                if existing.channel is cmd.channel and existing.status is PaymentStatus.PENDING:
                    return existing
            payment_id = uuid4()
            try:
                url = await self._gateway.create(PaymentRequest(payment_id, order.id, cmd.channel, order.amount_fen,
                                                                "数信签证书服务"))
            except ExternalServiceUnavailable:
                raise ServiceUnavailable("支付服务暂不可用，请稍后重试") from None
            now = self._clock.now()
            payment = Payment(order_id=order.id, account_id=me.id, channel=cmd.channel, amount_fen=order.amount_fen,
                              pay_url=url, created_at=now, id=payment_id)
            uow.payments.add(payment)
            audit(uow, "payment.created", now, None, account_id=me.id, order_id=str(order.id),
                  channel=cmd.channel.value)
            await uow.commit()
        await publish_order_change(self._feed, order.id, order.status.value)  # a new payment to follow
        return payment
