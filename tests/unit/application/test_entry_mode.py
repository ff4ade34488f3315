"""ChooseEntryMode (§3.3) and GetMe: the first-login choice is kept on the account."""

from __future__ import annotations

import pytest

from domain.accounts.account import EntryMode
from domain.errors import Forbidden, Unauthenticated
from domain.identity.identity import RealNameStatus
from tests.app_fixture import FakeApp


async def test_a_new_account_has_not_chosen_yet(app: FakeApp) -> None:
    user = await app.register_user()
    view = await app.get_me(user.principal)
    assert view.account.entry_mode is None
    assert view.identity is None


async def test_the_choice_is_kept_across_logins(app: FakeApp) -> None:
    user = await app.register_user()
    view = await app.choose_entry_mode(user.principal, EntryMode.CA_MUTUAL_RECOGNITION)
    assert view.account.entry_mode is EntryMode.CA_MUTUAL_RECOGNITION
    assert app.db.account(user.account_id).entry_mode is EntryMode.CA_MUTUAL_RECOGNITION
    again = await app.login(user.phone)
    assert (await app.get_me(again.principal)).account.entry_mode is EntryMode.CA_MUTUAL_RECOGNITION


async def test_an_unknown_mode_is_refused(app: FakeApp) -> None:
    user = await app.register_user()
    with pytest.raises(ValueError):
        await app.choose_entry_mode(user.principal, "LEGACY_USB_KEY")  # type: ignore[arg-type]
    assert app.db.account(user.account_id).entry_mode is None


async def test_me_shows_the_identity(app: FakeApp) -> None:
    user = await app.register_user()
    await app.start_face(user)
    assert (await app.get_me(user.principal)).identity.status is RealNameStatus.PENDING_FACE


async def test_only_accounts_have_a_me(app: FakeApp) -> None:
    with pytest.raises(Unauthenticated):
        await app.get_me(None)
    with pytest.raises(Forbidden):
        await app.choose_entry_mode(await app.operator(), EntryMode.CA_MUTUAL_RECOGNITION)
