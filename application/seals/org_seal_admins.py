"""A removed member stops being a seal admin (§8.1, §8.2): appended to MEMBER_REMOVAL_HOOKS, run in the removing
transaction. Their seals go back to the enterprise's admin (or, with none, the legal rep), so every live seal
keeps someone who manages it; revoked seals are history and keep the name they had."""

from __future__ import annotations

from datetime import datetime

from application.audit import audit
from application.ports import UnitOfWork
from domain.enterprises.enterprise import Membership
from domain.seals.seal import SealStatus


async def end_seal_admin_roles(uow: UnitOfWork, membership: Membership, now: datetime) -> None:
    seals = [s for s in await uow.seals.for_enterprise(membership.enterprise_id)
             if s.seal_admin_account_id == membership.account_id and s.status is not SealStatus.REVOKED]
    if not seals:
        return
    others = [m for m in await uow.memberships.for_enterprise(membership.enterprise_id)
              if m.account_id != membership.account_id]
    successor = next((m for m in others if m.is_admin), None) or next((m for m in others if m.is_legal_rep), None)
    for seal in seals:
        seal.seal_admin_account_id = successor.account_id if successor is not None else None
        audit(uow, "seal.admin_changed", now, None, account_id=membership.account_id, seal=str(seal.id),
              enterprise_id=str(membership.enterprise_id),
              seal_admin=str(successor.account_id) if successor is not None else None)
