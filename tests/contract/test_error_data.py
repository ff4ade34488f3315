"""Errors an app must act on carry data: distinct codes for an expired and an invalid bearer token, and the
seconds to wait and tries left as fields of the user error (not only inside the Chinese message)."""

from __future__ import annotations

PHONE = "13912345678"
PASSWORD = "Passw0rdX"
ME = "{ me { id } }"
ERRORS = "userErrors { code field message retryAfterSeconds attemptsLeft }"


def _code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


async def test_no_token_expired_token_and_invalid_token_have_distinct_codes(gql, clock):
    session = (await gql.register(PHONE))["session"]
    assert (await gql.raw(ME, token=session["accessToken"]))["data"]["me"]["id"]

    assert _code(await gql.raw(ME, token="")) == "UNAUTHENTICATED", "no token at all: sign in"
    unknown = await gql.raw(ME, token="not-a-token-this-server-made")
    assert _code(unknown) == "TOKEN_INVALID" and unknown["errors"][0]["message"] == "登录已失效，请重新登录"
    assert _code(await gql.raw(ME, token="x" * 500)) == "TOKEN_INVALID"

    clock.advance(hours=2, seconds=1)  # the access token's 2 h are over; the refresh token still lives
    expired = await gql.raw(ME, token=session["accessToken"])
    assert _code(expired) == "TOKEN_EXPIRED" and expired["errors"][0]["message"] == "登录已过期，请刷新登录状态后重试"
    assert expired["data"] is None
    gql.token = None
    refreshed = (await gql.op("RefreshSession", {"refreshToken": session["refreshToken"]}))["refreshSession"]
    assert refreshed["userErrors"] == []
    assert (await gql.raw(ME, token=refreshed["session"]["accessToken"]))["data"]["me"]["id"]
    # The token the refresh replaced stands for nobody now: not "expired" (refreshing again would not help).
    assert _code(await gql.raw(ME, token=session["accessToken"])) == "TOKEN_INVALID"

    out = await gql.raw("mutation { logout(input: {allSessions: true}) { userErrors { code } } }",
                        token=refreshed["session"]["accessToken"])
    assert out["data"]["logout"]["userErrors"] == []
    assert _code(await gql.raw(ME, token=refreshed["session"]["accessToken"])) == "TOKEN_INVALID"


async def test_a_refused_token_on_a_field_open_to_everyone_is_no_error(gql):
    """Only operations that need a signed-in caller are refused; a stale token elsewhere is ignored."""
    body = await gql.raw('mutation { requestSmsCode(input: {phone: "13912345678", purpose: REGISTER}) '
                         '{ userErrors { code } } }', token="stale")
    assert "errors" not in body and body["data"]["requestSmsCode"]["userErrors"] == []


async def test_cooldown_and_lockout_say_when_to_retry(gql, clock):
    await gql.register(PHONE)
    gql.token = None
    ask = f'mutation {{ requestSmsCode(input: {{phone: "{PHONE}", purpose: LOGIN}}) {{ {ERRORS} }} }}'
    clock.advance(seconds=61)
    assert (await gql.raw(ask))["data"]["requestSmsCode"]["userErrors"] == []
    clock.advance(seconds=20)
    (cooldown,) = (await gql.raw(ask))["data"]["requestSmsCode"]["userErrors"]
    assert cooldown["code"] == "SMS_COOLDOWN" and cooldown["retryAfterSeconds"] in (40, 41)
    assert str(cooldown["retryAfterSeconds"]) in cooldown["message"] and cooldown["attemptsLeft"] is None

    login = (f'mutation($p: String!) {{ loginWithPassword(input: {{phone: "{PHONE}", password: $p}}) '
             f'{{ {ERRORS} }} }}')
    lefts = []
    for _ in range(4):
        (wrong,) = (await gql.raw(login, {"p": "Wrong0ne"}))["data"]["loginWithPassword"]["userErrors"]
        assert wrong["code"] == "INVALID_CREDENTIALS" and wrong["retryAfterSeconds"] is None
        lefts.append(wrong["attemptsLeft"])
    assert lefts == [4, 3, 2, 1]
    (locked,) = (await gql.raw(login, {"p": "Wrong0ne"}))["data"]["loginWithPassword"]["userErrors"]
    assert locked["code"] == "LOGIN_LOCKED" and locked["retryAfterSeconds"] == 15 * 60
    clock.advance(minutes=5)
    (still,) = (await gql.raw(login, {"p": PASSWORD}))["data"]["loginWithPassword"]["userErrors"]
    assert still["code"] == "LOGIN_LOCKED" and still["retryAfterSeconds"] == 10 * 60


async def test_a_wrong_sms_code_says_how_many_tries_are_left(gql, clock):
    await gql.register(PHONE)
    gql.token = None
    clock.advance(seconds=61)
    await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "LOGIN"})
    code = await gql.latest_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    login = f'mutation {{ loginWithSmsCode(input: {{phone: "{PHONE}", smsCode: "{wrong}"}}) {{ {ERRORS} }} }}'
    answers = [(await gql.raw(login))["data"]["loginWithSmsCode"]["userErrors"][0] for _ in range(5)]
    assert [(a["code"], a["attemptsLeft"]) for a in answers] == [
        ("SMS_CODE_INVALID", 4), ("SMS_CODE_INVALID", 3), ("SMS_CODE_INVALID", 2), ("SMS_CODE_INVALID", 1),
        ("SMS_CODE_ATTEMPTS_EXCEEDED", 0)]
