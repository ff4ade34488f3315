"""Tables of the commerce chapter, on the same metadata as tables.py: the catalogue (trading platforms,
service plans), orders with their line snapshot, payments and the gateway notifications seen, entitlements,
bill records and invoices; plus the sandbox payment gateway's own ledger."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    Uuid,
)

from adapters.persistence.tables import metadata
from adapters.persistence.types import UtcDateTime, str_enum
from domain.commerce.catalogue import PlatformStatus
from domain.commerce.entitlement import HolderKind, SubjectType
from domain.commerce.invoice import InvoiceStatus, InvoiceTitleType, InvoiceType
from domain.commerce.order import OrderStatus
from domain.commerce.payment import PaymentChannel, PaymentStatus

trading_platforms = Table(
    "trading_platforms", metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(11), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("region", String(100), nullable=False),
    Column("callback_url", String(500), nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("callback_certificate", LargeBinary, nullable=False),
    Column("status", str_enum(PlatformStatus), nullable=False, server_default="ACTIVE"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

service_plans = Table(
    "service_plans", metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", Uuid, ForeignKey("trading_platforms.id"), nullable=False),
    Column("subject_type", str_enum(SubjectType), nullable=False),
    Column("name", String(60), nullable=False),
    Column("operations", JSON, nullable=False),
    Column("validity_months", Integer, nullable=False),
    Column("price_fen", Integer, nullable=False),
    Column("sign_quota", Integer, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Index(None, "platform_id", "subject_type"),
)

orders = Table(
    "orders", metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("enterprise_id", Uuid, nullable=True, index=True),
    Column("items", JSON, nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("status", str_enum(OrderStatus), nullable=False),
    Column("placed_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("paid_at", UtcDateTime, nullable=True),
    Column("fulfilled_at", UtcDateTime, nullable=True),
    Column("cancelled_at", UtcDateTime, nullable=True),
    Column("closed_at", UtcDateTime, nullable=True),
    Column("paid_by_payment_id", Uuid, nullable=True),
    # §8.1 a gift: the member who holds what the enterprise paid for.
    Column("beneficiary_account_id", Uuid, ForeignKey("accounts.id"), nullable=True),
    Column("version", Integer, nullable=False),
    Index(None, "account_id", "placed_at"),
    Index(None, "status", "expires_at"),
)

payments = Table(
    "payments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False, index=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False),
    Column("channel", str_enum(PaymentChannel), nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("pay_url", String(2000), nullable=False),
    Column("status", str_enum(PaymentStatus), nullable=False),
    Column("gateway_trade_no", String(64), nullable=True),
    Column("paid_at", UtcDateTime, nullable=True),
    Column("refund_reason", String(200), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

payment_notifications = Table(
    "payment_notifications", metadata,
    Column("id", Uuid, primary_key=True),
    Column("channel", str_enum(PaymentChannel), nullable=False),
    Column("notify_id", String(64), nullable=False),
    Column("payment_id", Uuid, ForeignKey("payments.id"), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("outcome", String(40), nullable=False),
    UniqueConstraint("channel", "notify_id"),
)

entitlements = Table(
    "entitlements", metadata,
    Column("id", Uuid, primary_key=True),
    Column("holder_kind", str_enum(HolderKind), nullable=False),
    Column("holder_id", Uuid, nullable=False),
    Column("platform_id", Uuid, ForeignKey("trading_platforms.id"), nullable=False),
    Column("plan_id", Uuid, ForeignKey("service_plans.id"), nullable=False),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False, index=True),
    Column("operations", JSON, nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_until", UtcDateTime, nullable=False),
    Column("sign_quota", Integer, nullable=True),
    Column("signs_used", Integer, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Index(None, "holder_kind", "holder_id", "valid_until"),
)

bill_records = Table(
    "bill_records", metadata,
    Column("id", Uuid, primary_key=True),
    Column("entitlement_id", Uuid, ForeignKey("entitlements.id"), nullable=False),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("platform_id", Uuid, ForeignKey("trading_platforms.id"), nullable=False),
    Column("operation", String(16), nullable=False),
    Column("count", Integer, nullable=False),
    Column("used_at", UtcDateTime, nullable=False),
    Index(None, "order_id", "used_at"),
)

invoices = Table(
    "invoices", metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False, unique=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("invoice_type", str_enum(InvoiceType), nullable=False),
    Column("title_type", str_enum(InvoiceTitleType), nullable=False),
    Column("title", String(100), nullable=False),
    Column("tax_number", String(18), nullable=True),
    Column("email", String(200), nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("status", str_enum(InvoiceStatus), nullable=False),
    Column("number", String(40), nullable=True),
    Column("pdf_blob_id", String(100), nullable=True),
    Column("requested_at", UtcDateTime, nullable=False),
    Column("issued_at", UtcDateTime, nullable=True),
    Column("failed_at", UtcDateTime, nullable=True),
    Column("failure_reason", String(200), nullable=True),
    Column("version", Integer, nullable=False),
)

# The sandbox payment gateway's ledger (what WeChat Pay / Alipay would hold on their side).
sandbox_payments = Table(
    "sandbox_payments", metadata,
    Column("trade_no", String(64), primary_key=True),
    Column("payment_id", Uuid, nullable=False, unique=True),
    Column("channel", String(16), nullable=False),
    Column("amount_fen", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("paid_at", UtcDateTime, nullable=True),
)
