"""§7 scan services through the contract documents of platform.graphql and scan.graphql: signed platform
requests, LOGIN / SIGN / ENCRYPT / DECRYPT end to end with the phone co-signing (SPEC §C; sxq_phone plays the
app's key share), signatures verified by OpenSSL against the certificate, callbacks signed and delivered, and
the refusals: wrong and locked PINs, replayed, partial or foreign co-signatures, parallel confirms."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import shutil
import subprocess
from datetime import timedelta

import httpx
import pytest
from asn1crypto import cms
from asn1crypto import x509 as ax509

from adapters.ca.cms import signed_attributes_der
from adapters.ca.x509 import public_key_of
from adapters.crypto.sm2 import default_backend, public_key_to_pem
from adapters.vendors.platform_callbacks import HttpPlatformCallbackSender, callback_signing_string
from application.scans.callbacks import CALLBACK_TOPIC
from sxq_phone import OnScreen, RefusedToSign
from tests.contract.test_certificates_flows import PHONE, account_uuid, entitlement, verified
from tests.support.data import id_number
from tests.support.phones import TEST_PIN, WRONG_PIN
from tests.support.platform import PlatformClient, TestPlatform, entitlement_on, register_platform, sm3_hex

sm2 = default_backend()


def cert_of(pem: str) -> ax509.Certificate:
    return ax509.Certificate.load(base64.b64decode("".join(pem.strip().splitlines()[1:-1])))


@pytest.fixture
async def platform(container):
    return await register_platform(container)


@pytest.fixture
def pc(client, platform):
    return PlatformClient(client, platform)


async def claim_with_phone(gql, phone: str, ent_id: str) -> dict:
    """The app enrols its key share (once) and claims the personal pair, co-signing the claim."""
    if not gql.phones.has(phone):
        await gql.enrol(phone)
    else:
        gql.adopt(phone)
    return await gql.cosigned("ClaimPersonalCertificate", {"entitlementId": ent_id}, "claimPersonalCertificate",
                              "certificate.claim_personal")


async def holder(gql, container, platform, phone=PHONE, **ent):
    """A verified account with its phone enrolled, its personal certificate pair and an entitlement on
    `platform`."""
    account = await verified(gql, container, phone=phone)
    r = await claim_with_phone(gql, phone, await entitlement(container, account))
    assert r["userErrors"] == [], r
    await entitlement_on(container, account_uuid(account), platform.id, **ent)
    certs = (await gql.op("MyCertificates"))["me"]["certificates"]
    return account, certs


async def create(pc, **variables):
    r = (await pc.op("CreateScanSession", variables))["createScanSession"]
    assert r["userErrors"] == [], r
    return r["session"]


async def scan(gql, qr):
    return (await gql.op("ScanQrCode", {"qrContent": qr}))["scanQrCode"]


def screen(view) -> OnScreen:
    """What the app shows for a scanned session (the scanQrCode answer): the phone checks every message
    against it."""
    return OnScreen.scan(view["tId"], view["platform"]["platformCode"], [d["sm3Hex"] for d in view["documents"]],
                         [e["envelopeId"] for e in view["envelopes"]])


def _input(view, cert_id, seal_id=None) -> dict:
    return {"sessionId": view["id"], "certificateId": cert_id, "sealId": seal_id}


async def confirm(gql, view, cert_id, pin=TEST_PIN, seal_id=None):
    """Both calls: the signing requests, the phone co-signs them under `pin`, the same input again."""
    return await gql.cosigned("ConfirmScanSession", _input(view, cert_id, seal_id), "confirmScanSession",
                              screen(view), pin=pin)


async def ask(gql, view, cert_id, seal_id=None) -> list[dict]:
    """The first call only: the signing requests."""
    r = (await gql.op("ConfirmScanSession", _input(view, cert_id, seal_id)))["confirmScanSession"]
    assert r["userErrors"] == [] and r["session"] is None, r
    return r["signingRequests"]


def co_sign(gql, view, requests, pin=TEST_PIN) -> list[dict]:
    return gql.phones.co_sign_inputs(gql.owner(), requests, screen(view), pin)


async def finish(gql, view, cert_id, co_signatures, seal_id=None) -> dict:
    """The second call only."""
    return (await gql.op("ConfirmScanSession", {**_input(view, cert_id, seal_id),
                                                "coSignatures": co_signatures}))["confirmScanSession"]


def openssl_verifies(tmp_path, certificate_pem: str, message: bytes, signature: bytes) -> bool:
    """`openssl pkeyutl -verify` with the public key of the certificate as the platform received it and the
    GM/T 0009 signer ID."""
    (tmp_path / "cert.pem").write_text(certificate_pem)
    pub = subprocess.run(["openssl", "x509", "-in", str(tmp_path / "cert.pem"), "-pubkey", "-noout"],
                         capture_output=True, text=True, timeout=30)
    assert pub.returncode == 0, pub.stderr
    (tmp_path / "pub.pem").write_text(pub.stdout)
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig.der").write_bytes(signature)
    out = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"),
                          "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                          "-in", str(tmp_path / "msg"), "-sigfile", str(tmp_path / "sig.der")],
                         capture_output=True, text=True, timeout=30)
    return out.returncode == 0 and "Signature Verified Successfully" in out.stdout


async def used(container, platform):
    from sqlalchemy import select

    from domain.commerce.entitlement import Entitlement

    async with container.session_factory()() as s:
        rows = (await s.execute(select(Entitlement))).scalars().all()
    return next(e for e in rows if e.platform_id == platform.id)


async def callbacks(container) -> list[dict]:
    """The platform callbacks waiting in the outbox, delivered once through a receiver that records them."""
    got: list[dict] = []

    def receive(request: httpx.Request) -> httpx.Response:
        got.append({"headers": dict(request.headers), "body": request.content})
        return httpx.Response(200)

    http = httpx.AsyncClient(transport=httpx.MockTransport(receive))
    ca = container.certificate_authority()
    from adapters.ca.authority import PLATFORM_CALLBACK
    from tests.support.platform import resolving_to

    sender = HttpPlatformCallbackSender(http, lambda: ca.service_signer(PLATFORM_CALLBACK), sm2, resolving_to())
    async with container.uow() as uow:
        now = container.clock().now()
        batch = [m for m in await uow.outbox.claim_due(now, now + timedelta(seconds=60), 100)
                 if m.topic == CALLBACK_TOPIC]
        await uow.commit()
    for m in batch:
        await sender.send(m.payload["url"], m.payload["eventId"], m.payload["body"].encode())
    await http.aclose()
    return got


async def test_login_end_to_end_with_a_verified_signature_and_a_signed_callback(gql, container, pc, platform,
                                                                                  tmp_path):
    _account, certs = await holder(gql, container, platform)
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    s = await create(pc, operation="LOGIN")
    assert s["status"] == "WAITING" and len(s["qrContent"]) >= 22 and s["watchToken"]
    seen = await scan(gql, s["qrContent"])
    assert seen["userErrors"] == []
    view = seen["session"]
    assert view["platform"]["platformCode"] == platform.code and view["status"] == "SCANNED"
    assert [u["certificate"]["id"] for u in view["usableCertificates"]] == [signing["id"]]
    assert view["usableCertificates"][0]["holderKind"] == "PERSONAL"
    # The first call: one request, the LOGIN challenge for this tId and platform, to be co-signed by the key
    # the signing certificate certifies.
    (request,) = await ask(gql, view, signing["id"])
    assert request["purpose"] == "SCAN_LOGIN" and request["display"] == f"登录 {view['platform']['name']}"
    assert public_key_of(cert_of(signing["pem"])) == base64.b64decode(request["publicKey"])
    assert set(json.loads(base64.b64decode(request["message"]))) == {"tId", "platformCode", "operation",
                                                                     "signedAt"}
    done = await finish(gql, view, signing["id"], co_sign(gql, view, [request]))
    assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done
    assert done["signingRequests"] is None and done["session"]["confirmedAt"]
    # The app reads the session again by its id (node); the platform's own signed requests cannot.
    node = "query($id: ID!) { node(id: $id) { ... on ScanSession { id status tId } } }"
    again = (await gql.raw(node, {"id": view["id"]}))["data"]["node"]
    assert again == {"id": view["id"], "status": "CONFIRMED", "tId": s["tId"]}

    r = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]
    assert r["status"] == "CONFIRMED" and r["scannedAt"] and r["confirmedAt"]
    res = r["result"]
    challenge = base64.b64decode(res["challenge"])
    assert challenge == base64.b64decode(request["message"])  # exactly what the phone co-signed
    bound = json.loads(challenge)
    assert bound["tId"] == s["tId"] and bound["platformCode"] == platform.code and bound["signedAt"]
    cert = cert_of(res["signingCertificatePem"])
    signature = base64.b64decode(res["signature"])
    assert sm2.verify(public_key_of(cert), challenge, signature)
    if shutil.which("openssl"):  # the platform's view: the certificate it received, nothing of the shares
        assert await asyncio.to_thread(openssl_verifies, tmp_path, res["signingCertificatePem"], challenge,
                                       signature)
        assert not await asyncio.to_thread(openssl_verifies, tmp_path, res["signingCertificatePem"],
                                           challenge.replace(s["tId"].encode(), b"T" * len(s["tId"])), signature)
    assert res["encryptionCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    h = res["holder"]
    assert h["kind"] == "PERSONAL" and h["name"] == "张三" and "*" in h["maskedIdNumber"]
    assert len(h["personalTransactionCode"]) == 32

    # SCANNED then CONFIRMED reach the platform, signed by our platform-callback certificate.
    got = await callbacks(container)
    bodies = [json.loads(g["body"]) for g in got]
    assert [b["type"] for b in bodies] == ["SCANNED", "CONFIRMED"]
    assert all(b["tId"] == s["tId"] for b in bodies) and bodies[1]["result"]["signature"] == res["signature"]
    assert len({b["eventId"] for b in bodies}) == 2
    signer_cert, _ = await container.certificate_authority().service_signer("platform-callback")
    for g in got:
        hd = g["headers"]
        assert hd["x-event-id"] == json.loads(g["body"])["eventId"]
        msg = callback_signing_string(hd["x-timestamp"], hd["x-event-id"], g["body"])
        assert sm2.verify(public_key_of(signer_cert), msg, base64.b64decode(hd["x-signature"]))


async def test_sign_continuous_two_documents_cms_quota_and_bill(gql, container, pc, platform, tmp_path):
    await holder(gql, container, platform, sign_quota=3)
    certs = (await gql.op("MyCertificates"))["me"]["certificates"]
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    docs = [{"docId": f"D{i}", "fileName": f"标书{i}.pdf", "sm3Hex": sm3_hex(f"document {i}".encode())}
            for i in (1, 2)]
    s = await create(pc, operation="SIGN", documents=docs, sealOwner="PERSONAL", sealKind="SIGNATURE",
                     continuous=True)
    view = (await scan(gql, s["qrContent"]))["session"]
    assert [d["docId"] for d in view["documents"]] == ["D1", "D2"]
    seal = view["usableSeals"][0]
    missing = await confirm(gql, view, signing["id"])
    assert missing["userErrors"][0]["field"] == "sealId" and missing["signingRequests"] is None
    requests = await ask(gql, view, signing["id"], seal["id"])
    # Per document, in order: its raw hash, then the CMS signed attributes over it.
    assert [r["purpose"] for r in requests] == ["SCAN_DOCUMENT", "SCAN_SIGNED_ATTRIBUTES"] * 2
    assert [base64.b64decode(r["message"]).hex() for r in requests[::2]] == [d["sm3Hex"] for d in docs]
    assert requests[0]["display"] == "签署《标书1.pdf》"
    co_signed_attributes = [base64.b64decode(r["message"]) for r in requests[1::2]]
    done = await finish(gql, view, signing["id"], co_sign(gql, view, requests), seal["id"])
    assert done["userErrors"] == [], done
    res = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]["result"]
    cert = cert_of(res["signingCertificatePem"])
    pub = public_key_of(cert)
    assert [x["docId"] for x in res["signatures"]] == ["D1", "D2"]
    for doc, sig, attributes in zip(docs, res["signatures"], co_signed_attributes, strict=True):
        digest = bytes.fromhex(doc["sm3Hex"])
        assert sm2.verify(pub, digest, base64.b64decode(sig["signature"]))
        der = base64.b64decode(sig["signedDataDer"])
        info = cms.ContentInfo.load(der)
        sd = info["content"]
        si = sd["signer_infos"][0]
        attrs = {a["type"].native: a["values"][0].native for a in si["signed_attrs"]}
        assert attrs["message_digest"] == digest and attrs["content_type"] == "data"
        assert si["digest_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.401"
        assert si["signature_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.501"
        assert sd["encap_content_info"]["content"].native is None
        assert sd["certificates"][0].chosen.dump() == cert.dump()
        to_be_signed = signed_attributes_der(der)
        assert to_be_signed == attributes  # the SignerInfo carries exactly the attributes the phone co-signed
        assert to_be_signed[0] == 0x31
        assert sm2.verify(pub, to_be_signed, si["signature"].native)
        assert base64.b64decode(sig["sealImagePng"]).startswith(b"\x89PNG")
        if shutil.which("openssl"):
            (tmp_path / "pub.pem").write_text(public_key_to_pem(pub))
            (tmp_path / "tbs.der").write_bytes(to_be_signed)
            (tmp_path / "sig.der").write_bytes(si["signature"].native)
            out = await asyncio.to_thread(subprocess.run, ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"),
                                  "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                                  "-in", str(tmp_path / "tbs.der"), "-sigfile", str(tmp_path / "sig.der")],
                                 capture_output=True, text=True)
            assert out.returncode == 0, out.stdout + out.stderr
    # Two signatures counted: one left of three; a second two-document session is refused, nothing counted.
    ent = await used(container, platform)
    assert ent.signs_used == 2 and ent.signs_left == 1
    async with container.uow() as uow:
        bills = (await uow.bill_records.page_for_order(ent.order_id, first=10, after=None)).items
    assert [(b.operation, b.count) for b in bills] == [("SIGN", 2)]
    s2 = await create(pc, operation="SIGN", documents=docs, continuous=True)
    view2 = (await scan(gql, s2["qrContent"]))["session"]
    refused = await confirm(gql, view2, signing["id"], seal_id=seal["id"])
    assert refused["userErrors"][0]["code"] == "QUOTA_EXHAUSTED" and refused["signingRequests"] is None
    r2 = (await pc.op("ScanSessionByTid", {"tId": s2["tId"]}))["platformScanSession"]
    assert r2["status"] == "SCANNED" and r2["result"] is None
    assert (await used(container, platform)).signs_used == 2


async def test_encrypt_and_decrypt(gql, container, pc, platform):
    await holder(gql, container, platform)
    certs = (await gql.op("MyCertificates"))["me"]["certificates"]
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    enc = next(c for c in certs if c["usage"] == "ENCRYPTION")
    s = await create(pc, operation="ENCRYPT")
    view = (await scan(gql, s["qrContent"]))["session"]
    assert (await confirm(gql, view, signing["id"]))["userErrors"] == []
    res = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]["result"]
    enc_cert = cert_of(res["encryptionCertificatePem"])
    assert json.loads(base64.b64decode(res["challenge"]))["operation"] == "ENCRYPT"
    assert sm2.verify(public_key_of(cert_of(res["signingCertificatePem"])), base64.b64decode(res["challenge"]),
                      base64.b64decode(res["signature"]))

    # A bidder encrypted a bid key to the holder's encryption certificate; the platform gets it re-encrypted,
    # once the holder co-signed a consent naming the session and the envelope.
    bid_key = bytes(range(16))
    envelope = base64.b64encode(sm2.encrypt(public_key_of(enc_cert), bid_key)).decode()
    s = await create(pc, operation="DECRYPT", envelopes=[{"envelopeId": "BID-1", "sm2CipherDer": envelope}])
    view = (await scan(gql, s["qrContent"]))["session"]
    assert view["envelopes"] == [{"envelopeId": "BID-1"}]
    assert [u["certificate"]["id"] for u in view["usableCertificates"]] == [enc["id"]]
    (request,) = await ask(gql, view, enc["id"])
    consent = json.loads(base64.b64decode(request["message"]))
    assert request["purpose"] == "SCAN_CONSENT" and consent["action"] == "scan.consent"
    assert consent["input"] == {"tId": s["tId"], "platformCode": platform.code, "operation": "DECRYPT",
                                "envelopes": ["BID-1"]}
    assert (await finish(gql, view, enc["id"], co_sign(gql, view, [request])))["userErrors"] == []
    res = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]["result"]
    (k,) = res["decryptedKeys"]
    assert k["envelopeId"] == "BID-1"
    assert sm2.decrypt(platform.private_key, base64.b64decode(k["keyForPlatform"])) == bid_key
    assert bid_key.hex() not in json.dumps(res) and base64.b64encode(bid_key).decode() not in json.dumps(res)


def _auth_error(body) -> bool:
    return body.get("errors") and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_platform_requests_are_refused_when_stale_replayed_forged_or_suspended(container, pc, platform,
                                                                                    client, gql):
    doc = gql.document("CreateScanSession")
    ok = await pc.raw(doc, {"operation": "LOGIN"}, nonce="abcdefghijklmnop1234")
    assert ok.get("errors") is None
    # the same nonce again
    assert _auth_error(await pc.raw(doc, {"operation": "LOGIN"}, nonce="abcdefghijklmnop1234"))
    import time as _t

    assert _auth_error(await pc.raw(doc, {"operation": "LOGIN"}, timestamp=int(_t.time()) - 301))
    assert _auth_error(await pc.raw(doc, {"operation": "LOGIN"}, nonce="short"))
    assert _auth_error(await pc.raw(doc, {"operation": "LOGIN"}, key=sm2.generate_private_key()))
    body = json.dumps({"query": doc, "variables": {"operation": "LOGIN"}}).encode()
    tampered = pc.platform.headers(body)
    r = await client.post("/graphql", content=body.replace(b"LOGIN", b"SIGN"), headers=tampered)
    assert _auth_error(r.json())
    # unsigned: no platform at all
    assert _auth_error(await gql.raw(doc, {"operation": "LOGIN"}))
    async with container.uow() as uow:
        count = len([1 for _ in []])
        p = await uow.trading_platforms.by_code(platform.code)
        p.suspend()
        await uow.commit()
    assert _auth_error(await pc.raw(doc, {"operation": "LOGIN"}))
    del count


async def test_bad_input_other_platforms_tid_second_scan_wrong_pin_and_decline(gql, container, pc, platform, client):
    _account, certs = await holder(gql, container, platform)
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    bad = (await pc.op("CreateScanSession", {"operation": "SIGN", "documents": [
        {"docId": "D1", "fileName": "a.pdf", "sm3Hex": "xyz"}]}))["createScanSession"]
    assert bad["userErrors"][0]["field"] == "documents.0.sm3Hex" and bad["session"] is None
    bad = (await pc.op("CreateScanSession", {"operation": "DECRYPT", "envelopes": [
        {"envelopeId": "E1", "sm2CipherDer": base64.b64encode(b"not der").decode()}]}))["createScanSession"]
    assert bad["userErrors"][0]["field"] == "envelopes.0.sm2CipherDer"

    s = await create(pc, operation="LOGIN")
    other = await register_platform(container, TestPlatform(code="GGZYJY11001"))
    assert (await PlatformClient(client, other).op("ScanSessionByTid", {"tId": s["tId"]}))[
        "platformScanSession"] is None

    view = (await scan(gql, s["qrContent"]))["session"]
    wrong = await confirm(gql, view, signing["id"], pin=WRONG_PIN)
    assert wrong["userErrors"][0]["code"] == "PIN_INCORRECT" and wrong["pinAttemptsLeft"] == 5
    assert wrong["userErrors"][0]["field"] == "coSignatures" and wrong["session"] is None
    # a second account cannot take the session
    mine = gql.token
    await verified(gql, container, phone="13698765432", name="李四", number=id_number(seq="456"))
    taken = await scan(gql, s["qrContent"])
    assert taken["userErrors"][0]["code"] == "SCAN_SESSION_TAKEN"
    gql.token = mine
    declined = (await gql.op("DeclineScanSession", {"sessionId": view["id"]}))["declineScanSession"]
    assert declined["userErrors"] == [] and declined["session"]["status"] == "DECLINED"
    late = await confirm(gql, view, signing["id"])
    assert late["userErrors"][0]["code"] == "SCAN_SESSION_CLOSED"
    assert (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]["status"] == "DECLINED"


async def test_six_wrong_pins_lock_the_key_and_the_session_stays_scanned(gql, container, pc, platform):
    _account, certs = await holder(gql, container, platform)
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    s = await create(pc, operation="LOGIN")
    view = (await scan(gql, s["qrContent"]))["session"]
    for left in (5, 4, 3, 2, 1):
        wrong = await confirm(gql, view, signing["id"], pin=WRONG_PIN)
        assert (wrong["userErrors"][0]["code"], wrong["pinAttemptsLeft"]) == ("PIN_INCORRECT", left), wrong
    locked = await confirm(gql, view, signing["id"], pin=WRONG_PIN)
    assert (locked["userErrors"][0]["code"], locked["pinAttemptsLeft"]) == ("PIN_LOCKED", 0), locked
    # Even the right PIN: the first call already refuses, no request is made for a locked key.
    right = (await gql.op("ConfirmScanSession", _input(view, signing["id"])))["confirmScanSession"]
    assert right["userErrors"][0]["code"] == "PIN_LOCKED" and right["signingRequests"] is None
    assert right["pinAttemptsLeft"] == 0
    r = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]
    assert r["status"] == "SCANNED" and r["result"] is None


async def test_co_signatures_replayed_partial_or_made_for_another_session_are_refused(gql, container, pc,
                                                                                     platform):
    _account, certs = await holder(gql, container, platform, sign_quota=10)
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    docs = [{"docId": f"D{i}", "fileName": f"标书{i}.pdf", "sm3Hex": sm3_hex(f"doc {i}".encode())} for i in (1, 2)]
    s = await create(pc, operation="SIGN", documents=docs, continuous=True)
    view = (await scan(gql, s["qrContent"]))["session"]
    seal = view["usableSeals"][0]["id"]
    requests = await ask(gql, view, signing["id"], seal)
    co = co_sign(gql, view, requests)
    partial = await finish(gql, view, signing["id"], co[:3], seal)
    assert [(e["code"], e["field"]) for e in partial["userErrors"]] == [("SIGNING_REQUEST_INVALID", "coSignatures")]

    other = await create(pc, operation="SIGN", documents=docs, continuous=True)
    other_view = (await scan(gql, other["qrContent"]))["session"]
    foreign = await finish(gql, other_view, signing["id"], co, seal)
    assert foreign["userErrors"][0]["code"] == "SIGNING_REQUEST_INVALID"
    assert foreign["userErrors"][0]["field"].startswith("coSignatures.0")

    done = await finish(gql, view, signing["id"], co, seal)
    assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done
    # Replayed on the other session (same documents): the requests are spent and named another session.
    again = await finish(gql, other_view, signing["id"], co, seal)
    assert again["userErrors"][0]["code"] in ("SIGNING_REQUEST_INVALID", "SIGNING_REQUEST_USED")
    # A wrong-PIN batch replayed is refused as used, and not counted twice.
    wrong_requests = await ask(gql, other_view, signing["id"], seal)
    wrong = co_sign(gql, other_view, wrong_requests, pin=WRONG_PIN)
    first = await finish(gql, other_view, signing["id"], wrong, seal)
    assert (first["userErrors"][0]["code"], first["pinAttemptsLeft"]) == ("PIN_INCORRECT", 5)
    replayed = await finish(gql, other_view, signing["id"], wrong, seal)
    assert replayed["userErrors"][0]["code"] == "SIGNING_REQUEST_USED" and replayed["pinAttemptsLeft"] is None
    key = (await gql.op("MySigningKey"))["me"]["signingKey"]
    assert key["pinAttemptsLeft"] == 5 and key["status"] == "ACTIVE"
    assert (await confirm(gql, other_view, signing["id"], seal_id=seal))["session"]["status"] == "CONFIRMED"


async def test_the_phone_refuses_a_login_challenge_for_another_session(gql, container, pc, platform):
    _account, certs = await holder(gql, container, platform)
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    shown = (await scan(gql, (await create(pc, operation="LOGIN"))["qrContent"]))["session"]
    other = (await scan(gql, (await create(pc, operation="LOGIN"))["qrContent"]))["session"]
    requests = await ask(gql, other, signing["id"])
    # The server (or someone between) hands the phone another session's challenge while the app shows this one.
    with pytest.raises(RefusedToSign):
        co_sign(gql, shown, requests)
    assert (await confirm(gql, shown, signing["id"]))["session"]["status"] == "CONFIRMED"


async def test_expiry_then_scan_is_refused_and_the_worker_tells_the_platform(gql, container, pc, platform, clock):
    await holder(gql, container, platform)
    s = await create(pc, operation="LOGIN")
    clock.offset = clock.offset + timedelta(seconds=121)
    r = await scan(gql, s["qrContent"])
    assert r["userErrors"][0]["code"] == "SCAN_SESSION_EXPIRED"
    assert await container.use_cases().scans.expire_scan_sessions() == 1
    got = await callbacks(container)
    assert [json.loads(g["body"])["type"] for g in got] == ["EXPIRED"]
    r = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}, timestamp=int(clock.now().timestamp())))
    assert r["platformScanSession"]["status"] == "EXPIRED"


async def test_only_one_of_two_concurrent_confirms_wins(gql, container, pc, platform):
    await holder(gql, container, platform)
    certs = (await gql.op("MyCertificates"))["me"]["certificates"]
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    s = await create(pc, operation="LOGIN")
    view = (await scan(gql, s["qrContent"]))["session"]
    a, b = await asyncio.gather(confirm(gql, view, signing["id"]), confirm(gql, view, signing["id"]))
    outcomes = sorted([bool(a["userErrors"]), bool(b["userErrors"])])
    assert outcomes == [False, True], (a, b)
    loser = a if a["userErrors"] else b
    assert loser["userErrors"][0]["code"] in ("SCAN_SESSION_CLOSED", "CONFLICT")
    got = await callbacks(container)
    assert [json.loads(g["body"])["type"] for g in got].count("CONFIRMED") == 1


@pytest.mark.parametrize("parallel", [2, 20])
async def test_parallel_identical_finishes_confirm_exactly_once(gql, container, pc, platform, parallel):
    await holder(gql, container, platform)
    certs = (await gql.op("MyCertificates"))["me"]["certificates"]
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    s = await create(pc, operation="LOGIN")
    view = (await scan(gql, s["qrContent"]))["session"]
    co = co_sign(gql, view, await ask(gql, view, signing["id"]))
    outcomes = await asyncio.gather(*(finish(gql, view, signing["id"], co) for _ in range(parallel)))
    won = [o for o in outcomes if not o["userErrors"]]
    assert len(won) == 1 and won[0]["session"]["status"] == "CONFIRMED", outcomes
    assert {o["userErrors"][0]["code"] for o in outcomes if o["userErrors"]} <= {
        "SIGNING_REQUEST_USED", "SCAN_SESSION_CLOSED", "CONFLICT"}, outcomes
    got = await callbacks(container)
    assert [json.loads(g["body"])["type"] for g in got].count("CONFIRMED") == 1
    ent = await used(container, platform)
    async with container.uow() as uow:
        bills = (await uow.bill_records.page_for_order(ent.order_id, first=50, after=None)).items
    assert [(b.operation, b.count) for b in bills] == [("LOGIN", 1)]


def test_hash_helper_is_sm3():
    assert sm3_hex(b"abc") == hashlib.new("sm3", b"abc").hexdigest()
