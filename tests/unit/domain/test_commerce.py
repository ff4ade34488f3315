"""Commerce value objects and the order state machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.commerce.catalogue import InvalidCallbackUrl, ServicePlan, check_callback_url, check_platform_code
from domain.commerce.credit_code import CreditCode, InvalidCreditCode, check_character
from domain.commerce.entitlement import ScanOperation, SubjectType
from domain.commerce.invoice import Invoice, InvoiceTitleType, InvoiceType
from domain.commerce.order import (
    Order,
    OrderAlreadyPaid,
    OrderNotPayable,
    OrderStatus,
    PlanSubjectMismatch,
    add_months,
)
from domain.errors import DomainError

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000100006485K", "911100007109288314"])
def test_valid_credit_codes(code):
    assert CreditCode.parse(f" {code.lower()} ").value == code


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91350100M000100Y4", "9135010OM000100Y43", "", "X" * 18,
                                  "91350100I000100Y43"])
def test_invalid_credit_codes(code):
    with pytest.raises(InvalidCreditCode):
        CreditCode(code)


def test_check_character_is_gb32100():
    assert check_character("91350100M000100Y4") == "3"


def plan(subject=SubjectType.PERSONAL, price=29_900, months=12) -> ServicePlan:
    return ServicePlan.create(platform_id=uuid4(), subject_type=subject, name="标准版",
                              operations=[ScanOperation.SIGN, ScanOperation.LOGIN], validity_months=months,
                              price_fen=price, sign_quota=10, now=NOW)


def order(*plans: ServicePlan) -> Order:
    return Order.place_personal(account_id=uuid4(), plans=list(plans or [plan()]), now=NOW,
                                payment_timeout=timedelta(minutes=30))


@pytest.mark.parametrize("price", [0, -1])
def test_plans_cost_something(price):
    with pytest.raises(DomainError) as e:
        plan(price=price)
    assert e.value.field == "priceFen"


def test_plan_operations_are_ordered_and_unique():
    assert plan().operations == ["LOGIN", "SIGN"]


def test_enterprise_plans_are_not_personal_orders():
    with pytest.raises(PlanSubjectMismatch):
        order(plan(SubjectType.ENTERPRISE))


def test_order_snapshots_and_sums():
    o = order(plan(price=100), plan(price=250))
    assert o.amount_fen == 350 and [ln.amount_fen for ln in o.lines] == [100, 250]


def test_expired_order_reads_closed_and_cannot_be_paid():
    o = order()
    later = NOW + timedelta(minutes=30)
    assert o.effective_status(later) is OrderStatus.CLOSED and o.status is OrderStatus.PENDING_PAYMENT
    with pytest.raises(OrderNotPayable):
        o.ensure_payable(later)
    assert o.close_if_expired(later) and o.status is OrderStatus.CLOSED


def test_paid_before_the_deadline_counts_when_notified_late():
    o = order()
    o.mark_paid(uuid4(), NOW + timedelta(minutes=29), NOW + timedelta(minutes=31))
    assert o.status is OrderStatus.PAID
    [e] = o.fulfil(NOW + timedelta(minutes=31))
    assert e.valid_until == add_months(NOW + timedelta(minutes=29), 12) and e.sign_quota == 10
    with pytest.raises(OrderAlreadyPaid):
        o.ensure_payable(NOW)


def test_cancelled_order_cannot_be_paid():
    o = order()
    o.cancel(NOW)
    with pytest.raises(OrderNotPayable):
        o.mark_paid(uuid4(), NOW, NOW)


def test_add_months_clamps():
    assert add_months(datetime(2025, 1, 31, tzinfo=UTC), 1).day == 28


@pytest.mark.parametrize("url", ["https://a.example.cn/cb", "http://10.0.0.1:8080/x?y=1"])
def test_callback_urls(url):
    assert check_callback_url(url) == url


@pytest.mark.parametrize("url", ["ftp://a/b", "https://u:p@a/b", "https://u@a/b", "https:///x", "javascript:x",
                                 "https://a.example.cn:99999/"])
def test_bad_callback_urls(url):
    with pytest.raises(InvalidCallbackUrl):
        check_callback_url(url)


def test_platform_code_is_eleven_characters():
    assert check_platform_code("GGZY1100001") == "GGZY1100001"
    with pytest.raises(DomainError):
        check_platform_code("GGZY110000")


def test_special_invoice_needs_a_company_and_a_valid_tax_number():
    kw = dict(order_id=uuid4(), account_id=uuid4(), amount_fen=1, title="某公司", email="a@example.cn", now=NOW)
    with pytest.raises(DomainError) as e:
        Invoice.request(invoice_type=InvoiceType.SPECIAL, title_type=InvoiceTitleType.PERSONAL, tax_number=None, **kw)
    assert e.value.field == "titleType"
    with pytest.raises(DomainError) as e:
        Invoice.request(invoice_type=InvoiceType.NORMAL, title_type=InvoiceTitleType.COMPANY, tax_number=None, **kw)
    assert e.value.field == "taxNumber"
    ok = Invoice.request(invoice_type=InvoiceType.SPECIAL, title_type=InvoiceTitleType.COMPANY,
                         tax_number="91350100m000100y43", **kw)
    assert ok.tax_number == "91350100M000100Y43"
