"""An invoice the tax platform does not issue (§6.4.3): FAILED with a reason, then asked for again, corrected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.commerce.invoice import (
    Invoice,
    InvoiceAlreadyRequested,
    InvoiceStatus,
    InvoiceTitleType,
    InvoiceType,
)
from domain.errors import InvalidInput

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def _invoice() -> Invoice:
    return Invoice.request(order_id=uuid4(), account_id=uuid4(), amount_fen=29_900, invoice_type=InvoiceType.NORMAL,
                           title_type=InvoiceTitleType.COMPANY, title="北京某公司", tax_number="91350100M000100Y43",
                           email="cw@example.cn", now=NOW)


def test_a_failure_is_recorded_once_and_only_while_issuing():
    invoice = _invoice()
    assert invoice.issue_failed("购买方纳税人识别号未登记", NOW)
    assert (invoice.status, invoice.failed_at, invoice.failure_reason) == (
        InvoiceStatus.FAILED, NOW, "购买方纳税人识别号未登记")
    assert not invoice.issue_failed("again", NOW + timedelta(hours=1))  # already failed: unchanged
    assert invoice.failure_reason == "购买方纳税人识别号未登记"
    issued = _invoice()
    issued.issued("1" * 20, "blob", NOW)
    assert not issued.issue_failed("late", NOW) and issued.status is InvoiceStatus.ISSUED


def test_asking_again_takes_corrected_details_checked_as_at_first():
    invoice = _invoice()
    with pytest.raises(InvoiceAlreadyRequested):  # not failed: one invoice per order
        invoice.request_again(invoice_type=InvoiceType.NORMAL, title_type=InvoiceTitleType.PERSONAL, title="张三",
                              tax_number=None, email="z@example.cn", now=NOW)
    invoice.issue_failed("购买方纳税人识别号未登记", NOW)
    with pytest.raises(InvalidInput):
        invoice.request_again(invoice_type=InvoiceType.SPECIAL, title_type=InvoiceTitleType.PERSONAL, title="张三",
                              tax_number=None, email="z@example.cn", now=NOW)
    assert invoice.status is InvoiceStatus.FAILED  # a refused correction changes nothing
    later = NOW + timedelta(days=1)
    invoice.request_again(invoice_type=InvoiceType.NORMAL, title_type=InvoiceTitleType.PERSONAL, title=" 张三 ",
                          tax_number="", email="z@example.cn", now=later)
    assert (invoice.status, invoice.title, invoice.tax_number, invoice.requested_at, invoice.failure_reason) == (
        InvoiceStatus.ISSUING, "张三", None, later, None)
