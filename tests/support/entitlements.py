"""An active personal entitlement written straight into the database, as fulfilling a paid order leaves it
(the commerce chapter's own flows test the purchase; certificate tests only need its result)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from domain.commerce.catalogue import ServicePlan, TradingPlatform
from domain.commerce.entitlement import Entitlement, HolderKind, SubjectType
from domain.commerce.order import Order


async def personal_entitlement(container, account_id: UUID, *, days: int = 365) -> Entitlement:
    now = container.clock().now()
    async with container.uow() as uow:
        platform = TradingPlatform(code=f"P{uuid4().hex[:10].upper()}", name="测试交易平台", region="广东省",
                                   callback_url="https://platform.example/callback", public_key=b"\x30",
                                   callback_certificate=b"\x30", created_at=now)
        plan = ServicePlan(platform_id=platform.id, subject_type=SubjectType.PERSONAL, name="个人证书服务",
                           operations=["LOGIN", "SIGN"], validity_months=12, price_fen=10000, created_at=now)
        order = Order(account_id=account_id, items=[], amount_fen=10000, placed_at=now,
                      expires_at=now + timedelta(minutes=30))
        ent = Entitlement(holder_kind=HolderKind.ACCOUNT, holder_id=account_id, platform_id=platform.id,
                          plan_id=plan.id, order_id=order.id, operations=["LOGIN", "SIGN"], valid_from=now,
                          valid_until=now + timedelta(days=days))
        uow.trading_platforms.add(platform)
        await uow.commit()
    async with container.uow() as uow:
        uow.service_plans.add(plan)
        uow.orders.add(order)
        await uow.commit()
    async with container.uow() as uow:
        uow.entitlements.add(ent)
        await uow.commit()
    return ent
