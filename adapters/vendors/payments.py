"""Production payments: one gateway per configured channel (WeChat Pay: adapters/vendors/wechatpay.py, Alipay:
adapters/vendors/alipay.py). A channel that is not configured answers "service unavailable" when paying and
refuses every notification (nothing is ever fulfilled without a verified notification). The tax platform is not
integrated yet."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from application.commerce.ports import (
    InvalidPaymentNotification,
    InvoiceContent,
    IssuedInvoice,
    PaymentNotice,
    PaymentRequest,
    RefundResult,
)
from application.ports import ExternalServiceUnavailable
from domain.commerce.payment import PaymentChannel


class ChannelGateway(Protocol):
    channel: PaymentChannel

    async def create(self, request: PaymentRequest) -> str: ...
    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> PaymentNotice: ...
    async def refund(self, *, payment_id: UUID, trade_no: str | None, amount_fen: int, reason: str) -> RefundResult: ...


class ProductionPaymentGateway:
    """The PaymentGateway and PaymentRefunder ports over the configured channels."""

    def __init__(self, gateways: list[ChannelGateway]) -> None:
        self._by_channel = {g.channel: g for g in gateways}

    @property
    def channels(self) -> list[PaymentChannel]:
        return list(self._by_channel)

    async def create(self, request: PaymentRequest) -> str:
        gateway = self._by_channel.get(request.channel)
        if gateway is None:
            raise ExternalServiceUnavailable(f"{request.channel.value}: no production payment adapter configured")
        return await gateway.create(request)

    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> PaymentNotice:
        gateway = self._by_channel.get(channel)
        if gateway is None:
            raise InvalidPaymentNotification(f"{channel.value}: no production payment adapter configured")
        return gateway.verify_notification(channel, body, headers)

    async def refund(self, *, channel: PaymentChannel, payment_id: UUID, trade_no: str | None, amount_fen: int,
                     reason: str) -> RefundResult:
        gateway = self._by_channel.get(channel)
        if gateway is None:
            raise ExternalServiceUnavailable(f"{channel.value}: no production payment adapter configured")
        return await gateway.refund(payment_id=payment_id, trade_no=trade_no, amount_fen=amount_fen, reason=reason)


class UnconfiguredInvoiceIssuer:
    async def issue(self, content: InvoiceContent) -> IssuedInvoice:
        raise ExternalServiceUnavailable("no production tax platform adapter")
