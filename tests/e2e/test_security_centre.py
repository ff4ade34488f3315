"""§9.3 security centre over GraphQL: change phone, list and end sessions, log out everywhere."""

from __future__ import annotations

OLD, NEW = "13112345678", "13187654321"
PASSWORD = "Passw0rdX"
REQUEST_CHANGE = ("mutation($p: String!) { requestSmsCode(input: {phone: $p, purpose: CHANGE_PHONE}) "
                  "{ userErrors { code } } }")


async def test_change_phone(gql, clock):
    await gql.register(OLD)
    r = await gql.raw(REQUEST_CHANGE, {"p": NEW})
    assert r["data"]["requestSmsCode"]["userErrors"] == []
    code = await gql.latest_code(NEW)
    change = ("mutation($p: String!, $c: String!, $pw: String!) { changePhone(input: {newPhone: $p, smsCode: $c, "
              "password: $pw}) { account { phoneMasked } userErrors { code field } } }")
    bad = await gql.raw(change, {"p": NEW, "c": code, "pw": "Wrong0ne"})
    assert bad["data"]["changePhone"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    ok = await gql.raw(change, {"p": NEW, "c": code, "pw": PASSWORD})
    assert ok["data"]["changePhone"]["account"]["phoneMasked"] == "131****4321"
    gql.token = None
    login = (await gql.op("LoginWithPassword", {"phone": NEW, "password": PASSWORD}))["loginWithPassword"]
    assert login["userErrors"] == []
    old = (await gql.op("LoginWithPassword", {"phone": OLD, "password": PASSWORD}))["loginWithPassword"]
    assert old["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_change_phone_needs_login_and_a_free_number(gql):
    anon = await gql.raw(REQUEST_CHANGE, {"p": NEW})
    assert anon["data"]["requestSmsCode"]["userErrors"][0]["code"] == "PERMISSION_DENIED"
    await gql.register(NEW)
    gql.token = None
    await gql.register(OLD)
    taken = await gql.raw(REQUEST_CHANGE, {"p": NEW})
    assert taken["data"]["requestSmsCode"]["userErrors"][0]["code"] == "PHONE_ALREADY_REGISTERED"


async def test_sessions_listed_ended_and_logout_everywhere(gql):
    first = await gql.register(OLD)
    second = (await gql.op("LoginWithPassword", {"phone": OLD, "password": PASSWORD}))["loginWithPassword"]
    third = (await gql.op("LoginWithPassword", {"phone": OLD, "password": PASSWORD}))["loginWithPassword"]
    gql.token = first["session"]["accessToken"]
    sessions = (await gql.raw("{ mySessions { id current clientIp } }"))["data"]["mySessions"]
    assert len(sessions) == 3 and sum(s["current"] for s in sessions) == 1
    assert all(s["clientIp"] == "203.0.113.7" for s in sessions)
    other = next(s for s in sessions if not s["current"])
    end = "mutation($id: ID!) { endSession(input: {sessionId: $id}) { userErrors { code } } }"
    assert (await gql.raw(end, {"id": other["id"]}))["data"]["endSession"]["userErrors"] == []
    assert len((await gql.raw("{ mySessions { id } }"))["data"]["mySessions"]) == 2

    out = await gql.raw("mutation { logout(input: {allSessions: true}) { userErrors { code } } }")
    assert out["data"]["logout"]["userErrors"] == []
    for s in (first, second, third):
        body = await gql.raw("{ me { id } }", token=s["session"]["accessToken"])
        assert body["errors"][0]["extensions"]["code"] == "TOKEN_INVALID", "signed out: sign in again"


async def test_password_change_ends_other_sessions(gql):
    first = await gql.register(OLD)
    other = (await gql.op("LoginWithPassword", {"phone": OLD, "password": PASSWORD}))["loginWithPassword"]
    gql.token = first["session"]["accessToken"]
    r = (await gql.op("ChangePassword", {"oldPassword": PASSWORD, "newPassword": "NewPassw0rd"}))["changePassword"]
    assert r["userErrors"] == []
    assert "errors" in await gql.raw("{ me { id } }", token=other["session"]["accessToken"])
    assert "errors" not in await gql.raw("{ me { id } }")


async def test_deleting_the_account_erases_identity_photos_and_withdraws_its_review(gql, container, settings):
    from tests.support.data import future, image_bytes

    await gql.register(OLD)
    blobs = settings.data_dir / "blobs"
    before = {p for p in blobs.rglob("*") if p.is_file()}  # other tests' photos share the data dir
    png = image_bytes("PNG")
    files = {k: (f"{k}.png", png, "image/png") for k in ("front", "back", "portrait")}
    r = (await gql.upload("SubmitManualVerification", {"documentType": "PASSPORT", "legalName": "John Smith",
                                                       "documentNumber": "E12345678", "expiresOn": future()},
                          files))["submitManualVerification"]
    assert r["userErrors"] == []
    assert len({p for p in blobs.rglob("*") if p.is_file()} - before) == 3
    await gql.op("RequestSmsCode", {"phone": OLD, "purpose": "DELETE_ACCOUNT"})
    code = await gql.latest_code(OLD)
    assert (await gql.op("DeleteAccount", {"smsCode": code}))["deleteAccount"]["userErrors"] == []
    await container.dispatcher().dispatch_due()
    assert {p for p in blobs.rglob("*") if p.is_file()} - before == set()

    await container.use_cases().create_operator("reviewer", "Operat0rPass")
    op = (await gql.op("OperatorLogin", {"username": "reviewer", "password": "Operat0rPass"}))["operatorLogin"]
    token = op["session"]["accessToken"]
    assert (await gql.op("PendingReviews", {"kind": "IDENTITY"}, token=token))["reviews"]["edges"] == []
    late = (await gql.op("DecideReview", {"reviewId": r["review"]["id"], "approve": True}, token=token))
    assert late["decideReview"]["userErrors"][0]["code"] == "REVIEW_ALREADY_DECIDED"


async def test_confirmation_codes_need_a_signed_in_owner(gql):
    await gql.register(OLD)
    token, gql.token = gql.token, None
    for purpose in ("DELETE_ACCOUNT", "SIGN", "CERTIFICATE_PIN"):
        r = (await gql.op("RequestSmsCode", {"phone": OLD, "purpose": purpose}))["requestSmsCode"]
        assert r["userErrors"][0]["code"] == "PERMISSION_DENIED", purpose
    gql.token = None
    await gql.register(NEW)
    r = (await gql.op("RequestSmsCode", {"phone": OLD, "purpose": "DELETE_ACCOUNT"}))["requestSmsCode"]
    assert r["userErrors"][0]["code"] == "PERMISSION_DENIED", "not someone else's phone either"
    r = (await gql.op("RequestSmsCode", {"phone": OLD, "purpose": "DELETE_ACCOUNT"}, token=token))["requestSmsCode"]
    assert r["userErrors"] == []


async def test_me_shows_the_signing_key_once_the_phone_enrols_it(gql):
    await gql.register(OLD)
    assert (await gql.op("Me"))["me"]["signingKey"] is None
    enrolled = await gql.enrol(OLD)
    key = (await gql.op("Me"))["me"]["signingKey"]
    assert key == {"id": enrolled["signingKey"]["id"], "status": "ACTIVE", "pinAttemptsLeft": 6}
    login = (await gql.op("LoginWithPassword", {"phone": OLD, "password": PASSWORD}))["loginWithPassword"]
    assert login["account"]["signingKey"] == key
