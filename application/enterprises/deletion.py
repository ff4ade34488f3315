"""The enterprise chapter's DeletionBlocker: an account stays while it is a legal rep or an enterprise's only admin."""

from __future__ import annotations

from uuid import UUID

from application.ports import UnitOfWork


async def enterprise_roles_block_deletion(uow: UnitOfWork, account_id: UUID) -> str | None:
    for membership in await uow.memberships.for_account(account_id):
        if membership.is_legal_rep:
            return "您是企业法定代表人，请先完成企业信息变更后再注销账户"
        if membership.is_admin:
            admins = [m for m in await uow.memberships.for_enterprise(membership.enterprise_id) if m.is_admin]
            if len(admins) <= 1:
                return "您是企业唯一的管理员，请先转让管理员后再注销账户"
    return None
