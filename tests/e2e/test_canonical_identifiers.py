"""Issue 13 item 2 over GraphQL, on SQLite and PostgreSQL: a full-width (or superscript) spelling of a phone or ID
number is the same phone or number — the same account, the same cooldown, refused as already used — and digits NFKC
keeps (Arabic-Indic, …) and hidden characters in names are refused. Only the canonical form is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from adapters.persistence import tables as t
from tests.support.data import id_number

PHONE = "13712345678"
OTHER = "13712340000"
FULL_WIDTH = str.maketrans("0123456789X+-", "０１２３４５６７８９Ｘ＋－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def wide(text: str) -> str:
    return text.translate(FULL_WIDTH)


async def _rows(container, table, *columns):
    async with container.engine().connect() as conn:
        return (await conn.execute(select(*(table.c[c] for c in columns)))).all()


async def _count(container, table) -> int:
    async with container.engine().connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def _verify(gql, container, number: str) -> dict:
    r = (await gql.op("StartIdCardVerification", {"legalName": "张三", "idNumber": number}))["startIdCardVerification"]
    assert r["userErrors"] == [], r
    await gql.op("SandboxFinishFace", {"token": r["faceVerification"]["token"], "pass": True})
    await container.face_verifier().wait_idle()
    me = (await gql.op("Me"))["me"]
    assert me["realNameStatus"] == "VERIFIED"
    return me


@pytest.mark.parametrize("first, second", [
    ("ascii", "full-width"), ("full-width", "ascii"), ("ascii", "superscript-and-spaces")])
async def test_a_second_spelling_of_a_used_id_number_is_the_same_number(gql, container, first, second):
    number = id_number()
    spell = {"ascii": number, "full-width": wide(number),
             "superscript-and-spaces": " " + number[:6] + "¹⁹⁹⁰" + number[10:] + "\u3000"}
    await gql.register(PHONE)
    me = await _verify(gql, container, spell[first])
    assert me["identity"]["documentNumberMasked"] == number[:4] + "*" * 10 + number[-4:]

    gql.token = None
    await gql.register(OTHER)
    r = (await gql.op("StartIdCardVerification", {"legalName": "张三", "idNumber": spell[second]}))[
        "startIdCardVerification"]
    assert r["userErrors"][0]["code"] == "DOCUMENT_ALREADY_USED" and r["userErrors"][0]["field"] == "idNumber"
    assert r["faceVerification"] is None
    assert (await gql.op("Me"))["me"]["realNameStatus"] == "UNVERIFIED"
    assert [m for (m,) in await _rows(container, t.identities, "number_masked") if m] == [
        number[:4] + "*" * 10 + number[-4:]]


async def test_an_id_number_in_digits_nfkc_keeps_is_refused(gql, container):
    await gql.register(PHONE)
    number = id_number()
    for raw in (number.translate(ARABIC_INDIC), number[:-3] + number[-3:-1].translate(ARABIC_INDIC) + number[-1]):
        r = (await gql.op("StartIdCardVerification", {"legalName": "张三", "idNumber": raw}))["startIdCardVerification"]
        assert r["userErrors"][0]["code"] == "INVALID_ID_NUMBER" and r["userErrors"][0]["field"] == "idNumber"
        assert "18位" in r["userErrors"][0]["message"]
    assert await _count(container, t.identities) == 0 and await _count(container, t.face_checks) == 0


@pytest.mark.parametrize("name", ["张\u200b三", "\u202e张三", "张三\u2066", "张\ue000三", "张\u2028三"])
async def test_names_with_hidden_characters_are_refused(gql, container, name):
    await gql.register(PHONE)
    r = (await gql.op("StartIdCardVerification", {"legalName": name, "idNumber": id_number()}))[
        "startIdCardVerification"]
    assert r["userErrors"][0]["code"] == "INVALID_NAME" and r["userErrors"][0]["field"] == "legalName"
    assert "零宽" in r["userErrors"][0]["message"]
    assert await _count(container, t.identities) == 0


async def test_a_full_width_phone_is_the_same_account_and_the_same_cooldown(gql, container):
    registered = await gql.register(PHONE)
    gql.token = None
    # The same phone typed full-width (with a full-width +86 and hyphens): the cooldown of the code just sent.
    r = (await gql.op("RequestSmsCode", {"phone": wide("+86 137-1234-5678"), "purpose": "LOGIN"}))["requestSmsCode"]
    assert r["userErrors"] == []
    again = (await gql.op("RequestSmsCode", {"phone": wide(PHONE), "purpose": "LOGIN"}))["requestSmsCode"]
    assert again["userErrors"][0]["code"] == "SMS_COOLDOWN" and again["userErrors"][0]["field"] == "phone"
    # Registering it again is registering the same phone.
    code = await gql.latest_code(PHONE)
    dup = (await gql.op("Register", {"phone": wide(PHONE), "smsCode": code, "password": "Passw0rdX"}))["register"]
    assert dup["userErrors"][0]["code"] == "PHONE_ALREADY_REGISTERED"
    # Signing in with it (and a full-width code) is signing in to that account.
    login = (await gql.op("LoginWithSmsCode", {"phone": wide(PHONE), "smsCode": wide(code)}))["loginWithSmsCode"]
    assert login["userErrors"] == [] and login["account"]["id"] == registered["account"]["id"]
    password = (await gql.op("LoginWithPassword", {"phone": wide(PHONE), "password": "Passw0rdX"}))[
        "loginWithPassword"]
    assert password["userErrors"] == [] and password["account"]["id"] == registered["account"]["id"]
    # One account, and every stored phone in its one spelling.
    assert await _rows(container, t.accounts, "phone") == [(PHONE,)]
    assert {p for (p,) in await _rows(container, t.sms_challenges, "phone")} == {PHONE}


async def test_a_full_width_phone_shares_the_daily_cap(gql, container, clock):
    for i in range(10):
        raw = PHONE if i % 2 else wide(PHONE)
        r = (await gql.op("RequestSmsCode", {"phone": raw, "purpose": "REGISTER"}))["requestSmsCode"]
        assert r["userErrors"] == [], (i, r)
        clock.advance(seconds=61)
    capped = (await gql.op("RequestSmsCode", {"phone": wide(PHONE), "purpose": "REGISTER"}))["requestSmsCode"]
    assert capped["userErrors"][0]["code"] == "SMS_DAILY_LIMIT"


@pytest.mark.parametrize("phone", [PHONE.translate(ARABIC_INDIC), "1" + PHONE[1:].translate(ARABIC_INDIC),
                                   PHONE[:5] + "\u200b" + PHONE[5:], PHONE + "\u202c"])
async def test_a_phone_in_digits_nfkc_keeps_is_refused(gql, container, phone):
    r = (await gql.op("RequestSmsCode", {"phone": phone, "purpose": "REGISTER"}))["requestSmsCode"]
    assert r["userErrors"][0]["code"] == "INVALID_PHONE" and r["userErrors"][0]["field"] == "phone"
    assert await _count(container, t.sms_challenges) == 0
