"""Sessions: refresh rotation and reuse detection, logout, list and end sessions (§9.3)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from application.accounts.refresh_session import RefreshSessionCommand
from application.context import Principal
from domain.accounts.session import PrincipalKind
from domain.errors import Forbidden, InvalidRefreshToken, NotFound, Unauthenticated
from tests.app_fixture import DEFAULT_META, FakeApp

PHONE = "13800138000"


def refresh(token: str) -> RefreshSessionCommand:
    return RefreshSessionCommand(token, DEFAULT_META)


async def test_refresh_rotates_both_tokens(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    old = user.session
    new = await app.refresh_session(refresh(old.refresh_token))
    assert new.session_id == old.session_id
    assert new.access_token != old.access_token and new.refresh_token != old.refresh_token
    assert await app.authenticate(old.access_token) is None
    assert (await app.principal(new.access_token)).session_id == old.session_id
    [session] = app.db.sessions_of(user.account_id)
    assert session.revoked_at is None
    assert session.previous_refresh_token_hash == app.issuer.token_hash(old.refresh_token)


async def test_reusing_an_old_refresh_token_kills_the_session(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    stolen = user.session.refresh_token
    rotated = await app.refresh_session(refresh(stolen))
    with pytest.raises(InvalidRefreshToken):
        await app.refresh_session(refresh(stolen))
    [session] = app.db.sessions_of(user.account_id)
    assert session.revoked_at == app.clock.now()
    # The legitimate holder's fresh tokens die with it.
    assert await app.authenticate(rotated.access_token) is None
    with pytest.raises(InvalidRefreshToken):
        await app.refresh_session(refresh(rotated.refresh_token))
    assert app.db.audit_events("session.refresh_reuse")


async def test_a_token_spent_several_rotations_ago_still_betrays_the_thief(app: FakeApp) -> None:
    """The thief refreshed first and twice more since; the owner's copy is three rotations old and still ends the
    session (with only the last replaced token remembered, the thief would have kept it)."""
    user = await app.register_user(PHONE)
    owners_copy = user.session.refresh_token
    thief = await app.refresh_session(refresh(owners_copy))
    for _ in range(2):
        app.clock.advance(minutes=5)
        thief = await app.refresh_session(refresh(thief.refresh_token))
    with pytest.raises(InvalidRefreshToken):
        await app.refresh_session(refresh(owners_copy))
    assert await app.authenticate(thief.access_token) is None
    with pytest.raises(InvalidRefreshToken):
        await app.refresh_session(refresh(thief.refresh_token))
    assert [e.account_id for e in app.db.audit_events("session.refresh_reuse")] == [user.account_id]


async def test_spent_tokens_are_kept_for_the_refresh_lifetime_only(app: FakeApp) -> None:
    early = await app.register_user(PHONE)
    await app.refresh_session(refresh(early.session.refresh_token))
    app.clock.advance(days=29)
    late = await app.register_user("13900139000")
    await app.refresh_session(refresh(late.session.refresh_token))
    assert len(app.db.rows("spent_refresh_tokens")) == 2  # the early one is 29 days old: kept
    app.clock.advance(days=2)
    later = await app.login(late.phone)  # a new session of the late user, refreshed 31 days after the early spend
    await app.refresh_session(refresh(later.session.refresh_token))
    spent = {s.token_hash for s in app.db.rows("spent_refresh_tokens")}
    assert app.issuer.token_hash(early.session.refresh_token) not in spent  # 31 days: its session is over
    assert app.issuer.token_hash(late.session.refresh_token) in spent


@pytest.mark.parametrize("token", ["", "   ", "sxr_unknown", "x" * 201])
async def test_unknown_refresh_tokens_are_refused(app: FakeApp, token: str) -> None:
    user = await app.register_user(PHONE)
    with pytest.raises(InvalidRefreshToken) as err:
        await app.refresh_session(refresh(token))
    assert err.value.field == "refreshToken"
    assert app.db.sessions_of(user.account_id)[0].revoked_at is None


async def test_refresh_tokens_expire_after_thirty_days(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    app.clock.advance(days=30)
    with pytest.raises(InvalidRefreshToken):
        await app.refresh_session(refresh(user.session.refresh_token))


async def test_access_tokens_expire_after_two_hours_and_refresh_revives_them(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    app.clock.advance(hours=2)
    assert await app.authenticate(user.session.access_token) is None
    new = await app.refresh_session(refresh(user.session.refresh_token))
    assert await app.authenticate(new.access_token) is not None


async def test_logout_ends_this_session_only(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    other = await app.login(PHONE)
    await app.logout(user.principal, DEFAULT_META)
    assert await app.authenticate(user.session.access_token) is None
    with pytest.raises(InvalidRefreshToken):
        await app.refresh_session(refresh(user.session.refresh_token))
    assert await app.authenticate(other.session.access_token) is not None
    assert [s.id for s in app.db.live_sessions_of(user.account_id)] == [other.session.session_id]


async def test_logout_without_a_principal_does_nothing(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await app.logout(None, DEFAULT_META)
    assert app.db.live_sessions_of(user.account_id)


async def test_list_sessions_shows_the_live_ones_newest_first(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    app.clock.advance(minutes=1)
    second = await app.login(PHONE)
    app.clock.advance(minutes=1)
    third = await app.login(PHONE)
    await app.logout(second.principal, DEFAULT_META)
    listed = await app.list_sessions(user.principal)
    assert [s.id for s in listed] == [third.session.session_id, user.session.session_id]


async def test_end_another_of_my_sessions(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    phone_session = await app.login(PHONE)
    await app.end_session(user.principal, phone_session.session.session_id, DEFAULT_META)
    assert await app.authenticate(phone_session.session.access_token) is None
    assert await app.authenticate(user.session.access_token) is not None


async def test_someone_elses_session_looks_missing(app: FakeApp) -> None:
    me = await app.register_user(PHONE)
    stranger = await app.register_user("13900139000")
    for session_id in (stranger.session.session_id, uuid4()):
        with pytest.raises(NotFound):
            await app.end_session(me.principal, session_id, DEFAULT_META)
    assert await app.authenticate(stranger.session.access_token) is not None


async def test_session_management_is_for_accounts(app: FakeApp) -> None:
    operator = await app.operator()
    with pytest.raises(Forbidden):
        await app.list_sessions(operator)
    with pytest.raises(Unauthenticated):
        await app.list_sessions(None)


async def test_authenticate_refuses_garbage_and_a_principal_without_sessions_owns_none(app: FakeApp) -> None:
    assert await app.authenticate(None) is None
    assert await app.authenticate("") is None
    assert await app.authenticate("sxa_" + "x" * 300) is None
    ghost = Principal(PrincipalKind.ACCOUNT, uuid4(), uuid4())
    assert await app.list_sessions(ghost) == []
