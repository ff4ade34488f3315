"""CreateServicePlan: an operator adds a plan to a platform's catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, require_operator
from application.ports import Clock, UnitOfWorkFactory
from domain.commerce.catalogue import ServicePlan
from domain.commerce.entitlement import ScanOperation, SubjectType
from domain.errors import NotFound
from domain.operators.operator import OperatorRole


@dataclass(frozen=True)
class CreateServicePlanCommand:
    principal: Principal | None
    platform_id: UUID
    subject_type: SubjectType
    name: str
    operations: list[ScanOperation]
    validity_months: int
    price_fen: int
    sign_quota: int | None = None


class CreateServicePlan:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: CreateServicePlanCommand) -> ServicePlan:
        operator = require_operator(cmd.principal, OperatorRole.ADMIN)
        return await self.create(cmd, operator_id=operator.id)

    async def create(self, cmd: CreateServicePlanCommand, *, operator_id: UUID | None) -> ServicePlan:
        """Without the operator check: `sxq plan create` (someone at the server's shell) comes through here."""
        now = self._clock.now()
        plan = ServicePlan.create(platform_id=cmd.platform_id, subject_type=cmd.subject_type, name=cmd.name,
                                  operations=cmd.operations, validity_months=cmd.validity_months,
                                  price_fen=cmd.price_fen, sign_quota=cmd.sign_quota, now=now)
        async with self._uow() as uow:
            if await uow.trading_platforms.get(cmd.platform_id) is None:
                raise NotFound("交易平台不存在", field="platformId")
            uow.service_plans.add(plan)
            audit(uow, "plan.created", now, None, operator_id=operator_id, plan_id=str(plan.id),
                  price_fen=plan.price_fen)
            await uow.commit()
        return plan
