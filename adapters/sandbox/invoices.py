"""The sandbox tax platform: issues an e-invoice number and renders the PDF, after a short delay. Like the real
platforms it takes the invoice id as the request's serial number: asking again for the same invoice returns
the invoice already issued (for the life of the process). Like them it refuses a buyer tax number it has no record
of: the sandbox knows none that ends in "000000000" (deterministic, so a client can try the refusal), and tests may
name more."""

from __future__ import annotations

import asyncio
import secrets
from uuid import UUID

from adapters.documents.invoice import render_invoice
from application.commerce.ports import InvoiceContent, InvoiceRejected, IssuedInvoice
from application.ports import BlobStore, ExternalServiceUnavailable

SANDBOX_SELLER = "数信签电子认证服务有限公司（沙箱）"
SANDBOX_SELLER_TAX_NUMBER = "91110108MA01A2B3C4"  # illustrative; the sandbox does not check its own number
UNREGISTERED_SUFFIX = "000000000"
UNREGISTERED = "购买方纳税人识别号未在税务系统登记"


class SandboxInvoiceIssuer:
    def __init__(self, blobs: BlobStore, font=None, delay_seconds: float = 0.02) -> None:
        self._blobs, self._font, self._delay = blobs, font, delay_seconds
        self._down = False
        self._failures_left = 0
        self._issued: dict[UUID, IssuedInvoice] = {}
        self._rejected: dict[str, str] = {}

    def reject_tax_number(self, tax_number: str, reason: str = UNREGISTERED) -> None:
        self._rejected[tax_number] = reason

    def fail_next(self, count: int = 1) -> None:
        """Makes the next requests fail as a tax platform outage would (the outbox retries them)."""
        self._failures_left = count

    def outage(self, down: bool = True) -> None:
        self._down = down

    async def issue(self, content: InvoiceContent) -> IssuedInvoice:
        await asyncio.sleep(self._delay)
        if self._down or self._failures_left > 0:
            self._failures_left = max(0, self._failures_left - 1)
            raise ExternalServiceUnavailable("sandbox tax platform: unavailable")
        number = content.tax_number or ""
        if number in self._rejected or number.endswith(UNREGISTERED_SUFFIX):
            raise InvoiceRejected(self._rejected.get(number, UNREGISTERED))
        if content.invoice_id in self._issued:
            return self._issued[content.invoice_id]
        number = f"{content.issued_at:%y}{secrets.randbelow(10**18):018d}"  # 20 digits, as 全电发票 numbers are
        pdf = await asyncio.to_thread(render_invoice, content, number, seller=SANDBOX_SELLER,
                                      seller_tax_number=SANDBOX_SELLER_TAX_NUMBER, font=self._font)
        issued = IssuedInvoice(number=number, pdf_blob_id=await self._blobs.put(pdf, "application/pdf"))
        self._issued[content.invoice_id] = issued
        return issued
