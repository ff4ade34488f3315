"""Operators: created from the command line, log in with username and password, lock like accounts."""

from __future__ import annotations

import pytest

from application.operators.operators import OperatorLoginCommand
from domain.accounts.session import PrincipalKind
from domain.errors import InvalidCredentials, InvalidInput, LoginLocked, WeakPassword
from tests.app_fixture import DEFAULT_META, FakeApp

PASSWORD = "Oper4tor!x"


def login(username: str, password: str = PASSWORD) -> OperatorLoginCommand:
    return OperatorLoginCommand(username, password, DEFAULT_META)


async def test_create_stores_a_hashed_password(app: FakeApp) -> None:
    op = await app.create_operator("  Reviewer.Li ", PASSWORD)
    [stored] = app.db.operators()
    assert (stored.id, stored.username) == (op.id, "reviewer.li")
    assert PASSWORD not in stored.password_hash
    assert await app.passwords.verify(PASSWORD, stored.password_hash)
    assert app.db.audit_events("operator.created")[0].operator_id == op.id


async def test_usernames_are_unique(app: FakeApp) -> None:
    await app.create_operator("reviewer", PASSWORD)
    with pytest.raises(InvalidInput) as err:
        await app.create_operator("REVIEWER", "An0therPass")
    assert err.value.field == "username"
    assert len(app.db.operators()) == 1


@pytest.mark.parametrize("username", ["ab", "1reviewer", "review er", "审核员", "a" * 33])
async def test_bad_usernames_are_refused(app: FakeApp, username: str) -> None:
    with pytest.raises(InvalidInput):
        await app.create_operator(username, PASSWORD)
    assert app.db.operators() == []


async def test_operator_passwords_follow_the_policy(app: FakeApp) -> None:
    with pytest.raises(WeakPassword):
        await app.create_operator("reviewer", "password")
    assert app.db.operators() == []


async def test_login_opens_an_operator_session_without_refresh(app: FakeApp) -> None:
    op = await app.create_operator("reviewer", PASSWORD)
    issued = await app.operator_login(login("Reviewer"))
    assert issued.refresh_token is None
    assert issued.expires_at == app.clock.now() + app.policies.sessions.operator_access_ttl
    principal = await app.principal(issued.access_token)
    assert (principal.kind, principal.id) == (PrincipalKind.OPERATOR, op.id)
    app.clock.advance(hours=8)
    assert await app.authenticate(issued.access_token) is None


async def test_wrong_password_and_unknown_user_answer_alike(app: FakeApp) -> None:
    await app.create_operator("reviewer", PASSWORD)
    with pytest.raises(InvalidCredentials) as wrong:
        await app.operator_login(login("reviewer", "Wr0ngPassword"))
    with pytest.raises(InvalidCredentials) as unknown:
        await app.operator_login(login("nobody"))
    assert wrong.value.message == unknown.value.message == "用户名或密码错误"
    assert app.db.rows("sessions") == []


async def test_five_wrong_passwords_lock_the_operator(app: FakeApp) -> None:
    await app.create_operator("reviewer", PASSWORD)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await app.operator_login(login("reviewer", "Wr0ngPassword"))
    with pytest.raises(LoginLocked):
        await app.operator_login(login("reviewer"))
    assert app.db.rows("sessions") == []
    app.clock.advance(minutes=15)
    await app.operator_login(login("reviewer"))
    assert len(app.db.rows("sessions")) == 1
