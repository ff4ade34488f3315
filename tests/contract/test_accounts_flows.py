"""The flows of api/accounts.graphql, run over HTTP exactly as the app sends them (§3, §9.3)."""

from __future__ import annotations

import pytest

PHONE = "13912345678"
PASSWORD = "Passw0rdX"


async def test_register_login_refresh_logout(gql):
    reg = await gql.register(PHONE, PASSWORD)
    assert reg["account"]["phoneMasked"] == "139****5678"
    assert reg["account"]["entryMode"] is None
    assert reg["session"]["refreshToken"]

    login = (await gql.op("LoginWithPassword", {"phone": PHONE, "password": PASSWORD}))["loginWithPassword"]
    assert login["userErrors"] == [] and login["session"]["accessToken"]
    gql.token = login["session"]["accessToken"]

    chosen = (await gql.op("ChooseEntryMode", {"mode": "CA_MUTUAL_RECOGNITION"}))["chooseEntryMode"]
    assert chosen["account"]["entryMode"] == "CA_MUTUAL_RECOGNITION"
    assert (await gql.op("Me"))["me"]["entryMode"] == "CA_MUTUAL_RECOGNITION"

    refreshed = (await gql.op("RefreshSession", {"refreshToken": login["session"]["refreshToken"]}))["refreshSession"]
    assert refreshed["userErrors"] == []
    new_access = refreshed["session"]["accessToken"]
    assert new_access != gql.token
    # The old access token died with the rotation; the new one works.
    assert (await gql.raw(gql.document("Me"), token=gql.token))["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"
    gql.token = new_access
    assert (await gql.op("Me"))["me"]["phoneMasked"] == "139****5678"

    # Presenting the rotated-away refresh token again is theft: the session ends.
    again = (await gql.op("RefreshSession", {"refreshToken": login["session"]["refreshToken"]}))["refreshSession"]
    assert again["userErrors"][0]["code"] == "INVALID_REFRESH_TOKEN"
    assert "errors" in await gql.raw(gql.document("Me"))

    # The registration session is still alive and can log out.
    gql.token = reg["session"]["accessToken"]
    assert (await gql.op("Logout"))["logout"]["userErrors"] == []
    assert "errors" in await gql.raw(gql.document("Me"))


async def test_login_with_sms_code(gql):
    await gql.register(PHONE)
    gql.token = None
    await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "LOGIN"})
    code = await gql.latest_code(PHONE)
    r = (await gql.op("LoginWithSmsCode", {"phone": PHONE, "smsCode": code}))["loginWithSmsCode"]
    assert r["userErrors"] == [] and r["account"]["phoneMasked"] == "139****5678"
    # Single use.
    again = (await gql.op("LoginWithSmsCode", {"phone": PHONE, "smsCode": code}))["loginWithSmsCode"]
    assert again["userErrors"][0]["code"] == "SMS_CODE_INVALID" and again["session"] is None


async def test_password_lockout_then_sms_login_still_works(gql, clock):
    await gql.register(PHONE)
    for _ in range(4):
        r = (await gql.op("LoginWithPassword", {"phone": PHONE, "password": "Wrong0ne"}))["loginWithPassword"]
        assert r["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    r = (await gql.op("LoginWithPassword", {"phone": PHONE, "password": "Wrong0ne"}))["loginWithPassword"]
    assert r["userErrors"][0]["code"] == "LOGIN_LOCKED"
    r = (await gql.op("LoginWithPassword", {"phone": PHONE, "password": PASSWORD}))["loginWithPassword"]
    assert r["userErrors"][0]["code"] == "LOGIN_LOCKED", "the right password is refused while locked"
    await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "LOGIN"})
    code = await gql.latest_code(PHONE)
    assert (await gql.op("LoginWithSmsCode", {"phone": PHONE, "smsCode": code}))["loginWithSmsCode"]["userErrors"] == []
    clock.advance(minutes=16)
    r = (await gql.op("LoginWithPassword", {"phone": PHONE, "password": PASSWORD}))["loginWithPassword"]
    assert r["userErrors"] == []


async def test_change_and_reset_password(gql, clock):
    await gql.register(PHONE)
    bad = (await gql.op("ChangePassword", {"oldPassword": "Nope1234", "newPassword": "NewPassw0rd"}))["changePassword"]
    assert bad["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    ok = (await gql.op("ChangePassword", {"oldPassword": PASSWORD, "newPassword": "NewPassw0rd"}))["changePassword"]
    assert ok["userErrors"] == []
    gql.token = None
    assert (await gql.op("LoginWithPassword", {"phone": PHONE, "password": "NewPassw0rd"}))["loginWithPassword"]["userErrors"] == []

    clock.advance(seconds=61)
    await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "RESET_PASSWORD"})
    code = await gql.latest_code(PHONE)
    weak = (await gql.op("ResetPassword", {"phone": PHONE, "smsCode": code, "newPassword": "short"}))["resetPassword"]
    assert weak["userErrors"][0]["code"] == "WEAK_PASSWORD"
    r = (await gql.op("ResetPassword", {"phone": PHONE, "smsCode": code, "newPassword": "Reset0Passw"}))["resetPassword"]
    assert r["userErrors"] == []
    assert (await gql.op("LoginWithPassword", {"phone": PHONE, "password": "Reset0Passw"}))["loginWithPassword"]["userErrors"] == []
    old = (await gql.op("LoginWithPassword", {"phone": PHONE, "password": "NewPassw0rd"}))["loginWithPassword"]
    assert old["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_delete_account(gql, clock):
    await gql.register(PHONE)
    await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": "DELETE_ACCOUNT"})
    code = await gql.latest_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    assert (await gql.op("DeleteAccount", {"smsCode": wrong}))["deleteAccount"]["userErrors"][0]["code"] == "SMS_CODE_INVALID"
    assert (await gql.op("DeleteAccount", {"smsCode": code}))["deleteAccount"]["userErrors"] == []
    assert (await gql.raw(gql.document("Me")))["errors"][0]["extensions"]["code"] == "TOKEN_INVALID"
    # The number is free again: a new person may register it (after the SMS cooldown).
    gql.token = None
    clock.advance(seconds=61)
    again = await gql.register(PHONE)
    assert again["account"]["realNameStatus"] == "UNVERIFIED"


@pytest.mark.parametrize("purpose", ["REGISTER", "LOGIN", "RESET_PASSWORD"])
async def test_sms_cooldown(gql, purpose):
    if purpose != "REGISTER":
        await gql.register(PHONE)
    first = (await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": purpose}))["requestSmsCode"]
    assert first["userErrors"] == [] and first["cooldownSeconds"] == 60
    second = (await gql.op("RequestSmsCode", {"phone": PHONE, "purpose": purpose}))["requestSmsCode"]
    assert second["userErrors"][0]["code"] == "SMS_COOLDOWN" and second["userErrors"][0]["field"] == "phone"
