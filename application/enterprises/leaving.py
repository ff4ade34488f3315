"""A MEMBER_REMOVAL_HOOKS entry (§6.3): a member who leaves the enterprise has their open service applications
WITHDRAWN in the removing transaction, so the legal rep is not left with approvals for someone no longer in it."""

from __future__ import annotations

from datetime import datetime

from application.audit import audit
from application.ports import UnitOfWork
from domain.enterprises.enterprise import Membership


async def withdraw_service_applications(uow: UnitOfWork, membership: Membership, now: datetime) -> None:
    for application in await uow.service_applications.for_applicant(membership.account_id):
        if application.applicant_membership_id == membership.id and application.withdraw(now):
            audit(uow, "enterprise.service_application_withdrawn", now, None, account_id=membership.account_id,
                  enterprise_id=str(membership.enterprise_id), application_id=str(application.id))
