"""§6.1.1 claiming a personal certificate, §9.3 the certificate PIN on the phone and the two-share signing key
(SPEC §C: enrol, co-sign, lock, reset), revocation with CRL and OCSP over HTTP, and §9.1 personal seals — through
the contract documents of certificates.graphql and accounts.graphql, with sxq_phone as the phone."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from asn1crypto import crl as acrl
from asn1crypto import ocsp as aocsp
from asn1crypto import x509 as ax509

from graphql_schema.common.node import to_global_id
from tests.support.data import id_number, image_bytes
from tests.support.entitlements import personal_entitlement
from tests.support.links import unsigned

PHONE, OTHER = "13712345678", "13698765432"
PIN, NEW_PIN = "135790", "864209"


async def verified(gql, container, phone=PHONE, name="张三", number=None) -> str:
    """Registers and verifies; returns the account's global ID."""
    reg = await gql.register(phone)
    r = (await gql.op("StartIdCardVerification", {"legalName": name, "idNumber": number or id_number()}))
    token = r["startIdCardVerification"]["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": token, "pass": True})
    await container.face_verifier().wait_idle()
    done = (await gql.op("CompleteFaceVerification", {"token": token}))["completeFaceVerification"]
    assert done["userErrors"] == [] and done["account"]["realNameStatus"] == "VERIFIED"
    return reg["account"]["id"]


def account_uuid(global_id: str):
    from graphql_schema.common.node import from_global_id

    return from_global_id(global_id, "Account")[1]


async def entitlement(container, account_gid: str, **kw) -> str:
    ent = await personal_entitlement(container, account_uuid(account_gid), **kw)
    return to_global_id("Entitlement", ent.id)


async def claim(gql, ent_id, pin=PIN, phone=PHONE):
    """Both calls of the claim; the first claim of a phone enrols its key share first (the app's first PIN)."""
    if gql.token not in gql._owners and not gql.phones.has(phone):
        await gql.enrol(phone, pin)
    elif gql.token not in gql._owners:
        gql.adopt(phone)
    return await gql.cosigned("ClaimPersonalCertificate", {"entitlementId": ent_id}, "claimPersonalCertificate",
                              "certificate.claim_personal", pin=pin)


async def sms_code(gql, phone=PHONE, purpose="CERTIFICATE_PIN") -> str:
    d = await gql.op("RequestSmsCode", {"phone": phone, "purpose": purpose})
    assert d["requestSmsCode"]["userErrors"] == [], d
    return await gql.latest_code(phone)


async def test_claim_then_my_certificates_and_the_name_seal(gql, container, client):
    account = await verified(gql, container)
    r = await claim(gql, await entitlement(container, account))
    assert r["userErrors"] == []
    sign, enc = r["signingCertificate"], r["encryptionCertificate"]
    assert (sign["usage"], enc["usage"]) == ("SIGNING", "ENCRYPTION")
    assert sign["algorithm"] == "SM2" and sign["status"] == "ACTIVE"
    assert "CN=张三" in sign["subjectDn"] and id_number() not in sign["subjectDn"]
    cert = ax509.Certificate.load(base64.b64decode("".join(sign["pem"].strip().splitlines()[1:-1])))
    assert format(cert.serial_number, "X") == sign["serialNumber"]
    assert id_number() not in cert.subject.human_friendly
    seal = r["personalSeal"]
    assert seal["kind"] == "PERSONAL_NAME" and seal["status"] == "ACTIVE"

    me = (await gql.op("MyCertificates"))["me"]
    assert {c["id"] for c in me["certificates"]} == {sign["id"], enc["id"]}
    assert {c["holder"]["__typename"] for c in me["certificates"]} == {"Account"}
    assert me["usableEnterpriseCertificates"] == []

    # Another entitlement: the same certificates, approved by a fresh co-signature.
    again = await claim(gql, await entitlement(container, account))
    assert again["userErrors"] == [] and again["signingCertificate"]["id"] == sign["id"]
    key = (await gql.op("MySigningKey"))["me"]["signingKey"]
    assert base64.b64decode(key["publicKey"]) == bytes(cert.public_key["public_key"]), "the certified key is P"
    wrong = await claim(gql, await entitlement(container, account), "246802")
    assert wrong["userErrors"][0]["code"] == "PIN_INCORRECT" and "5" in wrong["userErrors"][0]["message"]

    # The seal image is the owner's only.
    img = await client.get(seal["imageUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert (await client.get(unsigned(seal["imageUrl"]))).status_code == 404


async def test_claim_refusals(gql, container):
    account = (await gql.register(PHONE))["account"]["id"]
    ent = await entitlement(container, account)
    r = (await gql.op("ClaimPersonalCertificate", {"entitlementId": ent}))["claimPersonalCertificate"]
    assert r["userErrors"][0]["code"] == "IDENTITY_NOT_VERIFIED" and r["signingRequest"] is None
    gql.token = None
    account = await verified(gql, container, OTHER)
    mine = await entitlement(container, account)
    r = (await gql.op("ClaimPersonalCertificate", {"entitlementId": mine}))["claimPersonalCertificate"]
    assert r["userErrors"][0]["code"] == "SIGNING_KEY_REQUIRED", "no key share enrolled yet"
    r = await claim(gql, ent, phone=OTHER)  # someone else's entitlement
    assert r["userErrors"][0] == {"code": "ENTITLEMENT_REQUIRED", "field": "entitlementId",
                                  "message": r["userErrors"][0]["message"]}
    r = await claim(gql, "not-an-id", phone=OTHER)
    assert r["userErrors"][0]["code"] == "NOT_FOUND"
    bad = {"requestId": to_global_id("SigningRequest", account_uuid(account)), "r": "0" * 64, "s1": "1" * 64}
    r = (await gql.op("ClaimPersonalCertificate", {"entitlementId": mine, "coSignature": bad}))
    assert r["claimPersonalCertificate"]["userErrors"][0]["field"] == "coSignature.r"
    bad["r"] = "1" * 64
    r = (await gql.op("ClaimPersonalCertificate", {"entitlementId": mine, "coSignature": bad}))
    assert r["claimPersonalCertificate"]["userErrors"][0]["code"] == "SIGNING_REQUEST_INVALID"
    assert (await gql.op("MyCertificates"))["me"]["certificates"] == []


async def test_enrolment_takes_no_pin_and_answers_the_server_share_once(gql, container):
    from sxq_phone import Phone

    await gql.register(PHONE)
    assert (await gql.op("MySigningKey"))["me"]["signingKey"] is None
    enrolment = Phone.start_enrolment()
    code = await sms_code(gql)
    off_curve = base64.b64encode(b"\x04" + b"\x01" * 64).decode()
    r = (await gql.op("EnrollSigningKey", {"smsCode": code, "devicePublicShare": off_curve}))["enrollSigningKey"]
    assert r["userErrors"][0] == {"code": "INVALID_KEY_SHARE", "field": "devicePublicShare",
                                  "message": r["userErrors"][0]["message"]}
    r = (await gql.op("EnrollSigningKey", {"smsCode": code, "devicePublicShare": enrolment.device_public_share_b64}))
    r = r["enrollSigningKey"]
    assert r["userErrors"] == [] and r["signingKey"]["status"] == "ACTIVE" and r["signingKey"]["pinAttemptsLeft"] == 6
    phone = enrolment.finish(PIN, r["serverPublicShare"], r["signingKey"]["publicKey"], kdf_log_n=10)
    me = (await gql.op("Me"))["me"]
    assert me["signingKey"]["id"] == r["signingKey"]["id"]
    key = (await gql.op("MySigningKey"))["me"]["signingKey"]
    assert key["publicKey"] == phone.public_key_b64 and "serverPublicShare" not in json.dumps(key)


async def test_wrong_pins_lock_the_key_then_reset_by_sms_and_face_reissues_the_signing_certificate(gql, container,
                                                                                                    clock):
    account = await verified(gql, container)
    first = await claim(gql, await entitlement(container, account))
    ent = await entitlement(container, account)
    for left in (5, 4, 3, 2, 1):
        e = await claim(gql, ent, "246802")
        assert e["userErrors"][0]["code"] == "PIN_INCORRECT" and e["userErrors"][0]["message"].endswith(f"还可尝试 {left} 次")
    assert (await claim(gql, ent, "246802"))["userErrors"][0]["code"] == "PIN_LOCKED"
    assert (await claim(gql, ent, PIN))["userErrors"][0]["code"] == "PIN_LOCKED", "the 7th is refused too"
    key = (await gql.op("MySigningKey"))["me"]["signingKey"]
    assert (key["status"], key["pinAttemptsLeft"]) == ("LOCKED", 0)

    started = (await gql.op("StartPinResetFace"))["startPinResetFaceVerification"]
    assert started["userErrors"] == []
    token = started["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": token, "pass": True})
    await container.face_verifier().wait_idle()
    from sxq_phone import Phone

    enrolment = Phone.start_enrolment()
    clock.offset = clock.offset + timedelta(seconds=61)  # past the resend cooldown of the enrolment's code
    code = await sms_code(gql)
    done = (await gql.op("ResetSigningKey", {"smsCode": code, "faceToken": token,
                                             "devicePublicShare": enrolment.device_public_share_b64}))
    r = done["resetSigningKey"]
    assert r["userErrors"] == [] and r["signingKey"]["status"] == "ACTIVE" and r["signingKey"]["id"] != key["id"]
    (reissued,) = r["signingCertificates"]
    assert reissued["id"] != first["signingCertificate"]["id"]
    gql.phones.keep(PHONE, enrolment.finish(NEW_PIN, r["serverPublicShare"], r["signingKey"]["publicKey"],
                                            kdf_log_n=10))

    certs = {c["id"]: c for c in (await gql.op("MyCertificates"))["me"]["certificates"]}
    assert certs[first["signingCertificate"]["id"]]["status"] == "REVOKED"
    assert certs[first["encryptionCertificate"]["id"]]["status"] == "ACTIVE", "the escrowed key is kept"
    again = await claim(gql, ent, NEW_PIN)
    assert again["userErrors"] == [] and again["signingCertificate"]["id"] == reissued["id"]
    assert (await claim(gql, ent, PIN))["userErrors"][0]["code"] == "PIN_INCORRECT", "the old share is gone"


async def test_a_replayed_co_signature_is_refused(gql, container):
    account = await verified(gql, container)
    await gql.enrol(PHONE)
    ent = await entitlement(container, account)
    first = (await gql.op("ClaimPersonalCertificate", {"entitlementId": ent}))["claimPersonalCertificate"]
    from sxq_phone import OnScreen

    (co,) = gql.phones.co_sign_inputs(PHONE, [first["signingRequest"]], OnScreen.act("certificate.claim_personal"))
    ok = (await gql.op("ClaimPersonalCertificate", {"entitlementId": ent, "coSignature": co}))
    assert ok["claimPersonalCertificate"]["userErrors"] == []
    again = (await gql.op("ClaimPersonalCertificate", {"entitlementId": ent, "coSignature": co}))
    assert again["claimPersonalCertificate"]["userErrors"][0]["code"] == "SIGNING_REQUEST_USED"


def _ocsp_request(cert: ax509.Certificate, issuer: ax509.Certificate) -> bytes:
    cert_id = aocsp.CertId({
        "hash_algorithm": {"algorithm": "sha1"},
        "issuer_name_hash": hashlib.sha1(issuer.subject.dump()).digest(),
        "issuer_key_hash": hashlib.sha1(issuer.public_key["public_key"].contents[1:]).digest(),
        "serial_number": cert.serial_number,
    })
    return aocsp.OCSPRequest({"tbs_request": {"request_list": [{"req_cert": cert_id}]}}).dump()


async def test_revoke_shows_in_the_crl_and_ocsp_at_once(gql, container, client):
    account = await verified(gql, container)
    r = await claim(gql, await entitlement(container, account))
    sign = r["signingCertificate"]
    cert = ax509.Certificate.load(base64.b64decode("".join(sign["pem"].strip().splitlines()[1:-1])))
    issuer_pem = (await client.get("/ca/certs/issuing.pem")).text
    issuer = ax509.Certificate.load(base64.b64decode("".join(issuer_pem.strip().splitlines()[1:-1])))

    def status(resp: bytes) -> str:
        basic = aocsp.OCSPResponse.load(resp)["response_bytes"]["response"].parsed
        return basic["tbs_response_data"]["responses"][0]["cert_status"].name

    ok = await client.post("/ca/ocsp", content=_ocsp_request(cert, issuer))
    assert status(ok.content) == "good"

    done = (await gql.op("RevokeCertificate", {"certificateId": sign["id"], "reason": "KEY_COMPROMISE"}))
    assert done["revokeCertificate"]["userErrors"] == []
    assert done["revokeCertificate"]["certificate"]["status"] == "REVOKED"

    crl = acrl.CertificateList.load((await client.get("/ca/crl/issuing.crl")).content)
    revoked = {e["user_certificate"].native: e for e in crl["tbs_cert_list"]["revoked_certificates"]}
    assert cert.serial_number in revoked
    assert status((await client.post("/ca/ocsp", content=_ocsp_request(cert, issuer))).content) == "revoked"
    again = (await gql.op("RevokeCertificate", {"certificateId": sign["id"], "reason": "UNSPECIFIED"}))
    assert again["revokeCertificate"]["userErrors"][0]["code"] == "INVALID_INPUT"


async def test_another_accounts_certificate_and_seal_ids_reveal_nothing(gql, container, client):
    account = await verified(gql, container)
    r = await claim(gql, await entitlement(container, account))
    sign_id, seal = r["signingCertificate"]["id"], r["personalSeal"]
    mine = gql.token
    gql.token = None
    await gql.register(OTHER)
    r = (await gql.op("RevokeCertificate", {"certificateId": sign_id, "reason": "KEY_COMPROMISE"}))
    assert r["revokeCertificate"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await gql.op("ExportSeal", {"sealId": seal["id"]}))["node"] is None
    r = (await gql.op("RevokeSeal", {"sealId": seal["id"]}))["revokeSeal"]
    assert r["userErrors"][0]["code"] == "NOT_FOUND"
    assert (await client.get(seal["imageUrl"], headers={"Authorization": f"Bearer {gql.token}"})).status_code == 404
    gql.token = mine
    certs = (await gql.op("MyCertificates"))["me"]["certificates"]
    assert all(c["status"] == "ACTIVE" for c in certs)


async def test_personal_seals_faces_signature_revocation_and_export(gql, container, client):
    from adapters.seals import parse_ses_seal

    account = await verified(gql, container)
    apps = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    assert [a["kind"] for a in apps] == ["NAME_SIGNATURE"]
    name_sig = await client.get(apps[0]["imageUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert name_sig.status_code == 200 and name_sig.content.startswith(b"\x89PNG")

    r = await claim(gql, await entitlement(container, account))
    seal = r["personalSeal"]
    auth = {"Authorization": f"Bearer {gql.token}"}
    before = (await client.get(seal["imageUrl"], headers=auth)).content

    changed = await gql.cosigned("ChangeSealFace", {"sealId": seal["id"], "style": "OVAL"}, "changeSealFace",
                                 "seal.change_face")
    assert changed["userErrors"] == [] and changed["seal"]["id"] == seal["id"]
    assert (await client.get(seal["imageUrl"], headers=auth)).content != before
    org_style = (await gql.op("ChangeSealFace", {"sealId": seal["id"], "style": "CLASSIC"}))
    assert org_style["changeSealFace"]["userErrors"][0]["field"] == "style"
    uploaded = await gql.cosigned("ChangeSealFace", {"sealId": seal["id"]}, "changeSealFace", "seal.change_face",
                                  files={"image": ("seal.png", image_bytes(), "image/png")})
    assert uploaded["userErrors"] == []
    not_image = await gql.upload("ChangeSealFace", {"sealId": seal["id"]},
                                 {"image": ("seal.pdf", b"%PDF-1.7 not an image", "application/pdf")})
    assert not_image["changeSealFace"]["userErrors"][0]["code"] == "INVALID_IMAGE"

    sig = await gql.cosigned("CaptureHandwrittenSignature", {}, "captureHandwrittenSignature",
                             "seal.capture_handwritten", files={"image": ("sig.jpg", image_bytes("JPEG"), "image/jpeg")})
    assert sig["userErrors"] == [] and sig["seal"]["kind"] == "HANDWRITTEN"
    # Over the limit: refused while it streams in, with the code the use case gives (413, not a payload).
    with pytest.raises(AssertionError, match="FILE_TOO_LARGE"):
        await gql.upload("CaptureHandwrittenSignature", {},
                         {"image": ("big.png", b"\x89PNG" + b"\x00" * (5 * 1024 * 1024 + 10), "image/png")})
    wrong_pin = await gql.cosigned("CaptureHandwrittenSignature", {}, "captureHandwrittenSignature",
                                   "seal.capture_handwritten", pin="246802",
                                   files={"image": ("sig.png", image_bytes(), "image/png")})
    assert wrong_pin["userErrors"][0]["code"] == "PIN_INCORRECT"

    kinds = [a["kind"] for a in (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]]
    assert kinds == ["PERSONAL_NAME", "HANDWRITTEN", "NAME_SIGNATURE"]

    exported = (await gql.op("ExportSeal", {"sealId": seal["id"]}))["node"]
    der = base64.b64decode(exported["sesSealDer"])
    issuing_pem = (await client.get("/ca/certs/issuing.pem")).text
    issuing = ax509.Certificate.load(base64.b64decode("".join(issuing_pem.strip().splitlines()[1:-1])))
    parsed = parse_ses_seal(der, container.sm2_backend(), maker_issuer=issuing)
    assert parsed.name == "张三" and parsed.seal_type == 2
    signing_der = base64.b64decode("".join(r["signingCertificate"]["pem"].strip().splitlines()[1:-1]))
    assert parsed.holder_certs == (signing_der,)

    revoked = await gql.cosigned("RevokeSeal", {"sealId": sig["seal"]["id"]}, "revokeSeal", "seal.revoke")
    assert revoked["userErrors"] == [] and revoked["seal"]["status"] == "REVOKED" and revoked["seal"]["revokedAt"]
    again = (await gql.op("RevokeSeal", {"sealId": sig["seal"]["id"]}))["revokeSeal"]
    assert again["userErrors"][0]["code"] == "SEAL_NOT_ACTIVE"
    active = (await gql.op("MySeals"))["me"]["seals"]
    assert [s["kind"] for s in active] == ["PERSONAL_NAME"]
    every = (await gql.op("MySeals", {"includeInvalid": True}))["me"]["seals"]
    assert {(s["kind"], s["status"]) for s in every} == {("PERSONAL_NAME", "ACTIVE"), ("HANDWRITTEN", "REVOKED")}
    assert (await gql.op("ExportSeal", {"sealId": sig["seal"]["id"]}))["node"]["sesSealDer"] is None


@pytest.mark.parametrize("op, variables", [("MyCertificates", None), ("MySeals", None),
                                           ("MySignatureAppearances", None)])
async def test_reads_need_a_session(gql, op, variables):
    body = await gql.raw(gql.document(op), variables)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
