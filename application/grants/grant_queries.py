"""Reading grants (§8.5): one grant by id (node), the grants made to me, and the grant letter's files.

A grant is visible to its enterprise's admin and legal rep (who manage it) and to the member it is for (who may pay
for it and sees what they were granted); to anyone else it does not exist, exactly like an id never issued."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal, account_id_of
from application.enterprises.letter_files import ReadLetter
from application.enterprises.member_access import party_or_administrator
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory, reading
from application.seals.list_my_seals import SealView
from domain.grants.grant import CertificateGrant


async def visible_grant(uow: UnitOfWork, account_id: UUID, grant_id: UUID) -> CertificateGrant | None:
    grant = await uow.certificate_grants.get(grant_id)
    if grant is None or not await party_or_administrator(uow, account_id, grant.enterprise_id,
                                                          grant.member_account_id):
        return None
    return grant


class GetCertificateGrant:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, grant_id: UUID) -> CertificateGrant | None:
        if (account_id := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            return await visible_grant(uow, account_id, grant_id)


class MyCertificateGrants:
    """The grants made to the caller, newest first, whatever their state (the member pays AWAITING_PAYMENT ones)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None) -> list[CertificateGrant]:
        if (account_id := account_id_of(principal)) is None:
            return []
        async with reading(self._uow) as uow:
            return list(reversed(await uow.certificate_grants.for_member_account(account_id)))


def read_grant_letter(uow: UnitOfWorkFactory, blobs: BlobStore) -> ReadLetter:
    """The grant letter's PDF as drawn up, or as the legal rep signed it, to whoever may see the grant."""
    return ReadLetter(uow, blobs, visible_grant)


class GrantSeals:
    """The seals a visible grant names (their state as of now); empty when it names none or is not visible."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, grant_id: UUID) -> list[SealView]:
        if (account_id := account_id_of(principal)) is None:
            return []
        async with reading(self._uow) as uow:
            grant = await visible_grant(uow, account_id, grant_id)
            seals = [await uow.seals.get(s) for s in grant.seal_ids] if grant is not None else []
        now = self._clock.now()
        return [SealView(s, s.status_at(now)) for s in seals if s is not None]
