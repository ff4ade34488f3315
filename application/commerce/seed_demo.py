"""SeedDemoCatalogue: a few trading platforms with personal and enterprise plans, so that a new sandbox shows
a real catalogue. Does nothing when platforms exist already."""

from __future__ import annotations

from collections.abc import Callable

from application.commerce.register_platform import RegisterPlatform, RegisterPlatformCommand
from application.ports import Clock, UnitOfWorkFactory
from domain.commerce.catalogue import ServicePlan
from domain.commerce.entitlement import ScanOperation, SubjectType

L, S, E, D = ScanOperation.LOGIN, ScanOperation.SIGN, ScanOperation.ENCRYPT, ScanOperation.DECRYPT
DEMO_PLATFORMS = [
    ("GGZYJY11001", "北京市公共资源交易平台", "北京市", "https://ggzy.example.cn/callbacks/sxq"),
    ("GGZYJY31002", "上海市公共资源交易平台", "上海市", "https://ggzy-sh.example.cn/callbacks/sxq"),
    ("GGZYJY44003", "广东省公共资源交易平台", "广东省", "https://ggzy-gd.example.cn/callbacks/sxq"),
]
DEMO_PLANS = [
    (SubjectType.PERSONAL, "个人基础版（登录）", [L], 12, None, 9_900),
    (SubjectType.PERSONAL, "个人标准版（登录+签署）", [L, S], 12, 100, 29_900),
    (SubjectType.PERSONAL, "个人全功能版", [L, S, E, D], 12, None, 59_900),
    (SubjectType.ENTERPRISE, "企业标准版（登录+签署+加解密）", [L, S, E, D], 12, 1000, 199_900),
    (SubjectType.ENTERPRISE, "企业旗舰版", [L, S, E, D], 24, None, 359_900),
]


class SeedDemoCatalogue:
    def __init__(self, uow: UnitOfWorkFactory, register: RegisterPlatform, clock: Clock,
                 new_public_key_pem: Callable[[], str]) -> None:
        self._uow, self._register, self._clock, self._new_key = uow, register, clock, new_public_key_pem

    async def __call__(self) -> int:
        async with self._uow() as uow:
            if await uow.trading_platforms.count() > 0:
                return 0
        created = 0
        for code, name, region, url in DEMO_PLATFORMS:
            registered = await self._register.register(
                RegisterPlatformCommand(None, code, name, region, url, self._new_key()), operator_id=None)
            async with self._uow() as uow:
                for subject, plan_name, ops, months, quota, price in DEMO_PLANS:
                    uow.service_plans.add(ServicePlan.create(
                        platform_id=registered.platform.id, subject_type=subject, name=plan_name, operations=ops,
                        validity_months=months, price_fen=price, sign_quota=quota, now=self._clock.now()))
                await uow.commit()
            created += 1
        return created
