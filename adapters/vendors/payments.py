"""Production payment and invoice adapters: WeChat Pay (APIv3) and Alipay are not integrated yet, so outside the
sandbox paying answers "service unavailable" and every notification is refused (nothing is ever fulfilled
without a verified notification)."""

from __future__ import annotations

from application.commerce.ports import (
    InvalidPaymentNotification,
    InvoiceContent,
    IssuedInvoice,
    PaymentNotice,
    PaymentRequest,
)
from application.ports import ExternalServiceUnavailable
from domain.commerce.payment import PaymentChannel


class UnconfiguredPaymentGateway:
    async def create(self, request: PaymentRequest) -> str:
        raise ExternalServiceUnavailable(f"{request.channel.value}: no production payment adapter")

    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> PaymentNotice:
        raise InvalidPaymentNotification(f"{channel.value}: no production payment adapter")


class UnconfiguredInvoiceIssuer:
    async def issue(self, content: InvoiceContent) -> IssuedInvoice:
        raise ExternalServiceUnavailable("no production tax platform adapter")
