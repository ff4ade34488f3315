"""§4 real-name identity and the operator's review, through the contract documents."""

from __future__ import annotations

from tests.support.data import future, id_number, image_bytes

PHONE = "13712345678"


async def _start(gql, name="张三", number=None):
    number = number or id_number()
    r = (await gql.op("StartIdCardVerification", {"legalName": name, "idNumber": number}))["startIdCardVerification"]
    return r


async def test_id_card_face_poll_path(gql, container):
    await gql.register(PHONE)
    r = await _start(gql)
    assert r["userErrors"] == []
    assert r["account"]["realNameStatus"] == "PENDING_FACE"
    token = r["faceVerification"]["token"]
    assert r["faceVerification"]["url"].endswith(token)

    pending = (await gql.op("CompleteFaceVerification", {"token": token}))["completeFaceVerification"]
    assert pending["userErrors"][0]["code"] == "FACE_PENDING"

    # The person passes; the client asks before the vendor's callback has landed.
    faces = container.face_verifier()
    faces.connect(None)  # the vendor's callback gets lost on the way
    try:
        assert (await gql.op("SandboxFinishFace", {"token": token, "pass": True}))["sandbox"]["finishFaceVerification"]
        await faces.wait_idle()
        assert (await gql.op("Me"))["me"]["realNameStatus"] == "PENDING_FACE"
        done = (await gql.op("CompleteFaceVerification", {"token": token}))["completeFaceVerification"]
    finally:
        faces.connect(container.use_cases().record_face_callback)
    assert done["userErrors"] == []
    account = done["account"]
    assert account["realNameStatus"] == "VERIFIED"
    assert account["identity"]["legalName"] == "张三"
    assert account["identity"]["documentNumberMasked"] == id_number()[:4] + "*" * 10 + id_number()[-4:]
    assert account["identity"]["verifiedAt"]


async def test_id_card_callback_first(gql, container):
    await gql.register(PHONE)
    token = (await _start(gql))["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": token, "pass": True})
    await container.face_verifier().wait_idle()  # the vendor's signed callback has been handled
    assert (await gql.op("Me"))["me"]["realNameStatus"] == "VERIFIED"
    done = (await gql.op("CompleteFaceVerification", {"token": token}))["completeFaceVerification"]
    assert done["userErrors"] == [] and done["account"]["realNameStatus"] == "VERIFIED"


async def test_face_failure_then_retry(gql, container):
    await gql.register(PHONE)
    token = (await _start(gql))["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": token, "pass": False})
    failed = (await gql.op("CompleteFaceVerification", {"token": token}))["completeFaceVerification"]
    assert failed["userErrors"][0]["code"] == "FACE_FAILED"
    assert (await gql.op("Me"))["me"]["realNameStatus"] == "REJECTED"
    retry = await _start(gql)
    assert retry["userErrors"] == [] and retry["account"]["realNameStatus"] == "PENDING_FACE"


async def test_mismatch_and_unavailable_change_nothing(gql, container):
    await gql.register(PHONE)
    number = id_number()
    container.identity_verifier().answer(number, "MISMATCH")
    r = await _start(gql, number=number)
    assert r["userErrors"][0]["code"] == "IDENTITY_MISMATCH" and r["faceVerification"] is None
    container.identity_verifier().answer(number, "UNAVAILABLE")
    r = await _start(gql, number=number)
    assert r["userErrors"][0]["code"] == "SERVICE_UNAVAILABLE"
    assert (await gql.op("Me"))["me"]["realNameStatus"] == "UNVERIFIED"
    container.identity_verifier().answer(number, "MATCH")
    assert (await _start(gql, number=number))["userErrors"] == []


async def test_one_document_one_account(gql, container):
    await gql.register(PHONE)
    token = (await _start(gql))["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": token, "pass": True})
    await container.face_verifier().wait_idle()
    gql.token = None
    await gql.register("13712340000")
    r = await _start(gql)
    assert r["userErrors"][0]["code"] == "DOCUMENT_ALREADY_USED"


async def _operator_token(gql, container):
    await container.use_cases().create_operator("reviewer", "Operat0rPass")
    r = (await gql.op("OperatorLogin", {"username": "reviewer", "password": "Operat0rPass"}, token=""))["operatorLogin"]
    assert r["userErrors"] == []
    return r["session"]["accessToken"]


async def _submit(gql, **over):
    variables = {"documentType": "PASSPORT", "legalName": "John Smith", "documentNumber": "E12345678",
                 "expiresOn": future()}
    variables.update(over)
    files = {"front": ("front.png", image_bytes("PNG"), "image/png"),
             "back": ("back.jpg", image_bytes("JPEG"), "image/jpeg"),
             "portrait": ("me.png", image_bytes("PNG"), "image/png")}
    return (await gql.upload("SubmitManualVerification", variables, files))["submitManualVerification"]


async def test_manual_review_approved(gql, container, client):
    await gql.register(PHONE)
    user_token = gql.token
    r = await _submit(gql)
    assert r["userErrors"] == [], r
    assert r["review"]["status"] == "PENDING" and r["account"]["realNameStatus"] == "PENDING_REVIEW"

    op_token = await _operator_token(gql, container)
    # An account is not an operator.
    denied = await gql.raw(gql.document("PendingReviews"), {"kind": "IDENTITY"}, token=user_token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    page = (await gql.op("PendingReviews", {"kind": "IDENTITY"}, token=op_token))["reviews"]
    assert len(page["edges"]) == 1
    node = page["edges"][0]["node"]
    assert node["subjectSummary"].startswith("J") and "护照" in node["subjectSummary"]
    assert "E12345678" not in node["subjectSummary"]

    # The photos: the operator may see them, another account may not.
    url = f"/files/reviews/{node['id']}/front"
    assert (await client.get(url, headers={"Authorization": f"Bearer {op_token}"})).headers["content-type"] == "image/png"
    assert (await client.get(url)).status_code == 404
    # The operator's signed link of the photo works without the header (an <img src> in a console page).
    review = (await gql.raw("query($id: ID!) { node(id: $id) { ... on Review { attachments { role url } } } }",
                            {"id": node["id"]}, token=op_token))["data"]["node"]
    front = next(a["url"] for a in review["attachments"] if a["role"] == "front")
    assert front.startswith(container.settings().base_url + url + "?") and "signature=" in front
    assert (await client.get(front)).headers["content-type"] == "image/png"

    decided = (await gql.op("DecideReview", {"reviewId": node["id"], "approve": True}, token=op_token))["decideReview"]
    assert decided["userErrors"] == [] and decided["review"]["status"] == "APPROVED"
    twice = (await gql.op("DecideReview", {"reviewId": node["id"], "approve": False, "reason": "x"}, token=op_token))
    assert twice["decideReview"]["userErrors"][0]["code"] == "REVIEW_ALREADY_DECIDED"

    me = (await gql.op("Me", token=user_token))["me"]
    assert me["realNameStatus"] == "VERIFIED" and me["identity"]["documentType"] == "PASSPORT"
    sms = (await gql.op("SandboxSmsOutbox", {"phone": PHONE}))["sandbox"]["smsMessages"]
    assert "审核通过" in sms[0]["text"]


async def test_manual_review_rejected_with_reason(gql, container):
    await gql.register(PHONE)
    user_token = gql.token
    r = await _submit(gql)
    op_token = await _operator_token(gql, container)
    no_reason = (await gql.op("DecideReview", {"reviewId": r["review"]["id"], "approve": False}, token=op_token))
    assert no_reason["decideReview"]["userErrors"][0]["code"] == "REASON_REQUIRED"
    rej = (await gql.op("DecideReview", {"reviewId": r["review"]["id"], "approve": False, "reason": "证件照片模糊"},
                        token=op_token))["decideReview"]
    assert rej["review"]["status"] == "REJECTED" and rej["review"]["reason"] == "证件照片模糊"
    me = (await gql.op("Me", token=user_token))["me"]
    assert me["realNameStatus"] == "REJECTED"
    sms = (await gql.op("SandboxSmsOutbox", {"phone": PHONE}))["sandbox"]["smsMessages"]
    assert "证件照片模糊" in sms[0]["text"]
    # May retry.
    gql.token = user_token
    assert (await _submit(gql))["userErrors"] == []
