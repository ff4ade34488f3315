"""§8.1.3 移除成员: the admin or legal rep removes a member. Never the legal rep, never the admin (an enterprise has
exactly one, SPEC §0; it changes hands only by the §8.4 transfer). A plain member cannot remove anyone, themselves
included: leaving is not in the manual, and a member's grants are the admin's to end. The removed person hears by
SMS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.member_access import administered, notify
from application.enterprises.member_removal import MEMBER_REMOVAL_HOOKS, MemberRemovedHook
from application.ports import Clock, UnitOfWorkFactory
from domain.enterprises.members import ensure_removable
from domain.errors import NotFound


@dataclass(frozen=True)
class RemoveMemberCommand:
    principal: Principal | None
    membership_id: UUID
    meta: RequestMeta | None = None


class RemoveMember:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock,
                 hooks: Sequence[MemberRemovedHook] = MEMBER_REMOVAL_HOOKS) -> None:
        self._uow, self._clock, self._hooks = uow, clock, tuple(hooks)

    async def __call__(self, cmd: RemoveMemberCommand) -> None:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            now = self._clock.now()
            target = await uow.member_directory.get(cmd.membership_id)
            if target is None:
                raise NotFound("成员不存在", field="memberId")
            try:
                enterprise, _mine = await administered(uow, p.id, target.enterprise_id, "memberId")
            except NotFound:
                raise NotFound("成员不存在", field="memberId") from None
            ensure_removable(target)
            # Touching the enterprise bumps its version: of two removals of one enterprise's members made at once (the
            # same member removed twice, by a double click or by the admin and the legal rep), the second commit is a
            # Conflict, so a member is removed, audited and told once.
            enterprise.updated_at = now
            for hook in self._hooks:
                await hook(uow, target, now)
            account = await uow.accounts.get(target.account_id)
            await uow.member_directory.remove(target)
            if account is not None and account.is_active:
                notify(uow, account.phone, f"【数信签】您已被移出“{enterprise.name}”。")
            audit(uow, "enterprise.member_removed", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                  member_account_id=str(target.account_id))
            await uow.commit()  # Conflict when the membership changed meanwhile (its version)
