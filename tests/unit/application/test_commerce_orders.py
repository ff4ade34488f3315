"""Orders of personal plans (§6.1, §6.4.1): placing, paying, the gateway's signed notification, cancelling and
closing, with the in-memory fakes; each test asserts what is stored afterwards."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.commerce.cancel_order import CancelOrderCommand
from application.commerce.pay_order import PayOrderCommand
from application.commerce.place_order import PlaceOrderCommand
from application.commerce.record_payment_notification import NotificationOutcome
from domain.commerce.entitlement import HolderKind
from domain.commerce.order import OrderStatus
from domain.commerce.payment import PaymentChannel, PaymentStatus
from domain.errors import DomainError, ErrorCode
from tests.fakes import Snapshot

WECHAT = PaymentChannel.WECHAT_PAY


async def shop(app):
    """A buyer, a platform with a personal and an enterprise plan."""
    platform = await app.trading_platform()
    personal = await app.service_plan(platform.id)
    enterprise = await app.service_plan(platform.id, subject="ENTERPRISE", name="企业标准版", price_fen=199_900,
                                        operations=("LOGIN", "SIGN", "ENCRYPT", "DECRYPT"), sign_quota=1000)
    user = await app.verified_user()
    return user, platform, personal, enterprise


async def place(app, user, *plans):
    return await app.commerce.place_order(PlaceOrderCommand(user.principal, [p.id for p in plans]))


async def pay(app, user, order, channel=WECHAT):
    return await app.commerce.pay_order(PayOrderCommand(user.principal, order.id, channel))


async def stored(app, order_id):
    async with app.uow() as uow:
        return (await uow.orders.get(order_id), await uow.payments.for_order(order_id),
                [e for e in await uow.entitlements.for_holder(HolderKind.ACCOUNT, (await uow.orders.get(order_id))
                                                               .account_id) if e.order_id == order_id])


def code_of(excinfo) -> ErrorCode:
    return excinfo.value.code


# ------------------------------------------------------------ placing


async def test_order_snapshots_the_personal_plans_and_waits_30_minutes(app):
    user, platform, personal, _ = await shop(app)
    second = await app.service_plan(platform.id, name="个人基础版", operations=("LOGIN",), price_fen=9_900,
                                    sign_quota=None)
    order = await place(app, user, personal, second)
    got, payments, ents = await stored(app, order.id)
    assert got.status is OrderStatus.PENDING_PAYMENT and got.account_id == user.account_id
    assert got.amount_fen == 29_900 + 9_900
    assert got.expires_at == app.clock.now() + timedelta(minutes=30)
    assert [(ln.plan_name, ln.amount_fen, ln.operations, ln.sign_quota) for ln in got.lines] == [
        ("个人标准版", 29_900, ("LOGIN", "SIGN"), 100), ("个人基础版", 9_900, ("LOGIN",), None)]
    assert payments == [] and ents == []


async def test_a_later_price_change_does_not_change_the_order(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    async with app.uow() as uow:
        plan = await uow.service_plans.get(personal.id)
        plan.price_fen = 1
        await uow.commit()
    payment = await pay(app, user, order)
    got, _, _ = await stored(app, order.id)
    assert got.amount_fen == payment.amount_fen == 29_900
    assert got.lines[0].amount_fen == 29_900


@pytest.mark.parametrize("which, code", [("enterprise", ErrorCode.PLAN_SUBJECT_MISMATCH),
                                         ("unknown", ErrorCode.NOT_FOUND),
                                         ("inactive", ErrorCode.NOT_FOUND),
                                         ("none", ErrorCode.INVALID_INPUT)])
async def test_refused_orders_store_nothing(app, which, code):
    user, _, personal, enterprise = await shop(app)
    if which == "inactive":
        async with app.uow() as uow:
            (await uow.service_plans.get(personal.id)).active = False
            await uow.commit()
    ids = {"enterprise": [personal.id, enterprise.id], "unknown": [uuid4()], "inactive": [personal.id],
           "none": []}[which]
    before = Snapshot.of(app.db)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.place_order(PlaceOrderCommand(user.principal, ids))
    assert code_of(excinfo) is code and excinfo.value.field == "planIds"
    assert Snapshot.of(app.db) == before


async def test_an_order_for_a_grant_that_does_not_exist_is_not_found(app):
    # §8.5 grant purchases: tests/unit/application/test_certificate_grants.py.
    user, _, personal, _ = await shop(app)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.place_order(PlaceOrderCommand(user.principal, [personal.id], grant_id=uuid4()))
    assert code_of(excinfo) is ErrorCode.NOT_FOUND and excinfo.value.field == "grantId"
    assert app.db.rows("orders") == []


# ------------------------------------------------------------ paying


async def test_paying_opens_one_payment_and_asking_again_returns_it(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    first = await pay(app, user, order)
    again = await pay(app, user, order)
    _, payments, _ = await stored(app, order.id)
    assert again.id == first.id and [p.id for p in payments] == [first.id]
    assert first.status is PaymentStatus.PENDING and first.amount_fen == 29_900 and first.pay_url.startswith("https")
    assert len(app.payment_gateway.requests) == 1
    # Another channel is another payment (the buyer switched wallets); both wait.
    other = await pay(app, user, order, PaymentChannel.ALIPAY)
    _, payments, _ = await stored(app, order.id)
    assert {p.id for p in payments} == {first.id, other.id}


async def test_gateway_down_stores_no_payment(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    app.payment_gateway.down = True
    with pytest.raises(DomainError) as excinfo:
        await pay(app, user, order)
    assert code_of(excinfo) is ErrorCode.SERVICE_UNAVAILABLE
    assert app.db.rows("payments") == []


async def test_signed_notification_fulfils_once_with_validity_and_quota(app):
    user, platform, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    other = await pay(app, user, order, PaymentChannel.ALIPAY)
    app.clock.advance(minutes=3)
    result = await app.notify_paid(payment.id)
    assert result.outcome is NotificationOutcome.FULFILLED and result.acknowledge
    got, payments, [ent] = await stored(app, order.id)
    assert got.status is OrderStatus.FULFILLED and got.paid_at == app.clock.now()
    assert got.paid_by_payment_id == payment.id
    assert {p.id: p.status for p in payments} == {payment.id: PaymentStatus.SUCCEEDED,
                                                  other.id: PaymentStatus.CLOSED}
    assert (ent.holder_kind, ent.holder_id, ent.platform_id, ent.plan_id) == (
        HolderKind.ACCOUNT, user.account_id, platform.id, personal.id)
    assert ent.operations == ["LOGIN", "SIGN"] and ent.sign_quota == 100 and ent.signs_used == 0
    assert ent.valid_from == got.paid_at
    assert ent.valid_until == got.paid_at.replace(year=got.paid_at.year + 1)
    assert [e.id for e in await app.commerce.list_my_entitlements(user.principal)] == [ent.id]


async def test_duplicate_replayed_forged_and_wrong_amount_notifications_change_nothing(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    channel, body, headers = app.payment_gateway.paid(payment.id)
    assert (await app.commerce.record_payment_notification(channel, body, headers)).outcome \
        is NotificationOutcome.FULFILLED
    after_first = Snapshot.of(app.db)

    replay = await app.commerce.record_payment_notification(channel, body, headers)
    assert replay.outcome is NotificationOutcome.DUPLICATE and replay.acknowledge
    duplicate = await app.notify_paid(payment.id)  # the gateway's retry: a fresh notify id, same payment
    assert duplicate.outcome is NotificationOutcome.DUPLICATE
    forged = await app.commerce.record_payment_notification(
        channel, app.payment_gateway.forge(body, notify_id="forged", amount_fen=1), headers)
    assert forged.outcome is NotificationOutcome.REJECTED and not forged.acknowledge
    wrong_channel = await app.commerce.record_payment_notification(PaymentChannel.ALIPAY, body, headers)
    assert wrong_channel.outcome is NotificationOutcome.REJECTED
    assert Snapshot.of(app.db) == after_first
    _, _, ents = await stored(app, order.id)
    assert len(ents) == 1


async def test_signed_notification_with_a_wrong_amount_or_unknown_payment_is_rejected(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    before = Snapshot.of(app.db)
    wrong = await app.notify_paid(payment.id, amount_fen=1)  # signed by the gateway, but not what we asked
    assert wrong.outcome is NotificationOutcome.REJECTED and not wrong.acknowledge
    app.payment_gateway.requests.append(type(app.payment_gateway.requests[0])(
        uuid4(), order.id, WECHAT, 29_900, "?"))
    unknown = await app.notify_paid(app.payment_gateway.requests[-1].payment_id)
    assert unknown.outcome is NotificationOutcome.REJECTED
    assert Snapshot.of(app.db) == before


@pytest.mark.parametrize("ending", ["cancelled", "closed"])
async def test_money_for_a_cancelled_or_closed_order_is_flagged_for_refund(app, ending):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    if ending == "cancelled":
        await app.commerce.cancel_order(CancelOrderCommand(user.principal, order.id))
    else:
        app.clock.advance(minutes=31)
    result = await app.notify_paid(payment.id)  # the wallet was still open; paid now
    assert result.outcome is NotificationOutcome.REFUND_PENDING and result.acknowledge
    got, [p], ents = await stored(app, order.id)
    assert got.status is (OrderStatus.CANCELLED if ending == "cancelled" else OrderStatus.CLOSED)
    assert p.status is PaymentStatus.REFUND_PENDING and p.refund_reason
    assert ents == [] and got.paid_at is None


async def test_flagged_money_goes_back_through_the_gateway(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    await app.commerce.cancel_order(CancelOrderCommand(user.principal, order.id))
    await app.notify_paid(payment.id)
    _, [flagged], _ = await stored(app, order.id)
    app.payment_gateway.refund_answer = "PROCESSING"  # accepted, not settled: asked again later
    await app.dispatcher.dispatch_due()
    assert (await stored(app, order.id))[1][0].status is PaymentStatus.REFUND_PENDING
    app.payment_gateway.refund_answer = "SUCCEEDED"
    app.clock.advance(minutes=1)
    assert await app.dispatcher.dispatch_due() == 1
    _, [p], ents = await stored(app, order.id)
    assert p.status is PaymentStatus.REFUNDED and ents == []
    assert app.payment_gateway.refunds == [(WECHAT, payment.id, flagged.gateway_trade_no, payment.amount_fen,
                                            flagged.refund_reason)] * 2  # the same refund number both times
    [event] = app.db.audit_events("payment.refunded")
    assert event.account_id == user.account_id
    # Done: a second delivery of the same message (or a late one) refunds nothing.
    assert await app.commerce.refund_payment(payment.id) == "NOTHING_TO_DO"
    assert len(app.payment_gateway.refunds) == 2


async def test_a_refused_refund_stays_pending_for_the_operator(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    await app.commerce.cancel_order(CancelOrderCommand(user.principal, order.id))
    await app.notify_paid(payment.id)
    app.payment_gateway.down = True
    await app.dispatcher.dispatch_due()  # unreachable: retried later
    assert app.payment_gateway.refunds == []
    app.payment_gateway.down, app.payment_gateway.refund_answer = False, "FAILED"
    app.clock.advance(minutes=1)
    assert await app.dispatcher.dispatch_due() == 1  # delivered: the gateway has said no, asking again won't help
    _, [p], _ = await stored(app, order.id)
    assert p.status is PaymentStatus.REFUND_PENDING
    [event] = app.db.audit_events("payment.refund_refused")
    assert event.outcome.value == "FAILURE"
    app.clock.advance(hours=2)
    assert await app.dispatcher.dispatch_due() == 0 and len(app.payment_gateway.refunds) == 1


async def test_payment_made_before_the_deadline_counts_even_if_notified_after(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    paid_at = app.clock.now() + timedelta(minutes=29)
    app.clock.advance(minutes=32)
    result = await app.notify_paid(payment.id, paid_at=paid_at)
    assert result.outcome is NotificationOutcome.FULFILLED
    got, _, [ent] = await stored(app, order.id)
    assert got.status is OrderStatus.FULFILLED and ent.valid_from == paid_at


async def test_a_paid_order_cannot_be_paid_again(app):
    user, _, personal, _ = await shop(app)
    order = await app.paid_order(user, [personal.id])
    before = Snapshot.of(app.db)
    with pytest.raises(DomainError) as excinfo:
        await pay(app, user, order, PaymentChannel.ALIPAY)
    assert code_of(excinfo) is ErrorCode.ORDER_ALREADY_PAID
    assert Snapshot.of(app.db) == before


# ------------------------------------------------------------ cancelling and closing


async def test_cancel_a_pending_order_closes_its_payments_and_it_can_no_longer_be_paid(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    payment = await pay(app, user, order)
    cancelled = await app.commerce.cancel_order(CancelOrderCommand(user.principal, order.id))
    got, [p], _ = await stored(app, order.id)
    assert cancelled.status is got.status is OrderStatus.CANCELLED and got.cancelled_at == app.clock.now()
    assert p.id == payment.id and p.status is PaymentStatus.CLOSED
    for act in (pay(app, user, order), app.commerce.cancel_order(CancelOrderCommand(user.principal, order.id))):
        with pytest.raises(DomainError) as excinfo:
            await act
        assert code_of(excinfo) is ErrorCode.ORDER_NOT_PAYABLE


async def test_a_paid_order_cannot_be_cancelled(app):
    user, _, personal, _ = await shop(app)
    order = await app.paid_order(user, [personal.id])
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.cancel_order(CancelOrderCommand(user.principal, order.id))
    assert code_of(excinfo) is ErrorCode.ORDER_NOT_PAYABLE
    got, _, _ = await stored(app, order.id)
    assert got.status is OrderStatus.FULFILLED


async def test_worker_closes_orders_unpaid_after_30_minutes(app):
    user, _, personal, _ = await shop(app)
    old = await place(app, user, personal)
    payment = await pay(app, user, old)
    app.clock.advance(minutes=20)
    young = await place(app, user, personal)
    app.clock.advance(minutes=10)  # old: exactly 30 minutes
    assert await app.commerce.close_expired_orders() == 1
    assert await app.commerce.close_expired_orders() == 0
    (o, [p], _), (y, _, _) = await stored(app, old.id), await stored(app, young.id)
    assert o.status is OrderStatus.CLOSED and o.closed_at == app.clock.now()
    assert p.id == payment.id and p.status is PaymentStatus.CLOSED
    assert y.status is OrderStatus.PENDING_PAYMENT
    with pytest.raises(DomainError) as excinfo:
        await pay(app, user, old)
    assert code_of(excinfo) is ErrorCode.ORDER_NOT_PAYABLE


async def test_an_expired_order_reads_closed_before_the_worker_runs(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    app.clock.advance(minutes=29)
    await pay(app, user, order)  # still payable a minute before
    app.clock.advance(minutes=1)
    page = await app.commerce.list_my_orders(user.principal, 20, None)
    assert [o.effective_status(app.clock.now()) for o in page.items] == [OrderStatus.CLOSED]
    with pytest.raises(DomainError) as excinfo:
        await pay(app, user, order, PaymentChannel.ALIPAY)
    assert code_of(excinfo) is ErrorCode.ORDER_NOT_PAYABLE


# ------------------------------------------------------------ someone else's order


async def test_another_accounts_order_is_not_found_and_untouched(app):
    user, _, personal, _ = await shop(app)
    order = await place(app, user, personal)
    stranger = await app.register_user("13900139000")
    before = Snapshot.of(app.db)
    for act in (app.commerce.pay_order(PayOrderCommand(stranger.principal, order.id, WECHAT)),
                app.commerce.cancel_order(CancelOrderCommand(stranger.principal, order.id))):
        with pytest.raises(DomainError) as excinfo:
            await act
        assert code_of(excinfo) is ErrorCode.NOT_FOUND
    assert Snapshot.of(app.db) == before
    assert (await app.commerce.list_my_orders(stranger.principal, 20, None)).items == []
    assert await app.commerce.get_object(stranger.principal, "Order", order.id) is None
    assert (await app.commerce.get_object(user.principal, "Order", order.id)).id == order.id
