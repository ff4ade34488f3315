"""The caller's own account with its identity, for `me` and for payloads that return the account."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.context import Principal, require_account
from application.ports import UnitOfWork, UnitOfWorkFactory, reading
from domain.accounts.account import Account
from domain.errors import Unauthenticated
from domain.identity.identity import Identity
from domain.signing.signing_key import SigningKey


@dataclass(frozen=True)
class AccountView:
    account: Account
    identity: Identity | None
    signing_key: SigningKey | None = None


async def load_account_view(uow: UnitOfWork, account_id: UUID) -> AccountView:
    account = await uow.accounts.get(account_id)
    if account is None or not account.is_active:
        raise Unauthenticated("账号不存在或已注销")
    return AccountView(account, await uow.identities.for_account(account_id),
                       await uow.signing_keys.live_for(account_id))


class GetMe:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None) -> AccountView:
        p = require_account(principal)
        async with reading(self._uow) as uow:
            return await load_account_view(uow, p.id)
