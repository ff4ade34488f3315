"""Operators: created from the command line, log in with username and password, lock like accounts."""

from __future__ import annotations

import pytest

from application.operators.operators import OperatorLoginCommand
from domain.accounts.session import PrincipalKind
from domain.errors import (
    InvalidCredentials,
    InvalidInput,
    LoginLocked,
    PermissionDenied,
    SecondFactorRequired,
    WeakPassword,
)
from domain.operators.operator import OperatorRole
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


# ------------------------------------------------------------ roles and the TOTP second factor

def code_for(app: FakeApp, created, at=None) -> str:
    """What the operator's authenticator app shows: the secret read back from the otpauth URI."""
    import pyotp

    secret = pyotp.parse_uri(created.totp_uri).secret
    return pyotp.TOTP(secret).at(at or app.clock.now())


async def test_a_second_factor_is_enrolled_and_its_secret_stored_encrypted(app: FakeApp) -> None:
    created = await app.create_operator("reviewer", PASSWORD, OperatorRole.SUPERVISOR, second_factor=True)
    assert created.totp_uri.startswith("otpauth://totp/") and "reviewer" in created.totp_uri
    [stored] = app.db.operators()
    assert stored.role is OperatorRole.SUPERVISOR
    import pyotp

    assert pyotp.parse_uri(created.totp_uri).secret.encode() not in stored.totp_secret_ciphertext


def wrong_code(app: FakeApp, created) -> str:
    from datetime import timedelta

    near = {code_for(app, created, app.clock.now() + timedelta(seconds=d)) for d in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


async def test_an_enrolled_operator_needs_the_code_as_well_as_the_password(app: FakeApp) -> None:
    created = await app.create_operator("reviewer", PASSWORD, second_factor=True)
    with pytest.raises(SecondFactorRequired):
        await app.operator_login(login("reviewer"))
    with pytest.raises(InvalidCredentials):
        await app.operator_login(OperatorLoginCommand("reviewer", PASSWORD, DEFAULT_META,
                                                      totp_code=wrong_code(app, created)))
    issued = await app.operator_login(OperatorLoginCommand("reviewer", PASSWORD, DEFAULT_META,
                                                           totp_code=code_for(app, created)))
    principal = await app.principal(issued.access_token)
    assert principal.operator_role is OperatorRole.REVIEWER


async def test_a_code_works_once(app: FakeApp) -> None:
    created = await app.create_operator("reviewer", PASSWORD, second_factor=True)
    code = code_for(app, created)
    await app.operator_login(OperatorLoginCommand("reviewer", PASSWORD, DEFAULT_META, totp_code=code))
    with pytest.raises(InvalidCredentials):
        await app.operator_login(OperatorLoginCommand("reviewer", PASSWORD, DEFAULT_META, totp_code=code))
    app.clock.advance(seconds=30)
    await app.operator_login(OperatorLoginCommand("reviewer", PASSWORD, DEFAULT_META,
                                                  totp_code=code_for(app, created)))


async def test_wrong_codes_lock_the_operator_like_wrong_passwords(app: FakeApp) -> None:
    created = await app.create_operator("reviewer", PASSWORD, second_factor=True)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await app.operator_login(OperatorLoginCommand("reviewer", PASSWORD, DEFAULT_META,
                                                          totp_code=wrong_code(app, created)))
    with pytest.raises(LoginLocked):
        await app.operator_login(OperatorLoginCommand("reviewer", PASSWORD, DEFAULT_META,
                                                      totp_code=code_for(app, created)))
    assert app.db.rows("sessions") == []


async def test_the_console_refuses_an_operator_without_a_second_factor(app: FakeApp) -> None:
    await app.create_operator("script", PASSWORD, OperatorRole.ADMIN)
    with pytest.raises(SecondFactorRequired):
        await app.operator_login(OperatorLoginCommand("script", PASSWORD, DEFAULT_META, require_second_factor=True))
    assert app.db.rows("sessions") == []
    # The API still takes its password alone: scripts such as examples/trading_platform/register.py.
    await app.operator_login(login("script"))


async def test_a_role_below_the_one_needed_is_refused(app: FakeApp) -> None:
    from application.context import require_operator

    reviewer = await app.operator("reviewer")
    with pytest.raises(PermissionDenied) as err:
        require_operator(reviewer, OperatorRole.SUPERVISOR)
    assert "主管" in err.value.message
    admin = await app.operator("boss", role=OperatorRole.ADMIN)
    assert require_operator(admin, OperatorRole.SUPERVISOR) is admin
