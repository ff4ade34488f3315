"""The sandbox tax platform (adapters/sandbox/invoices.py) as the outbox sees it: an issued number and a real PDF,
the same answer for the same invoice id, an outage, and a refusal of a buyer tax number it has no record of."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.sandbox.invoices import SandboxInvoiceIssuer
from adapters.security.blobs import EncryptedFileBlobStore
from adapters.security.crypto import Sm4GcmCipher
from application.commerce.ports import InvoiceContent, InvoiceRejected
from application.ports import ExternalServiceUnavailable


def _content(tax_number: str | None = None) -> InvoiceContent:
    return InvoiceContent(invoice_id=uuid4(), invoice_type="NORMAL", title_type="COMPANY" if tax_number else "PERSONAL",
                          title="北京某公司" if tax_number else "张三", tax_number=tax_number, amount_fen=29_900,
                          lines=[("个人标准版", 29_900)], order_id=uuid4(), issued_at=datetime.now(UTC))


@pytest.fixture
def issuer(tmp_path):
    return SandboxInvoiceIssuer(EncryptedFileBlobStore(tmp_path, Sm4GcmCipher(bytes(16))), delay_seconds=0)


async def test_issues_a_number_and_a_pdf_once_per_invoice(issuer, tmp_path):
    content = _content("91350100M000100Y43")
    issued = await issuer.issue(content)
    assert len(issued.number) == 20 and issued.number.isdigit()
    assert await issuer.issue(content) == issued  # the invoice id is the serial number
    pdf, kind = await EncryptedFileBlobStore(tmp_path, Sm4GcmCipher(bytes(16))).get(issued.pdf_blob_id)
    assert kind == "application/pdf" and pdf.startswith(b"%PDF")


async def test_an_outage_and_a_refusal_are_told_apart(issuer):
    issuer.fail_next()
    with pytest.raises(ExternalServiceUnavailable):
        await issuer.issue(_content())
    with pytest.raises(InvoiceRejected, match="未在税务系统登记"):
        await issuer.issue(_content("911101085000000000"))
    issuer.reject_tax_number("91350100M000100Y43", "购买方名称与纳税人识别号不符")
    with pytest.raises(InvoiceRejected, match="不符"):
        await issuer.issue(_content("91350100M000100Y43"))
    assert (await issuer.issue(_content())).number  # a personal title has no tax number to refuse
