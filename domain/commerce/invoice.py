"""Electronic VAT invoices (§6.4.3): one per paid order, normal or special, personal or company title.

ISSUING → ISSUED when the tax platform issues it; ISSUING → FAILED when the platform refuses it (a buyer's tax
number it does not know, say) or cannot be reached for as long as the outbox retries. A FAILED invoice may be asked
for again — corrected if need be — and goes back to ISSUING."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from domain import canonical
from domain.commerce.credit_code import CreditCode
from domain.errors import DomainError, ErrorCode, InvalidInput

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")


class InvoiceType(StrEnum):
    NORMAL = "NORMAL"
    SPECIAL = "SPECIAL"


class InvoiceTitleType(StrEnum):
    PERSONAL = "PERSONAL"
    COMPANY = "COMPANY"


class InvoiceStatus(StrEnum):
    ISSUING = "ISSUING"
    ISSUED = "ISSUED"
    FAILED = "FAILED"


class InvoiceNotAllowed(DomainError):
    code = ErrorCode.INVOICE_NOT_ALLOWED
    default_message = "订单未支付，暂不能开具发票"


class InvoiceAlreadyRequested(DomainError):
    code = ErrorCode.INVOICE_NOT_ALLOWED
    default_message = "该订单已申请过发票"


@dataclass(eq=False)
class Invoice:
    order_id: UUID
    account_id: UUID
    invoice_type: InvoiceType
    title_type: InvoiceTitleType
    title: str
    tax_number: str | None
    email: str
    amount_fen: int
    requested_at: datetime
    status: InvoiceStatus = InvoiceStatus.ISSUING
    number: str | None = None
    pdf_blob_id: str | None = None
    issued_at: datetime | None = None
    failed_at: datetime | None = None
    failure_reason: str | None = None  # why the tax platform did not issue it, as the user is told
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    @classmethod
    def request(cls, *, order_id: UUID, account_id: UUID, amount_fen: int, invoice_type: InvoiceType,
                title_type: InvoiceTitleType, title: str, tax_number: str | None, email: str,
                now: datetime) -> Invoice:
        title, number, email = _checked(invoice_type, title_type, title, tax_number, email)
        return cls(order_id=order_id, account_id=account_id, invoice_type=invoice_type, title_type=title_type,
                   title=title, tax_number=number, email=email, amount_fen=amount_fen, requested_at=now)

    def request_again(self, *, invoice_type: InvoiceType, title_type: InvoiceTitleType, title: str,
                      tax_number: str | None, email: str, now: datetime) -> None:
        """After a FAILED issue, the same order's invoice is asked for again, its details corrected if need be
        (one invoice per order: the row is reused)."""
        if self.status is not InvoiceStatus.FAILED:
            raise InvoiceAlreadyRequested(field="orderId")
        self.title, self.tax_number, self.email = _checked(invoice_type, title_type, title, tax_number, email)
        self.invoice_type, self.title_type, self.requested_at = invoice_type, title_type, now
        self.status, self.failed_at, self.failure_reason = InvoiceStatus.ISSUING, None, None

    def issued(self, number: str, pdf_blob_id: str, now: datetime) -> None:
        self.status, self.number, self.pdf_blob_id, self.issued_at = InvoiceStatus.ISSUED, number, pdf_blob_id, now

    def issue_failed(self, reason: str, now: datetime) -> bool:
        """The tax platform refused it, or could not be reached for as long as we retry; False when it was no
        longer waiting (issued meanwhile, or already failed)."""
        if self.status is not InvoiceStatus.ISSUING:
            return False
        self.status, self.failed_at, self.failure_reason = InvoiceStatus.FAILED, now, reason[:200]
        return True


def _checked(invoice_type: InvoiceType, title_type: InvoiceTitleType, title: str, tax_number: str | None,
             email: str) -> tuple[str, str | None, str]:
    """The title, tax number and e-mail as stored, or the input error."""
    # A company title is the enterprise's registered name: the same canonical form as enterprise names.
    title = (canonical.enterprise_name if title_type is InvoiceTitleType.COMPANY else canonical.name)(
        title, field="title", error=InvalidInput)
    if not title or len(title) > 100:
        raise InvalidInput("请填写发票抬头（不超过100个字符）", field="title")
    email = (email or "").strip()
    if not _EMAIL.fullmatch(email) or len(email) > 200:
        raise InvalidInput("请输入正确的电子邮箱", field="email")
    if invoice_type is InvoiceType.SPECIAL and title_type is not InvoiceTitleType.COMPANY:
        raise InvalidInput("增值税专用发票仅支持企业抬头", field="titleType")
    number: str | None = None
    if title_type is InvoiceTitleType.COMPANY:
        number = CreditCode.parse(tax_number, field="taxNumber").value
    elif tax_number not in (None, ""):
        raise InvalidInput("个人抬头无需填写税号", field="taxNumber")
    return title, number, email
