"""What else ends when a member leaves an enterprise, run in the removing transaction.

The next chapters (§7.3 grants, §8.2 seal admins) append their hooks here: a grant to use the org certificate
and a seal-admin role must not outlive the membership they were given through. Each hook gets the unit of work,
the membership being removed and the time; raising refuses the removal (nothing is changed)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from application.grants.lifecycle import end_grants_of_removed_member
from application.ports import UnitOfWork
from application.seals.org_seal_admins import end_seal_admin_roles
from domain.enterprises.enterprise import Membership


class MemberRemovedHook(Protocol):
    async def __call__(self, uow: UnitOfWork, membership: Membership, now: datetime) -> None: ...


# Empty until grants and seal-admin roles exist (issue 7); the composition root passes this to RemoveMember.
MEMBER_REMOVAL_HOOKS: tuple[MemberRemovedHook, ...] = (
    end_seal_admin_roles,  # §8.2: the member's seals go back to the enterprise admin
    end_grants_of_removed_member,  # §8.5: the member's certificate grants end
)
