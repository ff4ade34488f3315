"""Acting for a certified enterprise (buying its plans §6.2, claiming its certificates §6.2.1): its admin or legal
rep, and only once it is certified. An outsider gets NotFound, the same answer as for an enterprise that does not
exist, so these forms cannot be used to learn which enterprises exist."""

from __future__ import annotations

from uuid import UUID

from application.enterprises.member_access import administered
from application.ports import UnitOfWork
from domain.enterprises.enterprise import Enterprise, EnterpriseNotCertified


async def certified_and_administered(uow: UnitOfWork, account_id: UUID, enterprise_id: UUID,
                                     field: str = "enterpriseId") -> Enterprise:
    enterprise, _membership = await administered(uow, account_id, enterprise_id, field)
    if not enterprise.is_certified:
        raise EnterpriseNotCertified(field=field)
    return enterprise
