"""A channel's failure notification, the order feed and WatchOrder (the orderChanged subscription's use case),
with the in-memory fakes."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from application.commerce.cancel_order import CancelOrderCommand
from application.commerce.record_payment_notification import NotificationOutcome
from application.commerce.watch_order import WatchOrderCommand
from application.context import Principal
from domain.accounts.session import PrincipalKind
from domain.commerce.order import OrderStatus
from domain.commerce.payment import PaymentStatus
from domain.errors import Forbidden, NotFound, NotSignedIn
from tests.unit.application.test_commerce_orders import pay, place, shop, stored


async def test_a_failure_notification_fails_the_payment_and_leaves_the_order_payable(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    app.order_feed.published.clear()
    failure = app.payment_gateway.failed(payment.id)
    result = await app.commerce.record_payment_notification(*failure)
    assert result.outcome is NotificationOutcome.FAILED and result.acknowledge
    stored_order, payments, entitlements = await stored(app, order.id)
    assert stored_order.status is OrderStatus.PENDING_PAYMENT and entitlements == []
    assert [p.status for p in payments] == [PaymentStatus.FAILED]
    assert app.order_feed.statuses(order.id) == ["PENDING_PAYMENT"]
    # The same notification again changes nothing and is not announced again.
    assert (await app.commerce.record_payment_notification(*failure)).outcome is NotificationOutcome.DUPLICATE
    assert app.order_feed.statuses(order.id) == ["PENDING_PAYMENT"]
    # A new payment opens (the failed one is not reused) and paying it fulfils the order.
    again = await pay(app, user, order)
    assert again.id != payment.id
    result = await app.commerce.record_payment_notification(*app.payment_gateway.paid(again.id))
    assert result.outcome is NotificationOutcome.FULFILLED
    stored_order, payments, _ = await stored(app, order.id)
    assert stored_order.status is OrderStatus.FULFILLED
    assert {p.id: p.status for p in payments} == {payment.id: PaymentStatus.FAILED,
                                                  again.id: PaymentStatus.SUCCEEDED}
    assert app.order_feed.statuses(order.id) == ["PENDING_PAYMENT", "PENDING_PAYMENT", "FULFILLED"]


async def test_a_failure_after_success_changes_nothing(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    await app.commerce.record_payment_notification(*app.payment_gateway.paid(payment.id))
    result = await app.commerce.record_payment_notification(*app.payment_gateway.failed(payment.id))
    assert result.outcome is NotificationOutcome.DUPLICATE
    _, payments, _ = await stored(app, order.id)
    assert [p.status for p in payments] == [PaymentStatus.SUCCEEDED]


async def test_cancelling_and_closing_are_announced(app):
    user, _, personal, _ = await shop(app)
    cancelled = await place(app, user, personal)
    await app.commerce.cancel_order(CancelOrderCommand(user.principal, cancelled.id))
    assert app.order_feed.statuses(cancelled.id) == ["CANCELLED"]
    lapsing = await place(app, user, personal)
    app.clock.advance(minutes=31)
    assert await app.commerce.close_expired_orders() == 1
    assert app.order_feed.statuses(lapsing.id) == ["CLOSED"]


async def test_only_the_buyer_watches_an_order(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    other = await app.register_user("13900139000")
    watch = app.commerce.watch_order
    with pytest.raises(NotFound):
        await watch(WatchOrderCommand(other.principal, order.id))
    with pytest.raises(NotFound):
        await watch(WatchOrderCommand(user.principal, uuid4()))
    with pytest.raises(NotSignedIn):
        await watch(WatchOrderCommand(None, order.id))
    with pytest.raises(Forbidden):
        await watch(WatchOrderCommand(Principal(PrincipalKind.OPERATOR, uuid4(), uuid4()), order.id))
    assert app.order_feed._queues.get(order.id, []) == []  # nothing subscribed for a refused watcher


async def test_the_stream_follows_the_order_until_it_ends(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    stream = await app.commerce.watch_order(WatchOrderCommand(user.principal, order.id))
    first = await asyncio.wait_for(anext(stream), 5)
    assert first.status is OrderStatus.PENDING_PAYMENT and first.payments == []
    payment = await pay(app, user, order)
    opened = await asyncio.wait_for(anext(stream), 5)
    assert [p.id for p in opened.payments] == [payment.id]
    await app.commerce.record_payment_notification(*app.payment_gateway.paid(payment.id))
    done = await asyncio.wait_for(anext(stream), 5)
    assert done.status is OrderStatus.FULFILLED and [p.status for p in done.payments] == [PaymentStatus.SUCCEEDED]
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), 5)


async def test_an_unpaid_order_closes_in_the_stream_at_its_deadline_without_an_announcement(app):
    from application.commerce.watch_order import WatchOrder

    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    watch = WatchOrder(app.uow, app.order_feed, app.clock, expiry_grace_seconds=0)
    app.clock.advance(seconds=30 * 60 - 0.3)  # 0.3 s before its deadline
    stream = await watch(WatchOrderCommand(user.principal, order.id))
    assert (await asyncio.wait_for(anext(stream), 5)).status is OrderStatus.PENDING_PAYMENT
    app.clock.advance(seconds=1)  # the watcher reads again at the deadline and sees it past, unannounced
    closed = await asyncio.wait_for(anext(stream), 5)
    assert closed.status is OrderStatus.CLOSED
    await stream.aclose()
