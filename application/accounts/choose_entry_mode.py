"""ChooseEntryMode (§3.3): the first-login choice is kept on the account."""

from __future__ import annotations

from application.accounts.get_me import AccountView, load_account_view
from application.context import Principal, require_account
from application.ports import UnitOfWorkFactory
from domain.accounts.account import EntryMode


class ChooseEntryMode:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, mode: EntryMode) -> AccountView:
        p = require_account(principal)
        async with self._uow() as uow:
            view = await load_account_view(uow, p.id)
            view.account.choose_entry_mode(EntryMode(mode))
            await uow.commit()
            return view
