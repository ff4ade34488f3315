"""SQLAlchemy repositories of the commerce chapter: catalogue, orders, payments, entitlements, bills, invoices."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import tables_commerce as t
from adapters.persistence.repositories import count_rows, decode_cursor, encode_cursor
from application.ports import Page
from domain.commerce.bill import BillRecord
from domain.commerce.catalogue import ServicePlan, TradingPlatform
from domain.commerce.entitlement import Entitlement, HolderKind, SubjectType
from domain.commerce.invoice import Invoice
from domain.commerce.order import Order, OrderStatus
from domain.commerce.payment import Payment, PaymentChannel, PaymentNotification


class _Repo:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, obj: object) -> None:
        self._s.add(obj)


class SqlAlchemyEntitlementRepository(_Repo):
    async def get(self, entitlement_id: UUID) -> Entitlement | None:
        return await self._s.get(Entitlement, entitlement_id)

    async def for_holder(self, kind: HolderKind, holder_id: UUID) -> list[Entitlement]:
        c = t.entitlements.c
        q = (select(Entitlement).where(c.holder_kind == kind, c.holder_id == holder_id)
             .order_by(c.valid_from.desc(), c.id))
        return list((await self._s.execute(q)).scalars())

    async def active_for_holder(self, kind: HolderKind, holder_id: UUID, now: datetime) -> list[Entitlement]:
        c = t.entitlements.c
        q = (select(Entitlement)
             .where(c.holder_kind == kind, c.holder_id == holder_id, c.revoked_at.is_(None),
                    c.valid_from <= now, c.valid_until > now)
             .order_by(c.valid_from.desc(), c.id))
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyTradingPlatformRepository(_Repo):
    async def get(self, platform_id: UUID) -> TradingPlatform | None:
        return await self._s.get(TradingPlatform, platform_id)

    async def by_code(self, code: str) -> TradingPlatform | None:
        q = select(TradingPlatform).where(t.trading_platforms.c.code == code)
        return (await self._s.execute(q)).scalar_one_or_none()

    async def many(self, platform_ids: list[UUID]) -> list[TradingPlatform]:
        if not platform_ids:
            return []
        q = select(TradingPlatform).where(t.trading_platforms.c.id.in_(set(platform_ids)))
        return list((await self._s.execute(q)).scalars())

    async def page(self, *, first: int, after: str | None) -> Page[TradingPlatform]:
        c = t.trading_platforms.c
        q = select(TradingPlatform).order_by(c.created_at, c.id).limit(first + 1)
        if after and (pos := decode_cursor(after)) is not None:
            at, id_ = pos
            q = q.where(or_(c.created_at > at, and_(c.created_at == at, c.id > id_)))
        rows = list((await self._s.execute(q)).scalars())
        items = rows[:first]
        return Page(items, len(rows) > first, [encode_cursor(r.created_at, r.id) for r in items],
                    await count_rows(self._s, t.trading_platforms, []))

    async def count(self) -> int:
        return int((await self._s.execute(select(func.count()).select_from(t.trading_platforms))).scalar_one())


class SqlAlchemyServicePlanRepository(_Repo):
    async def get(self, plan_id: UUID) -> ServicePlan | None:
        return await self._s.get(ServicePlan, plan_id)

    async def many(self, plan_ids: list[UUID]) -> list[ServicePlan]:
        if not plan_ids:
            return []
        q = select(ServicePlan).where(t.service_plans.c.id.in_(set(plan_ids)))
        return list((await self._s.execute(q)).scalars())

    async def for_platforms(self, platform_ids: list[UUID], subject_type: SubjectType | None) -> list[ServicePlan]:
        if not platform_ids:
            return []
        c = t.service_plans.c
        q = (select(ServicePlan).where(c.platform_id.in_(set(platform_ids)), c.active.is_(True))
             .order_by(c.price_fen, c.created_at, c.id))
        if subject_type is not None:
            q = q.where(c.subject_type == subject_type)
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyOrderRepository(_Repo):
    async def get(self, order_id: UUID) -> Order | None:
        return await self._s.get(Order, order_id)

    async def page_for_account(self, account_id: UUID, *, first: int, after: str | None) -> Page[Order]:
        c = t.orders.c
        q = (select(Order).where(c.account_id == account_id)
             .order_by(c.placed_at.desc(), c.id.desc()).limit(first + 1))
        if after and (pos := decode_cursor(after)) is not None:
            at, id_ = pos
            q = q.where(or_(c.placed_at < at, and_(c.placed_at == at, c.id < id_)))
        rows = list((await self._s.execute(q)).scalars())
        items = rows[:first]
        return Page(items, len(rows) > first, [encode_cursor(r.placed_at, r.id) for r in items],
                    await count_rows(self._s, t.orders, [c.account_id == account_id]))

    async def expired_unpaid(self, now: datetime, limit: int) -> list[Order]:
        c = t.orders.c
        q = (select(Order).where(c.status == OrderStatus.PENDING_PAYMENT, c.expires_at <= now)
             .order_by(c.expires_at).limit(limit))
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyPaymentRepository(_Repo):
    async def get(self, payment_id: UUID) -> Payment | None:
        return await self._s.get(Payment, payment_id)

    async def for_order(self, order_id: UUID) -> list[Payment]:
        c = t.payments.c
        q = select(Payment).where(c.order_id == order_id).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyPaymentNotificationRepository(_Repo):
    async def seen(self, channel: PaymentChannel, notify_id: str) -> PaymentNotification | None:
        c = t.payment_notifications.c
        q = select(PaymentNotification).where(c.channel == channel, c.notify_id == notify_id)
        return (await self._s.execute(q)).scalar_one_or_none()


class SqlAlchemyBillRecordRepository(_Repo):
    async def page_for_order(self, order_id: UUID, *, first: int, after: str | None) -> Page[BillRecord]:
        c = t.bill_records.c
        q = select(BillRecord).where(c.order_id == order_id).order_by(c.used_at.desc(), c.id.desc()).limit(first + 1)
        if after and (pos := decode_cursor(after)) is not None:
            at, id_ = pos
            q = q.where(or_(c.used_at < at, and_(c.used_at == at, c.id < id_)))
        rows = list((await self._s.execute(q)).scalars())
        items = rows[:first]
        return Page(items, len(rows) > first, [encode_cursor(r.used_at, r.id) for r in items],
                    await count_rows(self._s, t.bill_records, [c.order_id == order_id]))


class SqlAlchemyInvoiceRepository(_Repo):
    async def get(self, invoice_id: UUID) -> Invoice | None:
        return await self._s.get(Invoice, invoice_id)

    async def for_order(self, order_id: UUID) -> Invoice | None:
        q = select(Invoice).where(t.invoices.c.order_id == order_id)
        return (await self._s.execute(q)).scalar_one_or_none()

    async def for_orders(self, order_ids: list[UUID]) -> list[Invoice]:
        if not order_ids:
            return []
        q = select(Invoice).where(t.invoices.c.order_id.in_(set(order_ids)))
        return list((await self._s.execute(q)).scalars())
