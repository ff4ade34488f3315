"""RejectServiceApplication (§6.3, the legal rep's other answer): the legal rep declines a member's application; it
becomes REJECTED (final) and the applicant hears of it. Only the enterprise's legal rep may; to anyone outside the
enterprise the application does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.member_access import notify
from application.ports import Clock, UnitOfWorkFactory
from domain.enterprises.enterprise import NotLegalRepresentative
from domain.enterprises.service_application import ServiceApplication
from domain.errors import NotFound


@dataclass(frozen=True)
class RejectServiceApplicationCommand:
    principal: Principal | None
    application_id: UUID
    meta: RequestMeta | None = None


class RejectServiceApplication:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: RejectServiceApplicationCommand) -> ServiceApplication:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            application = await uow.service_applications.get(cmd.application_id)
            mine = await uow.memberships.of(application.enterprise_id, p.id) if application else None
            enterprise = await uow.enterprises.get(application.enterprise_id) if application and mine else None
            if application is None or enterprise is None:
                raise NotFound("服务申请不存在", field="applicationId")
            identity = await verified_identity(uow, p.id)
            if not enterprise.is_legal_rep(identity.legal_name, identity.number_index):
                raise NotLegalRepresentative("只有企业法定代表人可以审批成员的服务申请", field="applicationId")
            now = self._clock.now()
            application.reject(now)
            applicant = await uow.accounts.get(application.applicant_account_id)
            notify(uow, applicant.phone if applicant is not None and applicant.is_active else None,
                   f"【数信签】您申请的企业证书服务（{application.platform_name}·{application.plan_name}）"
                   f"未获{application.enterprise_name}法定代表人批准。")
            audit(uow, "enterprise.service_application_rejected", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), application_id=str(application.id))
            await uow.commit()
        return application
