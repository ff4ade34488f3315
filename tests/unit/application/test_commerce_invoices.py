"""Invoices (§6.4.3, §6.4.4) with the in-memory fakes: who may ask, what a title needs, one per order, issuing
through the outbox with retries, reading the PDF as the owner or through a signed link that expires."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from application.commerce.invoices import INVOICE_ISSUE_TOPIC, InvoiceLinks, RequestInvoiceCommand
from application.commerce.place_order import PlaceOrderCommand
from application.commerce.policy import CommercePolicy
from domain.commerce.credit_code import check_character
from domain.commerce.invoice import InvoiceStatus, InvoiceTitleType, InvoiceType
from domain.errors import DomainError, ErrorCode, NotFound
from tests.fakes import Snapshot

CREDIT_CODE = "91350100M000100Y43"  # a valid GB 32100 code
NORMAL, SPECIAL = InvoiceType.NORMAL, InvoiceType.SPECIAL
PERSONAL, COMPANY = InvoiceTitleType.PERSONAL, InvoiceTitleType.COMPANY


async def paid(app, phone: str = "13800138000"):
    platform = await app.trading_platform()
    plan = await app.service_plan(platform.id)
    user = await app.verified_user(phone)
    return user, await app.paid_order(user, [plan.id])


def ask(user, order, invoice_type=NORMAL, title_type=PERSONAL, title="张三", tax_number=None,
        email="zhangsan@example.cn") -> RequestInvoiceCommand:
    return RequestInvoiceCommand(user.principal, order.id, invoice_type, title_type, title, tax_number, email)


async def invoice_of(app, order):
    async with app.uow() as uow:
        return await uow.invoices.for_order(order.id)


def invoice_messages(app):
    return [m for m in app.db.outbox_messages() if m.topic == INVOICE_ISSUE_TOPIC]


async def test_request_commits_issuing_and_the_outbox_issues_it(app):
    user, order = await paid(app)
    requested = await app.commerce.request_invoice(ask(user, order))
    assert requested.status is InvoiceStatus.ISSUING and requested.number is None
    [message] = invoice_messages(app)
    assert message.payload == {"invoiceId": str(requested.id)} and message.delivered_at is None
    assert app.invoice_issuer.attempts == 0  # not inside the request

    assert await app.deliver() == 1
    got = await invoice_of(app, order)
    assert got.status is InvoiceStatus.ISSUED and got.number and got.issued_at == app.clock.now()
    assert got.amount_fen == order.amount_fen == 29_900 and got.title == "张三" and got.tax_number is None
    [content] = app.invoice_issuer.contents
    assert content.invoice_id == got.id and content.lines == [("个人标准版", 29_900)]
    assert (await app.commerce.read_invoice_pdf.as_owner(user.principal, got.id)).startswith(b"%PDF")


async def test_a_failing_tax_platform_is_retried_with_backoff_until_issued(app):
    user, order = await paid(app)
    app.invoice_issuer.fail_next(2)
    await app.commerce.request_invoice(ask(user, order))

    assert await app.deliver() == 0
    assert (await invoice_of(app, order)).status is InvoiceStatus.ISSUING
    [message] = invoice_messages(app)
    assert message.attempts == 1 and message.next_attempt_at > app.clock.now() and "unavailable" in message.last_error
    assert await app.deliver() == 0  # not due yet: backoff
    assert app.invoice_issuer.attempts == 1
    app.clock.advance(seconds=5)
    assert await app.deliver() == 0
    app.clock.advance(seconds=10)
    assert await app.deliver() == 1

    got = await invoice_of(app, order)
    assert got.status is InvoiceStatus.ISSUED and got.number
    assert app.invoice_issuer.attempts == 3 and len(app.invoice_issuer.issued) == 1
    [message] = invoice_messages(app)
    assert message.delivered_at is not None
    assert (await app.commerce.read_invoice_pdf.as_owner(user.principal, got.id)).startswith(b"%PDF")


async def test_no_pdf_while_issuing(app):
    user, order = await paid(app)
    app.invoice_issuer.down = True
    requested = await app.commerce.request_invoice(ask(user, order))
    await app.deliver()
    with pytest.raises(NotFound):
        await app.commerce.read_invoice_pdf.as_owner(user.principal, requested.id)
    app.invoice_issuer.down = False
    app.clock.advance(seconds=5)
    assert await app.deliver() == 1
    assert await app.commerce.read_invoice_pdf.as_owner(user.principal, requested.id)


async def test_a_redelivered_message_issues_nothing_twice(app):
    user, order = await paid(app)
    requested = await app.commerce.request_invoice(ask(user, order))
    await app.deliver()
    first = await invoice_of(app, order)
    again = await app.commerce.issue_invoice(requested.id)  # a worker whose lease ran out delivers it again
    assert again.number == first.number and again.issued_at == first.issued_at
    assert app.invoice_issuer.attempts == 1 and len(app.invoice_issuer.contents) == 1


async def test_special_invoice_with_a_company_title_and_a_valid_credit_code(app):
    user, order = await paid(app)
    invoice = await app.commerce.request_invoice(ask(user, order, SPECIAL, COMPANY, "北京某某科技有限公司",
                                                     CREDIT_CODE.lower(), "cw@example.cn"))
    assert (invoice.invoice_type, invoice.title_type, invoice.tax_number) == (SPECIAL, COMPANY, CREDIT_CODE)
    await app.deliver()
    assert app.invoice_issuer.contents[0].tax_number == CREDIT_CODE


@pytest.mark.parametrize("cmd, field", [
    (dict(invoice_type=NORMAL, title_type=COMPANY, title="某公司", tax_number=None), "taxNumber"),
    (dict(invoice_type=NORMAL, title_type=COMPANY, title="某公司", tax_number=CREDIT_CODE[:-1] + "0"), "taxNumber"),
    (dict(invoice_type=NORMAL, title_type=COMPANY, title="某公司", tax_number="91350100M00010"), "taxNumber"),
    (dict(invoice_type=SPECIAL, title_type=PERSONAL, title="张三", tax_number=None), "titleType"),
    (dict(invoice_type=NORMAL, title_type=PERSONAL, title="张三", tax_number=CREDIT_CODE), "taxNumber"),
    (dict(invoice_type=NORMAL, title_type=PERSONAL, title="  ", tax_number=None), "title"),
    (dict(invoice_type=NORMAL, title_type=PERSONAL, title="张三", tax_number=None, email="not-an-email"), "email"),
])
async def test_bad_titles_are_refused_and_store_nothing(app, cmd, field):
    user, order = await paid(app)
    before = Snapshot.of(app.db)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.request_invoice(ask(user, order, **cmd))
    assert excinfo.value.code is ErrorCode.INVALID_INPUT and excinfo.value.field == field
    assert Snapshot.of(app.db) == before


def test_the_valid_code_used_here_is_valid():
    assert check_character(CREDIT_CODE[:17]) == CREDIT_CODE[17]


async def test_unpaid_order_is_refused(app):
    platform = await app.trading_platform()
    plan = await app.service_plan(platform.id)
    user = await app.verified_user()
    order = await app.commerce.place_order(PlaceOrderCommand(user.principal, [plan.id]))
    before = Snapshot.of(app.db)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.request_invoice(ask(user, order))
    assert excinfo.value.code is ErrorCode.INVOICE_NOT_ALLOWED
    assert Snapshot.of(app.db) == before


async def test_second_invoice_of_an_order_is_refused(app):
    user, order = await paid(app)
    await app.commerce.request_invoice(ask(user, order))
    before = Snapshot.of(app.db)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.request_invoice(ask(user, order, SPECIAL, COMPANY, "某公司", CREDIT_CODE))
    assert excinfo.value.code is ErrorCode.INVOICE_NOT_ALLOWED
    assert Snapshot.of(app.db) == before
    assert len(invoice_messages(app)) == 1


async def test_twin_requests_racing_leave_one_invoice(app):
    user, order = await paid(app)

    async def twin(uow):
        from domain.commerce.invoice import Invoice

        uow.invoices.add(Invoice.request(order_id=order.id, account_id=user.account_id, amount_fen=order.amount_fen,
                                         invoice_type=NORMAL, title_type=PERSONAL, title="张三", tax_number=None,
                                         email="z@example.cn", now=app.clock.now()))

    app.uow.interleave(twin)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.request_invoice(ask(user, order))
    assert excinfo.value.code is ErrorCode.INVOICE_NOT_ALLOWED
    assert len(app.db.rows("invoices")) == 1 and invoice_messages(app) == []


async def test_another_accounts_order_and_invoice_are_not_found(app):
    user, order = await paid(app)
    invoice = await app.commerce.request_invoice(ask(user, order))
    await app.deliver()
    stranger = await app.register_user("13900139000")
    before = Snapshot.of(app.db)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.request_invoice(ask(stranger, order))
    assert excinfo.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(NotFound):
        await app.commerce.read_invoice_pdf.as_owner(stranger.principal, invoice.id)
    assert await app.commerce.get_object(stranger.principal, "Invoice", invoice.id) is None
    assert Snapshot.of(app.db) == before


async def test_share_link_is_signed_and_expires(app):
    user, order = await paid(app)
    invoice = await app.commerce.request_invoice(ask(user, order))
    await app.deliver()
    link = app.commerce.invoice_links.share(invoice.id)
    # Exactly the configured lifetime (to the second, never more): no rounding up to the hour.
    assert timedelta(days=7) - timedelta(seconds=1) < link.expires_at - app.clock.now() <= timedelta(days=7)
    assert (await app.commerce.read_invoice_pdf.by_link(link.token)).startswith(b"%PDF")

    ident, expires, mac = link.token.split(".")
    for forged in (f"{ident}.{int(expires) + 86_400}.{mac}",  # a later expiry under the old signature
                   f"{ident}.{expires}.{mac[:-2]}{'00' if mac[-2:] != '00' else '11'}",
                   "garbage", ""):
        with pytest.raises(NotFound):
            await app.commerce.read_invoice_pdf.by_link(forged)

    app.clock.set(link.expires_at - timedelta(seconds=1))
    assert await app.commerce.read_invoice_pdf.by_link(link.token)
    app.clock.set(link.expires_at)
    with pytest.raises(NotFound):
        await app.commerce.read_invoice_pdf.by_link(link.token)


async def test_a_refused_invoice_fails_at_once_and_may_be_asked_for_again_corrected(app):
    user, order = await paid(app)
    app.invoice_issuer.reject_tax_number(CREDIT_CODE, "购买方纳税人识别号未登记")
    await app.commerce.request_invoice(ask(user, order, title_type=COMPANY, title="福建某公司", tax_number=CREDIT_CODE))
    assert await app.deliver() == 1  # delivered: a refusal is an answer, not an outage to retry
    failed = await invoice_of(app, order)
    assert (failed.status, failed.failed_at) == (InvoiceStatus.FAILED, app.clock.now())
    assert "未登记" in failed.failure_reason and app.invoice_issuer.attempts == 1
    assert [e for e in app.db.audit_events("invoice.failed")]
    await app.deliver()
    assert any("未能开具" in m.text for m in app.sms.to(user.phone))

    again = await app.commerce.request_invoice(ask(user, order))  # corrected: a personal title this time
    assert (again.id, again.status, again.title_type, again.tax_number, again.failure_reason) == (
        failed.id, InvoiceStatus.ISSUING, PERSONAL, None, None)
    assert await app.deliver() >= 1
    issued = await invoice_of(app, order)
    assert issued.status is InvoiceStatus.ISSUED and issued.number
    with pytest.raises(DomainError) as refused:  # an issued one is not asked for twice
        await app.commerce.request_invoice(ask(user, order))
    assert refused.value.code is ErrorCode.INVOICE_NOT_ALLOWED and "已申请" in refused.value.message


async def test_an_invoice_the_outbox_gives_up_on_fails_so_its_owner_may_ask_again(app):
    user, order = await paid(app)
    app.invoice_issuer.down = True
    await app.commerce.request_invoice(ask(user, order))
    for _ in range(40):  # retried with backoff for a day, then given up
        await app.deliver()
        app.clock.advance(hours=1)
    [message] = invoice_messages(app)
    assert message.next_attempt_at is None and message.delivered_at is None  # given up
    failed = await invoice_of(app, order)
    assert failed.status is InvoiceStatus.FAILED and failed.failure_reason == "开票服务长时间不可用"
    app.invoice_issuer.down = False
    await app.commerce.request_invoice(ask(user, order))
    await app.deliver()
    assert (await invoice_of(app, order)).status is InvoiceStatus.ISSUED


async def test_a_share_link_set_to_expire_now_does_not_open(app):
    """A lifetime of zero means the link is dead when it is made, not an hour later (it used to be rounded up)."""
    user, order = await paid(app)
    invoice = await app.commerce.request_invoice(ask(user, order))
    await app.deliver()
    links = InvoiceLinks(app.secrets, app.clock, replace(CommercePolicy(), invoice_share_ttl=timedelta(0)))
    link = links.share(invoice.id)
    assert link.expires_at <= app.clock.now()
    assert links.open(link.token) is None
    hour = InvoiceLinks(app.secrets, app.clock, replace(CommercePolicy(), invoice_share_ttl=timedelta(hours=1)))
    link = hour.share(invoice.id)
    app.clock.advance(timedelta(minutes=59, seconds=59))
    assert hour.open(link.token) == invoice.id
    app.clock.advance(timedelta(seconds=1))
    assert hour.open(link.token) is None
