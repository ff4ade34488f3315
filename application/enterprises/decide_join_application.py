"""§8.1.2 审批申请成员: the enterprise's admin or legal rep approves (→ a MEMBER membership) or rejects a join
application; the applicant hears by SMS. The "second confirmation" is the client's dialog."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.member_access import administered, notify
from application.ports import Clock, UnitOfWorkFactory
from domain.enterprises.members import JoinApplication, JoinApplicationDecided
from domain.errors import NotFound


@dataclass(frozen=True)
class DecideJoinApplicationCommand:
    principal: Principal | None
    application_id: UUID
    approve: bool
    meta: RequestMeta | None = None


class DecideJoinApplication:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: DecideJoinApplicationCommand) -> JoinApplication:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            now = self._clock.now()
            application = await uow.join_applications.get(cmd.application_id)
            if application is None:
                raise NotFound("申请不存在", field="applicationId")
            # An outsider learns nothing: the same NotFound as for an application that does not exist.
            try:
                enterprise, _mine = await administered(uow, p.id, application.enterprise_id, "applicationId")
            except NotFound:
                raise NotFound("申请不存在", field="applicationId") from None
            if not application.is_pending:
                raise JoinApplicationDecided(field="applicationId")
            applicant = await uow.accounts.get(application.applicant_account_id)
            if cmd.approve:
                membership = application.approve(p.id, now)
                # Added by an admin meanwhile (§8.1.1): the application is settled, the membership stays as it is.
                if await uow.memberships.of(application.enterprise_id, application.applicant_account_id) is None:
                    uow.memberships.add(membership)
                text = f"【数信签】您加入“{enterprise.name}”的申请已通过，现在可以在“企业”中查看。"
            else:
                application.reject(p.id, now)
                text = f"【数信签】您加入“{enterprise.name}”的申请未通过审核。"
            if applicant is not None and applicant.is_active:
                notify(uow, applicant.phone, text)
            audit(uow, "enterprise.join_decided", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                  application_id=str(application.id), approved=cmd.approve)
            await uow.commit()
        return application
