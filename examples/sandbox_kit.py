"""The integrator's sandbox kit (docs/integrator-guide.md): what stands between a registered platform and its
first scanned QR code, done over the public GraphQL API as an operator and as the app would.

- `plan`: an operator gives the platform a PERSONAL service plan (`createServicePlan`): nobody can use a
  platform's scan services without an entitlement to one of its plans.
- `user`: a test user of the sandbox registers (SMS code read from the sandbox outbox), verifies their identity
  (the sandbox face check), buys the plan (`placeOrder`, `payOrder` with the SANDBOX channel, the sandbox wallet
  pays), enrols the phone's key share under a PIN and claims a personal certificate pair — the app's part, with
  this repository's phone library (`sxq_phone`) as the phone. Its state (token, phone keystore) goes to a file.
- `scan QR`: that user scans a platform's QR code and confirms it (two calls, co-signed by the phone).

    python -m examples.sandbox_kit --server http://127.0.0.1:8000 plan --platform DEMOPF00001 \\
        --operator ops --operator-password '…'
    python -m examples.sandbox_kit --server http://127.0.0.1:8000 user --platform DEMOPF00001 \\
        --phone 13800138000 --state var/test-user.json
    python -m examples.sandbox_kit --server http://127.0.0.1:8000 scan --state var/test-user.json 'sxq://…'

Sandbox only: it reads SMS codes and plays the face vendor and the wallet through the `sandbox` fields, which
production does not have."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from sxq_phone import OnScreen, Phone

DEFAULT_PIN = "135790"
ALL_OPERATIONS = ["LOGIN", "SIGN", "ENCRYPT", "DECRYPT"]

OPERATOR_LOGIN = """mutation($u: String!, $p: String!) {
  operatorLogin(input: { username: $u, password: $p }) { session { accessToken } userErrors { code message } } }"""
CATALOGUE = """query { tradingPlatforms(first: 100) { edges { node {
  id platformCode name servicePlans(subjectType: PERSONAL) { id name operations priceFen } } } } }"""
CREATE_PLAN = """mutation($platformId: ID!, $name: String!, $operations: [ScanOperation!]!, $priceFen: Int!) {
  createServicePlan(input: { platformId: $platformId, subjectType: PERSONAL, name: $name, operations: $operations,
                             validityMonths: 12, priceFen: $priceFen }) {
    plan { id name operations priceFen } userErrors { code message } } }"""
REQUEST_SMS = """mutation($phone: String!, $purpose: SmsPurpose!) {
  requestSmsCode(input: { phone: $phone, purpose: $purpose }) { userErrors { code message } } }"""
SMS_OUTBOX = """query($phone: String!) { sandbox { smsMessages(phone: $phone, last: 5) { purpose code } } }"""
REGISTER = """mutation($phone: String!, $code: String!, $password: String!) {
  register(input: { phone: $phone, smsCode: $code, password: $password }) {
    session { accessToken } userErrors { code message } } }"""
START_ID = """mutation($name: String!, $number: String!) {
  startIdCardVerification(input: { legalName: $name, idNumber: $number }) {
    faceVerification { token url } userErrors { code message } } }"""
FINISH_FACE = """mutation($token: String!) { sandbox { finishFaceVerification(token: $token, pass: true) } }"""
COMPLETE_FACE = """mutation($token: String!) {
  completeFaceVerification(input: { token: $token }) { account { realNameStatus } userErrors { code message } } }"""
ME_STATUS = """query { me { realNameStatus } }"""
PLACE_ORDER = """mutation($planIds: [ID!]!) {
  placeOrder(input: { planIds: $planIds }) { order { id amountFen } userErrors { code message } } }"""
PAY_ORDER = """mutation($orderId: ID!) {
  payOrder(input: { orderId: $orderId, channel: SANDBOX }) { payment { id payUrl } userErrors { code message } } }"""
WALLET_PAYS = """mutation($paymentId: ID!) { sandbox { completePayment(paymentId: $paymentId) } }"""
ENTITLEMENTS = """query { me { entitlements { id status operations platform { platformCode } } } }"""
ENROL = """mutation($code: String!, $share: String!) {
  enrollSigningKey(input: { smsCode: $code, devicePublicShare: $share }) {
    signingKey { publicKey } serverPublicShare userErrors { code message } } }"""
SIGNING_REQUEST = "id purpose message display serverCommitment publicKey expiresAt"
CLAIM = f"""mutation($entitlementId: ID!, $coSignature: CoSignatureInput) {{
  claimPersonalCertificate(input: {{ entitlementId: $entitlementId, coSignature: $coSignature }}) {{
    signingRequest {{ {SIGNING_REQUEST} }} signingCertificate {{ id serialNumber }} userErrors {{ code message }} }} }}"""
SCAN = """mutation($qr: String!) { scanQrCode(input: { qrContent: $qr }) { session {
  id tId operation platform { platformCode name } documents { sm3Hex } envelopes { envelopeId }
  usableCertificates { certificate { id usage } } } userErrors { code message } } }"""
CONFIRM = f"""mutation($sessionId: ID!, $certificateId: ID!, $coSignatures: [CoSignatureInput!]) {{
  confirmScanSession(input: {{ sessionId: $sessionId, certificateId: $certificateId,
                              coSignatures: $coSignatures }}) {{
    signingRequests {{ {SIGNING_REQUEST} }} session {{ id status }} userErrors {{ code message }} }} }}"""


class KitError(RuntimeError):
    pass


class Api:
    def __init__(self, http: httpx.AsyncClient, server: str, token: str | None = None) -> None:
        self.http, self.server, self.token = http, server.rstrip("/"), token

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        resp = await self.http.post(f"{self.server}/graphql", json={"query": query, "variables": variables or {}},
                                    headers=headers)
        body = resp.json()
        if body.get("errors"):
            raise KitError(json.dumps(body["errors"], ensure_ascii=False))
        return body["data"]

    async def payload(self, query: str, variables: dict[str, Any], field: str) -> dict[str, Any]:
        out = (await self(query, variables))[field]
        if out.get("userErrors"):
            raise KitError(f"{field}: {json.dumps(out['userErrors'], ensure_ascii=False)}")
        return out


async def _platform(api: Api, code: str) -> dict[str, Any]:
    for edge in (await api(CATALOGUE))["tradingPlatforms"]["edges"]:
        if edge["node"]["platformCode"] == code:
            return edge["node"]
    raise KitError(f"no platform {code} is registered (sxq platform register, or registerPlatform)")


async def create_plan(http: httpx.AsyncClient, server: str, *, platform_code: str, operator: str, password: str,
                      name: str = "扫码服务（测试）", price_fen: int = 100) -> dict[str, Any]:
    """The platform's PERSONAL plan with every operation; an existing one that covers them is kept."""
    api = Api(http, server)
    login = await api.payload(OPERATOR_LOGIN, {"u": operator, "p": password}, "operatorLogin")
    api.token = login["session"]["accessToken"]
    platform = await _platform(api, platform_code)
    for plan in platform["servicePlans"]:
        if set(ALL_OPERATIONS) <= set(plan["operations"]):
            return plan
    return (await api.payload(CREATE_PLAN, {"platformId": platform["id"], "name": name, "operations": ALL_OPERATIONS,
                                            "priceFen": price_fen}, "createServicePlan"))["plan"]


def id_number(first17: str = "11010519900307123") -> str:
    """A well-formed GB 11643 number (the sandbox registry answers MATCH for any)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


async def _eventually(probe, what: str, seconds: float = 15.0):
    """The sandbox vendors answer asynchronously (face callback, payment notification), as the real ones do."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        found = await probe()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise KitError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


@dataclass
class TestUser:
    phone: str
    token: str
    keystore: bytes
    pin: str = DEFAULT_PIN

    __test__ = False  # not a pytest class

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"phone": self.phone, "token": self.token, "pin": self.pin,
                                    "keystore": base64.b64encode(self.keystore).decode()}))
        path.chmod(0o600)

    @classmethod
    def load(cls, path: Path) -> TestUser:
        d = json.loads(path.read_text())
        return cls(d["phone"], d["token"], base64.b64decode(d["keystore"]), d["pin"])

    async def scan_and_confirm(self, http: httpx.AsyncClient, server: str, qr_content: str) -> dict[str, Any]:
        """What the app does with a platform's QR code: scan, pick the first usable certificate, and confirm —
        the first call lists what to co-sign, the phone checks it against the screen and co-signs under the PIN,
        the second call sends the co-signatures."""
        api = Api(http, server, self.token)
        view = (await api.payload(SCAN, {"qr": qr_content}, "scanQrCode"))["session"]
        if not view["usableCertificates"]:
            raise KitError("no usable certificate: does the user hold an entitlement on this platform?")
        variables = {"sessionId": view["id"], "certificateId": view["usableCertificates"][0]["certificate"]["id"]}
        first = await api.payload(CONFIRM, variables, "confirmScanSession")
        screen = OnScreen.scan(view["tId"], view["platform"]["platformCode"],
                               [d["sm3Hex"] for d in view["documents"]], [e["envelopeId"] for e in view["envelopes"]])
        signed = Phone.load(self.keystore).co_sign_all(first["signingRequests"], self.pin, screen)
        done = await api.payload(CONFIRM, {**variables, "coSignatures": [c.as_input() for c in signed]},
                                 "confirmScanSession")
        return done["session"]


async def _sms_code(api: Api, phone: str, purpose: str) -> str:
    await api.payload(REQUEST_SMS, {"phone": phone, "purpose": purpose}, "requestSmsCode")
    messages = (await api(SMS_OUTBOX, {"phone": phone}))["sandbox"]["smsMessages"]
    codes = [m["code"] for m in messages if m["purpose"] == purpose and m["code"]]
    if not codes:
        raise KitError(f"no {purpose} code in the sandbox outbox of {phone}")
    return codes[0]


async def create_test_user(http: httpx.AsyncClient, server: str, *, platform_code: str, phone: str,
                           name: str = "张三", number: str | None = None, pin: str = DEFAULT_PIN,
                           password: str = "Passw0rdX") -> TestUser:
    api = Api(http, server)
    code = await _sms_code(api, phone, "REGISTER")
    api.token = (await api.payload(REGISTER, {"phone": phone, "code": code, "password": password},
                                   "register"))["session"]["accessToken"]
    # Identity: the two-element check, then the face check the sandbox vendor plays.
    face = (await api.payload(START_ID, {"name": name, "number": number or id_number()},
                              "startIdCardVerification"))["faceVerification"]
    await api(FINISH_FACE, {"token": face["token"]})

    async def verified():
        # The vendor's callback may complete the check while we ask (the app's completeFaceVerification and the
        # callback race for the same check): whatever completeFaceVerification answers, the account decides.
        out = (await api(COMPLETE_FACE, {"token": face["token"]}))["completeFaceVerification"]
        if (await api(ME_STATUS))["me"]["realNameStatus"] == "VERIFIED":
            return True
        if out["userErrors"] and out["userErrors"][0]["code"] != "FACE_PENDING":
            raise KitError(f"face verification: {out['userErrors']}")
        return False

    await _eventually(verified, "the identity to be verified")
    # Buying: the platform's plan, paid in the sandbox wallet; the entitlement comes with the notification.
    platform = await _platform(api, platform_code)
    plans = [p for p in platform["servicePlans"] if "LOGIN" in p["operations"]]
    if not plans:
        raise KitError(f"{platform_code} has no PERSONAL plan: run `plan` first (an operator's createServicePlan)")
    order = (await api.payload(PLACE_ORDER, {"planIds": [plans[0]["id"]]}, "placeOrder"))["order"]
    payment = (await api.payload(PAY_ORDER, {"orderId": order["id"]}, "payOrder"))["payment"]
    await api(WALLET_PAYS, {"paymentId": payment["id"]})

    async def entitlement():
        ents = (await api(ENTITLEMENTS))["me"]["entitlements"]
        return next((e for e in ents if e["status"] == "ACTIVE"
                     and e["platform"]["platformCode"] == platform_code), None)

    ent = await _eventually(entitlement, "the paid entitlement")
    # The phone's key share under the PIN (SPEC §C), then the certificate pair, the claim co-signed.
    enrolment = Phone.start_enrolment()
    code = await _sms_code(api, phone, "CERTIFICATE_PIN")
    enrolled = await api.payload(ENROL, {"code": code, "share": enrolment.device_public_share_b64},
                                 "enrollSigningKey")
    phone_keys = enrolment.finish(pin, enrolled["serverPublicShare"], enrolled["signingKey"]["publicKey"])
    first = await api.payload(CLAIM, {"entitlementId": ent["id"]}, "claimPersonalCertificate")
    (co_signature,) = phone_keys.co_sign_all([first["signingRequest"]], pin,
                                             OnScreen.act("certificate.claim_personal"))
    await api.payload(CLAIM, {"entitlementId": ent["id"], "coSignature": co_signature.as_input()},
                      "claimPersonalCertificate")
    return TestUser(phone, api.token, phone_keys.stored, pin)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.sandbox_kit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="http://127.0.0.1:8000")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plan", help="an operator gives the platform a PERSONAL plan")
    p.add_argument("--platform", required=True)
    p.add_argument("--operator", required=True)
    p.add_argument("--operator-password", required=True)
    u = sub.add_parser("user", help="a sandbox test user who buys the plan and claims a certificate")
    u.add_argument("--platform", required=True)
    u.add_argument("--phone", required=True)
    u.add_argument("--name", default="张三")
    u.add_argument("--state", type=Path, default=Path("var/test-user.json"))
    s = sub.add_parser("scan", help="the test user scans a QR code and confirms")
    s.add_argument("--state", type=Path, default=Path("var/test-user.json"))
    s.add_argument("qr_content")
    args = parser.parse_args(argv)

    async def run() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            if args.command == "plan":
                plan = await create_plan(http, args.server, platform_code=args.platform, operator=args.operator,
                                         password=args.operator_password)
                print(f"plan {plan['name']} ({plan['id']}): {', '.join(plan['operations'])}")
            elif args.command == "user":
                user = await create_test_user(http, args.server, platform_code=args.platform, phone=args.phone,
                                              name=args.name)
                user.save(args.state)
                print(f"test user {args.phone}: verified, plan bought, certificate claimed; state in {args.state}")
            else:
                session = await TestUser.load(args.state).scan_and_confirm(http, args.server, args.qr_content)
                print(f"session {session['id']}: {session['status']}")

    try:
        asyncio.run(run())
    except KitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
