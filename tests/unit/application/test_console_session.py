"""The console's cookie session: an operator session with a second factor, ended by inactivity."""

from __future__ import annotations

import pyotp

from application.operators.operators import OperatorLoginCommand
from domain.operators.operator import OperatorRole
from tests.app_fixture import DEFAULT_META, FakeApp

PASSWORD = "Oper4tor!x"


async def console_login(app: FakeApp, username: str = "reviewer", role=OperatorRole.REVIEWER) -> str:
    created = await app.create_operator(username, PASSWORD, role, second_factor=True)
    code = pyotp.TOTP(pyotp.parse_uri(created.totp_uri).secret).at(app.clock.now())
    issued = await app.operator_login(OperatorLoginCommand(username, PASSWORD, DEFAULT_META, totp_code=code,
                                                           require_second_factor=True))
    return issued.access_token


async def test_a_console_session_knows_the_operator_and_role(app: FakeApp) -> None:
    token = await console_login(app, "boss", OperatorRole.SUPERVISOR)
    who = await app.authenticate_console(token)
    assert (who.username, who.role, who.principal.operator_role) == ("boss", OperatorRole.SUPERVISOR,
                                                                     OperatorRole.SUPERVISOR)
    assert await app.authenticate_console("sxa_not_a_token") is None


async def test_activity_keeps_it_alive_and_inactivity_ends_it(app: FakeApp) -> None:
    token = await console_login(app)
    for _ in range(4):  # an hour of work, a click every 14 minutes
        app.clock.advance(minutes=14)
        assert await app.authenticate_console(token) is not None
    app.clock.advance(minutes=16)
    assert await app.authenticate_console(token) is None
    [ended] = app.db.audit_events("operator.idle_timeout")
    assert ended.operator_id is not None
    app.clock.advance(seconds=1)
    assert await app.authenticate_console(token) is None  # revoked, not just idle
    assert await app.authenticate(token) is None  # nor usable as a bearer token any more


async def test_an_account_session_or_an_operator_without_a_second_factor_is_no_console_session(app: FakeApp) -> None:
    user = await app.register_user("13800138000")
    assert await app.authenticate_console(user.session.access_token) is None
    await app.create_operator("script", PASSWORD, OperatorRole.ADMIN)
    api = await app.operator_login(OperatorLoginCommand("script", PASSWORD, DEFAULT_META))
    assert await app.authenticate_console(api.access_token) is None
