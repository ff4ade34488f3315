"""Imperative mapping of the commerce aggregates; called from mappers.start_mappers."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.persistence import tables_commerce as t
from domain.commerce.bill import BillRecord
from domain.commerce.catalogue import ServicePlan, TradingPlatform
from domain.commerce.entitlement import Entitlement
from domain.commerce.invoice import Invoice
from domain.commerce.order import Order
from domain.commerce.payment import Payment, PaymentNotification


def map_commerce(mapper_registry: registry) -> None:
    m = mapper_registry.map_imperatively
    m(TradingPlatform, t.trading_platforms, version_id_col=t.trading_platforms.c.version)
    m(ServicePlan, t.service_plans, version_id_col=t.service_plans.c.version)
    m(Order, t.orders, version_id_col=t.orders.c.version)
    m(Payment, t.payments, version_id_col=t.payments.c.version)
    m(PaymentNotification, t.payment_notifications)
    m(Entitlement, t.entitlements, version_id_col=t.entitlements.c.version)
    m(BillRecord, t.bill_records)
    m(Invoice, t.invoices, version_id_col=t.invoices.c.version)
