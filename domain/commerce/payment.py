"""Payments of an order through a payment channel, and the notifications the gateway sends about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4


class PaymentChannel(StrEnum):
    SANDBOX = "SANDBOX"
    WECHAT_PAY = "WECHAT_PAY"
    ALIPAY = "ALIPAY"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    REFUND_PENDING = "REFUND_PENDING"  # money arrived for an order that was cancelled, closed or already paid
    REFUNDED = "REFUNDED"  # that money went back to the payer
    CLOSED = "CLOSED"  # the order ended without this payment
    FAILED = "FAILED"  # the channel reported the payer's payment failed; the order may be paid again


@dataclass(eq=False)
class Payment:
    order_id: UUID
    account_id: UUID
    channel: PaymentChannel
    amount_fen: int
    pay_url: str
    created_at: datetime
    status: PaymentStatus = PaymentStatus.PENDING
    gateway_trade_no: str | None = None
    paid_at: datetime | None = None
    refund_reason: str | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    def succeed(self, trade_no: str, paid_at: datetime) -> None:
        self.status, self.gateway_trade_no, self.paid_at = PaymentStatus.SUCCEEDED, trade_no, paid_at

    def flag_for_refund(self, trade_no: str, paid_at: datetime, reason: str) -> None:
        self.status, self.gateway_trade_no, self.paid_at = PaymentStatus.REFUND_PENDING, trade_no, paid_at
        self.refund_reason = reason

    def mark_refunded(self) -> bool:
        """The gateway returned the money of a REFUND_PENDING payment; False when there was nothing to refund."""
        if self.status is not PaymentStatus.REFUND_PENDING:
            return False
        self.status = PaymentStatus.REFUNDED
        return True

    def fail(self) -> bool:
        """The channel says the payment failed; False when it was no longer pending (nothing changes)."""
        if self.status is not PaymentStatus.PENDING:
            return False
        self.status = PaymentStatus.FAILED
        return True

    def close(self) -> None:
        if self.status is PaymentStatus.PENDING:
            self.status = PaymentStatus.CLOSED


@dataclass(eq=False)
class PaymentNotification:
    """One notification the gateway sent, kept so that a replay is recognised and changes nothing."""

    channel: PaymentChannel
    notify_id: str
    payment_id: UUID
    received_at: datetime
    outcome: str
    id: UUID = field(default_factory=uuid4)
