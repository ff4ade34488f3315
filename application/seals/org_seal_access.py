"""Who may see and act on an organisation seal (§8.2), and what else ends when one is revoked.

Admins and the legal rep see and manage every seal of their enterprise; a seal admin sees and re-faces the seals
they administer; anyone else in the enterprise is refused (NOT_ENTERPRISE_ADMIN) and anyone outside it is told the
seal does not exist, exactly as for an id that was never issued."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.grants.lifecycle import end_grants_naming_seal
from application.ports import UnitOfWork
from domain.enterprises.enterprise import Membership
from domain.enterprises.members import NotEnterpriseAdmin
from domain.errors import NotFound
from domain.seals.seal import Seal


class SealRevokedHook(Protocol):
    async def __call__(self, uow: UnitOfWork, seal: Seal, now: datetime) -> None: ...


# Run by RevokeSeal for an org seal, and by the §8.6 cascade for the old legal rep's seal, in the revoking
# transaction after the seal is marked REVOKED: §8.2.4 "印章注销后所有相关授权失效". A hook that raises refuses the
# revocation and nothing is changed. A list, so tests may add a hook for a while.
SEAL_REVOKED_HOOKS: list[SealRevokedHook] = [
    end_grants_naming_seal,  # §8.5: every open grant naming the seal ends
]


def may_view(seal: Seal, membership: Membership | None) -> bool:
    if membership is None or membership.enterprise_id != seal.holder_enterprise_id:
        return False
    return membership.may_administer or seal.seal_admin_account_id == membership.account_id


async def visible_org_seal(uow: UnitOfWork, account_id: UUID, seal_id: UUID) -> Seal | None:
    seal = await uow.seals.get(seal_id)
    if seal is None or seal.holder_enterprise_id is None:
        return None
    membership = await uow.memberships.of(seal.holder_enterprise_id, account_id)
    return seal if may_view(seal, membership) else None


async def org_seal_for(uow: UnitOfWork, account_id: UUID, seal_id: UUID, *, seal_admin_may: bool
                       ) -> tuple[Seal, Membership]:
    """The org seal and the caller's membership when the caller may act on it; `seal_admin_may` lets the seal's
    admin act too (changing its face), otherwise only the enterprise's admins and legal rep may (revoking)."""
    seal = await uow.seals.get(seal_id)
    membership = None
    if seal is not None and seal.holder_enterprise_id is not None:
        membership = await uow.memberships.of(seal.holder_enterprise_id, account_id)
    if seal is None or membership is None:
        raise NotFound("印章不存在", field="sealId")
    if membership.may_administer or (seal_admin_may and seal.seal_admin_account_id == account_id):
        return seal, membership
    raise NotEnterpriseAdmin(field="sealId")
