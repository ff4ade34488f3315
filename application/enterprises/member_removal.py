"""What else ends when a member leaves an enterprise, run in the removing transaction.

The next chapters (§7.3 grants, §8.2 seal admins) append their hooks here: a grant to use the org certificate
and a seal-admin role must not outlive the membership they were given through. Each hook gets the unit of work,
the membership being removed and the time; raising refuses the removal (nothing is changed)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.audit import audit
from application.enterprises.leaving import withdraw_service_applications
from application.grants.lifecycle import end_grants_of_removed_member
from application.ports import UnitOfWork
from application.seals.org_seal_admins import end_seal_admin_roles
from domain.enterprises.enterprise import Membership


class MemberRemovedHook(Protocol):
    async def __call__(self, uow: UnitOfWork, membership: Membership, now: datetime) -> None: ...


# The composition root passes this to RemoveMember; account deletion runs it too (leave_enterprises_on_deletion).
MEMBER_REMOVAL_HOOKS: tuple[MemberRemovedHook, ...] = (
    end_seal_admin_roles,  # §8.2: the member's seals go back to the enterprise admin
    end_grants_of_removed_member,  # §8.5: the member's certificate grants end
    withdraw_service_applications,  # §6.3: their open service applications are withdrawn
)


async def leave_enterprises_on_deletion(uow: UnitOfWork, account_id: UUID, now: datetime) -> None:
    """A DeleteAccount hook (注销账户): the account leaves every enterprise it belongs to as if removed — the same
    MEMBER_REMOVAL_HOOKS run — and its pending requests to join are withdrawn. The legal rep and the admin never get
    here: DeleteAccount's blockers refuse them first (enterprise_roles_block_deletion)."""
    for request in await uow.join_applications.pending_for_account(account_id):
        request.withdraw(now)
    for membership in await uow.memberships.for_account(account_id):
        enterprise = await uow.enterprises.get(membership.enterprise_id)
        if enterprise is not None:
            enterprise.updated_at = now  # as RemoveMember: a concurrent removal of the same member conflicts
        for hook in MEMBER_REMOVAL_HOOKS:
            await hook(uow, membership, now)
        await uow.member_directory.remove(membership)
        audit(uow, "enterprise.member_left", now, None, account_id=account_id,
              enterprise_id=str(membership.enterprise_id), reason="account_deleted")
