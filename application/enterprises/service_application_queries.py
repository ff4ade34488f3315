"""Reading service applications (§6.3, §8.5.3): one application — what the legal rep opens from the approval link or
QR code —, the application letter's files, and the enterprise's list for its admin and legal rep.

Visible to the applicant and to the enterprise's admin and legal rep (the legal rep reads the letter before signing
it); to anyone else it does not exist, exactly like an id never issued."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal, account_id_of
from application.enterprises.letter_files import ReadLetter
from application.enterprises.member_access import party_or_administrator
from application.enterprises.my_service_applications import ServiceApplicationView
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory, reading
from domain.enterprises.service_application import ServiceApplication, ServiceApplicationStatus


async def visible_application(uow: UnitOfWork, account_id: UUID, application_id: UUID) -> ServiceApplication | None:
    application = await uow.service_applications.get(application_id)
    if application is None or not await party_or_administrator(uow, account_id, application.enterprise_id,
                                                                application.applicant_account_id):
        return None
    return application


class GetServiceApplication:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, application_id: UUID) -> ServiceApplicationView | None:
        if (account_id := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            application = await visible_application(uow, account_id, application_id)
            plan = await uow.service_plans.get(application.plan_id) if application is not None else None
        if application is None:
            return None
        return ServiceApplicationView(application, application.effective_status(self._clock.now()), plan)


def read_service_application_letter(uow: UnitOfWorkFactory, blobs: BlobStore) -> ReadLetter:
    """The application letter as drawn up, or as the legal rep signed it, to whoever may see the application."""
    return ReadLetter(uow, blobs, visible_application)


class ListEnterpriseServiceApplications:
    """§8.5.3 企业管理员/法人可查看企业成员申请的企业证书服务信息 (only the legal rep approves): the enterprise's
    member applications, newest first, for its admin and legal rep; empty for plain members and outsiders."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID, *, pending_only: bool = False
                       ) -> list[ServiceApplicationView]:
        if (account_id := account_id_of(principal)) is None:
            return []
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, account_id)
            if membership is None or not membership.may_administer:
                return []
            found = await uow.service_applications.for_enterprise(enterprise_id, pending_only=pending_only)
            plans = {p.id: p for p in await uow.service_plans.many(list({a.plan_id for a in found}))}
        now = self._clock.now()
        views = [ServiceApplicationView(a, a.effective_status(now), plans.get(a.plan_id)) for a in found]
        return [v for v in views if not pending_only or v.status is ServiceApplicationStatus.PENDING_APPROVAL]
