"""The scenarios' driver over the wire: every act of features/driver.py's ApplicationDriver, done as a client does
it, with GraphQL over HTTP through the real ASGI app, the real container, a migrated database and the sandbox
vendors.

A user's acts are GraphQL requests (the contract documents of tests/contract/operations where one exists). What
someone else does (the registry's verdict, the person in front of the camera, the face vendor's callback) goes
through the sandbox vendors' own hooks. What a user cannot see (is there an account, how many photos are kept)
is read from the store, as ApplicationDriver reads its fakes.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

import httpx
from sqlalchemy import func, select

from adapters.bootstrap.container import Container, build_container
from adapters.bootstrap.settings import Settings
from adapters.clock import MovableClock
from adapters.http.app import create_app
from adapters.persistence import tables
from adapters.persistence.schema import metadata
from domain.accounts.account import EntryMode
from domain.accounts.sms import SmsPurpose
from domain.clock import CHINA_TZ
from domain.identity.documents import DocumentType
from domain.operators.operator import OperatorRole
from features.driver import (
    CertificateInfo,
    Claimed,
    EnterpriseInfo,
    InvoiceView,
    LetterInfo,
    Me,
    OrderView,
    PaymentView,
    PlanOffer,
    PlatformOffer,
    PlatformScanView,
    Refused,
    ScanCreated,
    ScanShown,
    SealInfo,
    ServiceView,
    Session,
)
from graphql_schema.common.node import from_global_id, to_global_id
from tests.e2e.features_over_graphql.driver_admin_transfer import AdminTransferGraphQLDriver
from tests.e2e.features_over_graphql.driver_bank_transfer import EnterpriseTransferGraphQLDriver
from tests.e2e.features_over_graphql.driver_enterprise_seals import EnterpriseSealsGraphQLDriver
from tests.e2e.features_over_graphql.driver_enterprise_services import EnterpriseServicesGraphQLDriver
from tests.e2e.features_over_graphql.driver_grants import CertificateGrantGraphQLDriver
from tests.e2e.features_over_graphql.driver_legal_rep import LegalRepInvitationGraphQLDriver
from tests.e2e.features_over_graphql.driver_members import EnterpriseMembersGraphQLDriver
from tests.e2e.features_over_graphql.driver_service_applications import ServiceApplicationsGraphQLDriver
from tests.support.graphql import GraphQLClient, GraphQLError
from tests.support.phones import Phones

T = TypeVar("T")

# The same caller as ApplicationDriver's META (an HTTP header must be ASCII, hence the Latin name).
CLIENT = ("198.51.100.20", 5000)
USER_AGENT = "Shuxinqian/1.0 (features over GraphQL)"
AUTH_CODES = ("UNAUTHENTICATED", "TOKEN_EXPIRED", "TOKEN_INVALID", "FORBIDDEN")
# What the HTTP layer refuses before GraphQL runs (adapters/http/limits.py): the client sees the code all the same.
HTTP_REFUSALS = ("FILE_TOO_LARGE", "REQUEST_TOO_LARGE")

# Fields that no contract document selects.
CURRENT_SESSION = "query DriverCurrentSession { mySessions { id current } }"
MY_SESSIONS = "query DriverMySessions { mySessions { id } }"
SIGNED_IN = "query DriverSignedIn { me { id } }"
REJECTED_REASON = "query DriverRejectedReason { me { identity { rejectedReason } } }"
# The sandbox keeps at most the newest 50 messages of a phone in one answer (the contract document asks for 5).
SMS_OUTBOX = """query DriverSmsOutbox($phone: String!) {
  sandbox { smsMessages(phone: $phone, last: 50) { purpose code text } }
}"""
END_SESSION = """mutation DriverEndSession($sessionId: ID!) {
  endSession(input: { sessionId: $sessionId }) { userErrors { code field message } }
}"""
CHANGE_PHONE = """mutation DriverChangePhone($newPhone: String!, $smsCode: String!, $password: String!) {
  changePhone(input: { newPhone: $newPhone, smsCode: $smsCode, password: $password }) {
    account { id }
    userErrors { code field message }
  }
}"""
SCAN_SCREEN = """query DriverScanScreen($id: ID!) {
  node(id: $id) { ... on ScanSession { tId platform { platformCode } documents { sm3Hex } envelopes { envelopeId } } }
}"""
SET_REGISTRY_ANSWER = """mutation DriverRegistryAnswer($idNumber: String!, $answer: String!) {
  sandbox { setIdentityRegistryAnswer(idNumber: $idNumber, answer: $answer) }
}"""

def _data(body: dict[str, Any]) -> dict[str, Any]:
    """The response's data; an auth error is a refusal as the client sees it, anything else a broken test."""
    errors = body.get("errors")
    if errors:
        for error in errors:
            code = (error.get("extensions") or {}).get("code")
            if code in AUTH_CODES or code in HTTP_REFUSALS:
                raise Refused(code, error["message"])
        raise AssertionError(f"GraphQL errors: {json.dumps(errors, ensure_ascii=False)}")
    return body["data"]


def _payload(data: dict[str, Any], field: str) -> dict[str, Any]:
    payload = data[field]
    if payload["userErrors"]:
        e = payload["userErrors"][0]
        raise Refused(e["code"], e["message"], e["field"])
    return payload


class GraphQLDriver(LegalRepInvitationGraphQLDriver, AdminTransferGraphQLDriver,
                    EnterpriseMembersGraphQLDriver, EnterpriseTransferGraphQLDriver, EnterpriseServicesGraphQLDriver,
                    ServiceApplicationsGraphQLDriver, EnterpriseSealsGraphQLDriver, CertificateGrantGraphQLDriver):
    """ApplicationDriver's methods and return types, through GraphQL over HTTP (see the module docstring).

    The app, its container and the HTTP client belong to the event loop of the scenario's runner: they are
    made on the first call inside it (`attach` first) and taken down by `aclose` at the scenario's end."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = MovableClock()
        self._runner: asyncio.Runner | None = None
        self._stack: AsyncExitStack | None = None
        self._container: Container | None = None
        self._gql: GraphQLClient | None = None
        self._http: httpx.AsyncClient | None = None
        self._held_callbacks: dict[str, tuple[bytes, dict[str, str]]] = {}
        self._platforms: dict[str, str] = {}  # platform name -> global id, as the operator registered it
        self._plans: dict[str, str] = {}  # plan name -> global id
        self._callback_receiver: list[httpx.Request] | None = None  # what platforms' endpoints received (§7)
        self._last_platform_request: tuple = ()  # a platform's last signed request, for a replay
        self._appearances: dict[str, str] = {}  # appearance kind -> global id, from the last letter prepared
        self._phones = Phones()  # each account's phone (SPEC §C), by account global id

    # ------------------------------------------------------------ plumbing

    def attach(self, runner: asyncio.Runner) -> None:
        """The scenario's runner, for the acts the steps call synchronously (the sandbox vendors, inspections)."""
        self._runner = runner

    def _sync(self, coro: Coroutine[Any, Any, T]) -> T:
        assert self._runner is not None, "attach the driver to the scenario's runner first"
        return self._runner.run(coro)

    async def _app(self) -> tuple[Container, GraphQLClient]:
        if self._gql is None:
            container = build_container(self.settings, clock=self.clock)
            # The face vendor's callbacks are held until a step says the vendor calls back; they then arrive
            # over HTTP at /callbacks/face, as the real vendor's do.
            container.face_verifier().connect(self._hold_callback)
            app = create_app(self.settings, container, run_worker=False)
            self._stack, self._container = AsyncExitStack(), container
            # The app's own start and shutdown (its shutdown disposes of the engine and the vendors' client).
            await self._stack.enter_async_context(app.router.lifespan_context(app))
            await self._wipe()
            transport = httpx.ASGITransport(app=app, client=CLIENT)
            self._http = await self._stack.enter_async_context(httpx.AsyncClient(
                transport=transport, base_url="http://testserver", headers={"User-Agent": USER_AGENT}))
            self._gql = GraphQLClient(self._http)
        assert self._container is not None
        return self._container, self._gql

    async def aclose(self) -> None:
        """Ends the scenario: the vendor's pending work, then empty tables for the next test, then shutdown."""
        if self._stack is None:
            return
        stack, self._stack = self._stack, None
        try:
            if self._container is not None:
                await self._container.face_verifier().wait_idle()
                await self._wipe()
        finally:
            self._container = self._gql = self._http = None
            self._callback_receiver = None
            await stack.aclose()

    async def _wipe(self) -> None:
        assert self._container is not None
        async with self._container.engine().begin() as conn:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(table.delete())
        shutil.rmtree(self.settings.data_dir / "blobs", ignore_errors=True)

    async def _query(self, document: str, variables: dict[str, Any] | None = None,
                     session: Session | None = None) -> dict[str, Any]:
        _, gql = await self._app()
        token = session.access_token if session is not None else None
        return _data(await gql.raw(document, variables, token=token))

    async def _op(self, operation: str, variables: dict[str, Any] | None = None,
                  session: Session | None = None) -> dict[str, Any]:
        _, gql = await self._app()
        return await self._query(gql.document(operation), variables, session)

    async def _mutate(self, operation: str, field: str, variables: dict[str, Any] | None = None,
                      session: Session | None = None) -> dict[str, Any]:
        return _payload(await self._op(operation, variables, session), field)

    async def _file(self, session: Session, url: str | None) -> bytes | None:
        """A file the API links to (letters, images), fetched like a client with the bearer token; None on 404."""
        if url is None:
            return None
        await self._app()
        response = await self._http.get(url, headers={"Authorization": f"Bearer {session.access_token}"})
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.status_code
        return response.content

    async def _signed_in(self, tokens: dict[str, Any]) -> Session:
        """A session as the client holds it; its id is the one `mySessions` marks current for its token."""
        access, refresh = tokens["accessToken"], tokens["refreshToken"]
        mine = (await self._query(CURRENT_SESSION, session=Session(access, refresh, UUID(int=0))))["mySessions"]
        return Session(access, refresh, self._local_id(next(s["id"] for s in mine if s["current"]), "Session"))

    @staticmethod
    def _local_id(global_id: str, type_name: str) -> UUID:
        ref = from_global_id(global_id, type_name)
        assert ref is not None, f"not a {type_name} id: {global_id}"
        return ref[1]

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)

    # ------------------------------------------------------------ SMS

    async def request_code(self, phone: str, purpose: SmsPurpose, session: Session | None = None) -> None:
        await self._mutate("RequestSmsCode", "requestSmsCode", {"phone": phone, "purpose": purpose.value}, session)

    async def _outbox(self, phone: str) -> list[dict[str, Any]]:
        """What the sandbox carrier delivered to the phone, oldest first."""
        return list(reversed((await self._query(SMS_OUTBOX, {"phone": phone}))["sandbox"]["smsMessages"]))

    async def sms_texts(self, phone: str) -> list[str]:
        return [m["text"] for m in await self._outbox(phone)]

    async def last_code(self, phone: str, purpose: SmsPurpose) -> str | None:
        def newest(messages: list[dict[str, Any]]) -> str | None:
            return next((m["code"] for m in messages if m["code"] and m["purpose"] == purpose.value), None)

        recent = (await self._op("SandboxSmsOutbox", {"phone": phone}))["sandbox"]["smsMessages"]
        # Not among the newest five (what the contract document asks for): look further back.
        return newest(recent) or newest(list(reversed(await self._outbox(phone))))

    # ------------------------------------------------------------ accounts

    async def register(self, phone: str, code: str, password: str) -> Session:
        r = await self._mutate("Register", "register", {"phone": phone, "smsCode": code, "password": password})
        return await self._signed_in(r["session"])

    async def login_with_password(self, phone: str, password: str) -> Session:
        r = await self._mutate("LoginWithPassword", "loginWithPassword", {"phone": phone, "password": password})
        return await self._signed_in(r["session"])

    async def login_with_code(self, phone: str, code: str) -> Session:
        r = await self._mutate("LoginWithSmsCode", "loginWithSmsCode", {"phone": phone, "smsCode": code})
        return await self._signed_in(r["session"])

    def has_account(self, phone: str) -> bool:
        """Test-side inspection (the store), not a user-visible act."""
        return self._sync(self._has_account(phone))

    async def _has_account(self, phone: str) -> bool:
        container, _ = await self._app()
        async with container.engine().connect() as conn:
            q = select(func.count()).select_from(tables.accounts).where(tables.accounts.c.phone == phone)
            return bool((await conn.execute(q)).scalar_one())

    async def is_signed_in(self, session: Session) -> bool:
        try:
            await self._query(SIGNED_IN, session=session)
        except Refused as refused:
            if refused.code in ("UNAUTHENTICATED", "TOKEN_EXPIRED", "TOKEN_INVALID"):
                return False
            raise
        return True

    async def refresh(self, session: Session) -> Session:
        r = await self._mutate("RefreshSession", "refreshSession", {"refreshToken": session.refresh_token or ""})
        return await self._signed_in(r["session"])

    async def logout(self, session: Session) -> None:
        await self._mutate("Logout", "logout", session=session)

    async def list_sessions(self, session: Session) -> list[UUID]:
        mine = (await self._query(MY_SESSIONS, session=session))["mySessions"]
        return [self._local_id(s["id"], "Session") for s in mine]

    async def end_session(self, session: Session, session_id: UUID) -> None:
        data = await self._query(END_SESSION, {"sessionId": to_global_id("Session", session_id)}, session)
        _payload(data, "endSession")

    async def me(self, session: Session) -> Me:
        account = (await self._op("Me", session=session))["me"]
        identity = account["identity"] or {}
        rejected_reason = None
        if account["realNameStatus"] == "REJECTED":  # the contract's Me does not ask for the reason
            rejected = (await self._query(REJECTED_REASON, session=session))["me"]["identity"] or {}
            rejected_reason = rejected.get("rejectedReason")
        return Me(
            entry_mode=account["entryMode"],
            identity_status=account["realNameStatus"],
            legal_name=identity.get("legalName"),
            masked_number=identity.get("documentNumberMasked"),
            rejected_reason=rejected_reason,
        )

    async def choose_entry_mode(self, session: Session, mode: EntryMode) -> None:
        await self._mutate("ChooseEntryMode", "chooseEntryMode", {"mode": mode.value}, session)

    async def change_password(self, session: Session, old: str, new: str) -> None:
        await self._mutate("ChangePassword", "changePassword", {"oldPassword": old, "newPassword": new}, session)

    async def reset_password(self, phone: str, code: str, new: str) -> None:
        await self._mutate("ResetPassword", "resetPassword", {"phone": phone, "smsCode": code, "newPassword": new})

    async def change_phone(self, session: Session, new_phone: str, code: str, password: str) -> None:
        data = await self._query(CHANGE_PHONE, {"newPhone": new_phone, "smsCode": code, "password": password},
                                 session)
        _payload(data, "changePhone")

    async def delete_account(self, session: Session, code: str) -> None:
        await self._mutate("DeleteAccount", "deleteAccount", {"smsCode": code}, session)

    # ------------------------------------------------------------ identity

    def registry_says_mismatch(self, id_number: str) -> None:
        data = self._sync(self._query(SET_REGISTRY_ANSWER, {"idNumber": id_number, "answer": "MISMATCH"}))
        assert data["sandbox"]["setIdentityRegistryAnswer"] is True

    def registry_down(self, down: bool = True) -> None:
        # The sandbox API can force an answer for one number, not take the whole registry down: the adapter can.
        container, _ = self._sync(self._app())
        container.identity_verifier().outage(down)

    async def start_id_card(self, session: Session, legal_name: str, id_number: str) -> str:
        r = await self._mutate("StartIdCardVerification", "startIdCardVerification",
                               {"legalName": legal_name, "idNumber": id_number}, session)
        return r["faceVerification"]["token"]

    def person_finishes_face(self, token: str, passed: bool) -> None:
        data = self._sync(self._op("SandboxFinishFace", {"token": token, "pass": passed}))
        assert data["sandbox"]["finishFaceVerification"] is True, f"no face session {token}"

    async def _hold_callback(self, body: bytes, headers: dict[str, str]) -> None:
        self._held_callbacks[json.loads(body)["token"]] = (body, headers)

    async def vendor_calls_back(self, token: str) -> None:
        container, _ = await self._app()
        await container.face_verifier().wait_idle()  # the vendor has signed its notification by now
        body, headers = self._held_callbacks.pop(token)
        assert self._http is not None
        resp = await self._http.post("/callbacks/face", content=body, headers=headers)
        assert resp.status_code == 200, resp.text

    async def complete_face(self, session: Session, token: str) -> None:
        await self._mutate("CompleteFaceVerification", "completeFaceVerification", {"token": token}, session)

    async def submit_manual(self, session: Session, doc_type: DocumentType, legal_name: str, number: str,
                            expires_on: date, front: bytes, back: bytes, portrait: bytes) -> UUID:
        _, gql = await self._app()
        variables = {"documentType": doc_type.value, "legalName": legal_name, "documentNumber": number,
                     "expiresOn": expires_on.isoformat()}
        files = {name: (f"{name}.img", data, "application/octet-stream")
                 for name, data in (("front", front), ("back", back), ("portrait", portrait))}
        try:
            data = await gql.upload("SubmitManualVerification", variables, files, token=session.access_token)
        except GraphQLError as err:  # upload() raises on any GraphQL error; the refusals among them count
            _data({"errors": json.loads(str(err))})
            raise
        r = _payload(data, "submitManualVerification")
        return self._local_id(r["review"]["id"], "Review")

    def stored_uploads(self) -> int:
        blobs = self.settings.data_dir / "blobs"
        return sum(1 for p in blobs.rglob("*") if p.is_file() and p.suffix != ".tmp") if blobs.exists() else 0

    def today(self) -> date:
        return self.clock.now().astimezone(CHINA_TZ).date()

    # ------------------------------------------------------------ operators

    async def operator_session(self, username: str = "reviewer", password: str = "Oper4tor!x",
                               role: str = "REVIEWER") -> Session:
        container, _ = await self._app()
        async with container.engine().connect() as conn:
            q = select(func.count()).select_from(tables.operators).where(tables.operators.c.username == username)
            exists = bool((await conn.execute(q)).scalar_one())
        if not exists:
            # Operators are made with `sxq operator create`, which calls this use case; the API has no way.
            await container.use_cases().create_operator(username, password, OperatorRole(role))
        r = await self._mutate("OperatorLogin", "operatorLogin", {"username": username, "password": password})
        token = r["session"]["accessToken"]
        # An operator session has no refresh token, and the API shows operators no session id: ask the server.
        principal = await container.use_cases().authenticate(token)
        assert principal is not None
        return Session(token, None, principal.session_id)

    async def pending_reviews(self, session: Session) -> list[UUID]:
        ids: list[UUID] = []
        after = None
        while True:
            page = (await self._op("PendingReviews", {"first": 100, "after": after}, session))["reviews"]
            ids += [self._local_id(e["node"]["id"], "Review") for e in page["edges"]
                    if e["node"]["status"] == "PENDING"]
            if not page["pageInfo"]["hasNextPage"]:
                return ids
            after = page["pageInfo"]["endCursor"]

    async def decide_review(self, session: Session, review_id: UUID, approve: bool, reason: str | None) -> None:
        await self._mutate("DecideReview", "decideReview",
                           {"reviewId": to_global_id("Review", review_id), "approve": approve, "reason": reason},
                           session)

    # ------------------------------------------------------------ certificates and personal seals (§6.1.1, §9.1, §9.3)
    # Certificate and seal ids stay the opaque global IDs the client holds.

    async def personal_service(self, session: Session, days: int = 365) -> str:
        from tests.support.entitlements import personal_entitlement

        container, _ = await self._app()
        me = (await self._query(SIGNED_IN, session=session))["me"]
        ent = await personal_entitlement(container, self._local_id(me["id"], "Account"), days=days)
        return to_global_id("Entitlement", ent.id)

    # ---- the phone (SPEC §C): the PIN stays on it; every act it approves is two calls with a co-signature

    async def _account(self, session: Session) -> tuple[str, str]:
        """(account global id, phone number) of the signed-in account."""
        container, _ = await self._app()
        me = (await self._query(SIGNED_IN, session=session))["me"]
        async with container.uow() as uow:
            account = await uow.accounts.get(self._local_id(me["id"], "Account"))
        return me["id"], account.phone

    async def enrol_signing_key(self, session: Session, pin: str, code: str) -> None:
        from sxq_phone import Phone, PhoneError
        from sxq_phone.pin import check_pin
        from tests.support.phones import finish_enrolment

        account, _phone = await self._account(session)
        try:
            check_pin(pin)  # the app refuses a weak PIN before anything leaves the phone
        except PhoneError as err:
            raise Refused("WEAK_PIN", str(err), "pin") from None
        enrolment = Phone.start_enrolment()
        r = await self._mutate("EnrollSigningKey", "enrollSigningKey",
                               {"smsCode": code, "devicePublicShare": enrolment.device_public_share_b64}, session)
        self._phones.keep(account, finish_enrolment(enrolment, pin, r["serverPublicShare"],
                                                    r["signingKey"]["publicKey"]))

    async def _ensure_phone(self, session: Session, pin: str) -> str:
        account, phone = await self._account(session)
        if not self._phones.has(account):
            await self._op("RequestSmsCode", {"phone": phone, "purpose": "CERTIFICATE_PIN"}, session)
            await self.enrol_signing_key(session, pin, await self._latest_code(phone, "CERTIFICATE_PIN"))
        return account

    async def _latest_code(self, phone: str, purpose: str) -> str:
        msgs = (await self._query(SMS_OUTBOX, {"phone": phone}))["sandbox"]["smsMessages"]
        return next(m["code"] for m in msgs if m["code"] and m["purpose"] == purpose)

    async def _cosigned(self, session: Session, operation: str, field: str, variables: dict[str, Any], screen,
                        pin: str, files: dict[str, bytes] | None = None) -> dict[str, Any]:
        """The two calls of an act the PIN approves: the phone co-signs the first answer's signing requests."""
        from sxq_phone import OnScreen

        account = await self._ensure_phone(session, pin)

        async def run(v: dict[str, Any]) -> dict[str, Any]:
            if files is not None:
                return await self._upload(operation, field, v, files, session)
            return await self._mutate(operation, field, v, session)

        first = await run(variables)
        many = "signingRequests" in first
        requests = first["signingRequests"] if many else [first["signingRequest"]]
        screen = OnScreen.act(screen) if isinstance(screen, str) else screen
        signed = self._phones.co_sign_inputs(account, requests, screen, pin)
        return await run({**variables, **({"coSignatures": signed} if many else {"coSignature": signed[0]})})

    async def signing_key_public_key(self, session: Session) -> bytes:
        import base64

        key = (await self._op("MySigningKey", session=session))["me"]["signingKey"]
        return base64.b64decode(key["publicKey"])

    async def certified_public_key(self, session: Session, certificate_id: str) -> bytes:
        import base64

        from asn1crypto import x509

        certs = (await self._op("MyCertificates", session=session))["me"]["certificates"]
        pem = next(c["pem"] for c in certs if c["id"] == certificate_id)
        der = base64.b64decode("".join(pem.strip().splitlines()[1:-1]))
        return bytes(x509.Certificate.load(der).public_key["public_key"])

    async def audit_evidence(self, session: Session, kind: str) -> list[tuple[bytes, bytes]]:
        """(statement, signature) pairs the audit log kept for the caller's acts of `kind`, oldest first."""
        import base64

        account, _phone = await self._account(session)
        container, _ = await self._app()
        events = tables.audit_events.c
        async with container.engine().connect() as conn:
            rows = (await conn.execute(select(events.detail).where(
                events.kind == kind, events.account_id == self._local_id(account, "Account")).order_by(events.at)))
            details = [r[0] for r in rows]
        return [(base64.b64decode(x["message"]), base64.b64decode(x["signature"]))
                for d in details if "evidence" in d for x in d["evidence"]["signed"]]

    async def signing_key(self, session: Session) -> tuple[str, int] | None:
        key = (await self._op("MySigningKey", session=session))["me"]["signingKey"]
        return (key["status"], key["pinAttemptsLeft"]) if key is not None else None

    async def claim_certificate(self, session: Session, entitlement_id: str, pin: str) -> Claimed:
        r = await self._cosigned(session, "ClaimPersonalCertificate", "claimPersonalCertificate",
                                 {"entitlementId": entitlement_id}, "certificate.claim_personal", pin)
        seal = r["personalSeal"]
        return Claimed(r["signingCertificate"]["id"], r["encryptionCertificate"]["id"], seal["id"] if seal else None,
                       r["signingCertificate"]["subjectDn"])

    async def my_certificates(self, session: Session) -> list[CertificateInfo]:
        certs = (await self._op("MyCertificates", session=session))["me"]["certificates"]
        return [CertificateInfo(c["id"], c["usage"], c["status"]) for c in certs]

    async def start_pin_reset_face(self, session: Session) -> str:
        r = await self._mutate("StartPinResetFace", "startPinResetFaceVerification", None, session)
        return r["faceVerification"]["token"]

    async def reset_signing_key(self, session: Session, code: str, face_token: str, new_pin: str) -> list[str]:
        from sxq_phone import Phone
        from tests.support.phones import finish_enrolment

        account, _phone = await self._account(session)
        enrolment = Phone.start_enrolment()
        r = await self._mutate("ResetSigningKey", "resetSigningKey", {
            "smsCode": code, "faceToken": face_token, "devicePublicShare": enrolment.device_public_share_b64},
            session)
        self._phones.keep(account, finish_enrolment(enrolment, new_pin, r["serverPublicShare"],
                                                    r["signingKey"]["publicKey"]))
        return [c["id"] for c in r["signingCertificates"]]

    async def revoke_certificate(self, session: Session, certificate_id: str, reason: str) -> None:
        await self._mutate("RevokeCertificate", "revokeCertificate",
                           {"certificateId": certificate_id, "reason": reason}, session)

    async def my_seals(self, session: Session, include_invalid: bool = False) -> list[SealInfo]:
        seals = (await self._query(MY_SEALS_WITH_STYLE, {"includeInvalid": include_invalid}, session))["me"]["seals"]
        return [SealInfo(s["id"], s["kind"], s["status"], s["style"]) for s in seals]

    async def change_seal_face(self, session: Session, seal_id: str, pin: str, style: str | None = None,
                               image: bytes | None = None) -> None:
        await self._cosigned(session, "ChangeSealFace", "changeSealFace", {"sealId": seal_id, "style": style},
                             "seal.change_face", pin, {"image": image} if image is not None else None)

    async def capture_handwritten_signature(self, session: Session, image: bytes, pin: str) -> str:
        r = await self._cosigned(session, "CaptureHandwrittenSignature", "captureHandwrittenSignature", {},
                                 "seal.capture_handwritten", pin, {"image": image})
        return r["seal"]["id"]

    async def revoke_seal(self, session: Session, seal_id: str, pin: str) -> None:
        await self._cosigned(session, "RevokeSeal", "revokeSeal", {"sealId": seal_id}, "seal.revoke", pin)

    async def signature_appearances(self, session: Session) -> list[str]:
        found = (await self._op("MySignatureAppearances", session=session))["me"]["signatureAppearances"]
        return [a["kind"] for a in found]

    # ------------------------------------------------------------ enterprises (§5, §5.1.1.1)
    # Enterprise and letter ids stay the opaque global IDs the client holds. The registry's verdict for one company
    # is set as a client of the sandbox sets it (setEnterpriseRegistryAnswer); a whole outage only on the adapter.

    def enterprise_registry_says(self, credit_code: str, verdict: str) -> None:
        data = self._sync(self._op("SandboxSetEnterpriseRegistryAnswer", {"creditCode": credit_code,
                                                                          "answer": verdict}))
        assert data["sandbox"]["setEnterpriseRegistryAnswer"] is True

    def enterprise_registry_down(self) -> None:
        container, _ = self._sync(self._app())
        container.enterprise_verifier().outage(True)

    @staticmethod
    def _enterprise(e: dict[str, Any], role: str | None, methods: list[str]) -> EnterpriseInfo:
        return EnterpriseInfo(e["id"], e["name"], e["certificationStatus"], role, list(methods))

    async def create_enterprise(self, session: Session, name: str, credit_code: str, legal_rep_name: str,
                                legal_rep_id_number: str) -> EnterpriseInfo:
        from tests.support.data import image_bytes

        _, gql = await self._app()
        variables = {"name": name, "creditCode": credit_code, "legalRepName": legal_rep_name,
                     "legalRepIdNumber": legal_rep_id_number}
        files = {"licence": ("licence.png", image_bytes(), "image/png")}
        try:
            data = await gql.upload("CreateEnterprise", variables, files, token=session.access_token)
        except GraphQLError as err:  # upload() raises on any GraphQL error; the refusals among them count
            _data({"errors": json.loads(str(err))})
            raise
        r = _payload(data, "createEnterprise")
        e = r["enterprise"]
        return self._enterprise(e, e["myRole"], r["availableMethods"])

    async def my_memberships(self, session: Session) -> list[EnterpriseInfo]:
        found = (await self._op("Me", session=session))["me"]["memberships"]
        # The contract's Me does not ask for the methods on offer.
        return [self._enterprise(m["enterprise"], m["role"], []) for m in found]

    async def prepare_authorization_letter(self, session: Session, enterprise_id: Any) -> LetterInfo:
        r = await self._mutate("PrepareAuthorizationLetter", "prepareAuthorizationLetter",
                               {"enterpriseId": enterprise_id}, session)
        self._appearances = {a["kind"]: a["id"] for a in r["signatureAppearances"]}
        return LetterInfo(r["letter"]["id"], list(self._appearances))

    async def sign_authorization_letter(self, session: Session, letter_id: Any, appearance_kind: str,
                                        code: str) -> EnterpriseInfo:
        r = await self._mutate("SignAuthorizationLetter", "signAuthorizationLetter", {
            "letterId": letter_id, "appearanceId": self._appearances[appearance_kind], "smsCode": code}, session)
        e = r["enterprise"]
        return self._enterprise(e, e["myRole"], [])

    # ------------------------------------------------------------ commerce (§6.1, §6.4, §9.2)
    # Platform, plan, order, payment and invoice ids stay the opaque global IDs the client holds.

    async def put_plan_on_sale(self, platform_name: str, plan_name: str, subject: str, operations: list[str],
                               months: int, sign_quota: int | None, price_fen: int) -> None:
        from adapters.crypto.sm2 import default_backend
        from adapters.crypto.sm2.keyfiles import public_key_to_pem

        operator = await self.operator_session("catalogue", "Catal0gue!x", "ADMIN")
        platforms = self._platforms
        if platform_name not in platforms:
            sm2 = default_backend()
            r = await self._mutate("RegisterPlatform", "registerPlatform", {
                "platformCode": f"GGZYJY{len(platforms) + 1:05d}", "name": platform_name, "region": "北京市",
                "callbackUrl": "https://platform.example/callback",
                "publicKeyPem": public_key_to_pem(sm2.public_key(sm2.generate_private_key()))}, operator)
            platforms[platform_name] = r["platform"]["id"]
        r = await self._mutate("CreateServicePlan", "createServicePlan", {
            "platformId": platforms[platform_name], "subjectType": subject, "name": plan_name,
            "operations": operations, "validityMonths": months, "signQuota": sign_quota, "priceFen": price_fen},
            operator)
        self._plans[plan_name] = r["plan"]["id"]

    async def catalogue(self, session: Session) -> list[PlatformOffer]:
        edges = (await self._op("Catalogue", {"subjectType": "PERSONAL"}, session))["tradingPlatforms"]["edges"]
        return [PlatformOffer(e["node"]["id"], e["node"]["name"], [
            PlanOffer(p["id"], p["name"], p["operations"], p["validityMonths"], p["signQuota"], p["priceFen"])
            for p in e["node"]["servicePlans"]]) for e in edges]

    async def plan_by_name(self, session: Session, platform_name: str, plan_name: str) -> str:
        for offer in await self.catalogue(session):
            if offer.name == platform_name:
                found = next((p.id for p in offer.plans if p.name == plan_name), None)
                if found is not None:
                    return found
        return self._plans[plan_name]  # not on the personal list: the id the operator was given

    async def place_order(self, session: Session, plan_ids: list[str]) -> OrderView:
        o = (await self._mutate("PlaceOrder", "placeOrder", {"planIds": plan_ids}, session))["order"]
        return OrderView(o["id"], o["status"], o["amountFen"])

    async def pay_order(self, session: Session, order_id: str, channel: str) -> PaymentView:
        p = (await self._mutate("PayOrder", "payOrder", {"orderId": order_id, "channel": channel}, session))["payment"]
        return PaymentView(p["id"], p["status"], p["payUrl"])

    async def wallet_pays(self, payment_id: str) -> None:
        container, _ = await self._app()
        data = await self._op("SandboxCompletePayment", {"paymentId": payment_id})
        assert data["sandbox"]["completePayment"] is True
        await container.payment_gateway().wait_idle()  # the signed notification has reached the server

    async def wallet_fails(self, payment: PaymentView) -> None:
        """The tester presses 支付失败 on the sandbox cashier page the payUrl opens."""
        from urllib.parse import urlsplit

        container, _ = await self._app()
        assert self._http is not None
        page = await self._http.post(urlsplit(payment.pay_url).path, data={"action": "fail"})
        assert page.status_code == 303, page.text
        await container.payment_gateway().wait_idle()  # the signed notification has reached the server

    async def payment_status(self, session: Session, payment_id: str) -> str:
        node = (await self._query(NODE_PAYMENT, {"id": payment_id}, session))["node"]
        return node["status"]

    async def cancel_order(self, session: Session, order_id: str) -> None:
        await self._mutate("CancelOrder", "cancelOrder", {"orderId": order_id}, session)

    async def my_orders(self, session: Session) -> list[OrderView]:
        edges = (await self._op("MyOrders", {"first": 100}, session))["me"]["orders"]["edges"]
        return [OrderView(e["node"]["id"], e["node"]["status"], e["node"]["amountFen"]) for e in edges]

    async def close_expired_orders(self) -> int:
        container, _ = await self._app()
        return await container.use_cases().commerce.close_expired_orders()

    async def record_usage(self, order_id: str, operation: str, count: int) -> None:
        """The platform counted uses (the scan services write these): written to the store."""
        from adapters.persistence import tables_commerce as tc
        from domain.commerce.bill import BillRecord

        container, _ = await self._app()
        local = self._local_id(order_id, "Order")
        async with container.engine().connect() as conn:
            ent = (await conn.execute(select(tc.entitlements.c.id, tc.entitlements.c.platform_id)
                                      .where(tc.entitlements.c.order_id == local))).one()
        async with container.uow() as uow:
            uow.bill_records.add(BillRecord(entitlement_id=ent.id, order_id=local, platform_id=ent.platform_id,
                                            operation=operation, used_at=self.clock.now(), count=count))
            await uow.commit()

    async def bill_records(self, session: Session, order_id: str) -> list[tuple[str, int]]:
        node = (await self._query(NODE_ORDER_DETAILS, {"id": order_id}, session))["node"]
        return [(e["node"]["operation"], e["node"]["count"]) for e in node["billRecords"]["edges"]]

    async def my_services(self, session: Session) -> list[ServiceView]:
        ents = (await self._op("MyServices", session=session))["me"]["entitlements"]
        return [ServiceView(e["platform"]["name"] if e["platform"] else None, e["plan"]["name"] if e["plan"] else None,
                            e["operations"], e["status"],
                            datetime.fromisoformat(e["validUntil"]).astimezone(CHINA_TZ).date(), e["signQuota"],
                            e["signsUsed"]) for e in ents]

    async def request_invoice(self, session: Session, order_id: str, invoice_type: str, title_type: str, title: str,
                              tax_number: str | None, email: str) -> InvoiceView:
        r = await self._mutate("RequestInvoice", "requestInvoice", {
            "orderId": order_id, "invoiceType": invoice_type, "titleType": title_type, "title": title,
            "taxNumber": tax_number, "email": email}, session)
        found = await self.invoice_of(session, order_id)
        assert found is not None and found.id == r["invoice"]["id"]
        return found

    async def invoice_of(self, session: Session, order_id: str) -> InvoiceView | None:
        i = (await self._query(NODE_ORDER_DETAILS, {"id": order_id}, session))["node"]["invoice"]
        if i is None:
            return None
        return InvoiceView(i["id"], i["status"], i["invoiceType"], i["titleType"], i["taxNumber"], i["number"],
                           i["shareUrl"], i["failureReason"])

    def tax_platform_fails(self, times: int) -> None:
        container, _ = self._sync(self._app())
        container.invoice_issuer().fail_next(times)

    def tax_platform_rejects(self, tax_number: str) -> None:
        container, _ = self._sync(self._app())
        container.invoice_issuer().reject_tax_number(tax_number, "购买方纳税人识别号未登记")

    async def run_outbox(self) -> int:
        """The outbox worker's pass (the server's own worker does not run in these tests)."""
        container, _ = await self._app()
        return await container.dispatcher().dispatch_due()

    async def download_invoice(self, session: Session, invoice_id: str) -> bytes:
        node = (await self._query(NODE_INVOICE_URL, {"id": invoice_id}, session))["node"]
        if not node or not node["pdfUrl"]:
            raise Refused("NOT_FOUND", "发票尚未开具")
        return await self._get(node["pdfUrl"], session)

    async def open_share_link(self, link: str) -> bytes:
        return await self._get(link, None)

    async def _get(self, url: str, session: Session | None) -> bytes:
        await self._app()
        assert self._http is not None
        headers = {"Authorization": f"Bearer {session.access_token}"} if session else {}
        resp = await self._http.get(url.removeprefix(self.settings.base_url.rstrip("/")), headers=headers)
        if resp.status_code == 404:
            raise Refused("NOT_FOUND", resp.text)
        assert resp.status_code == 200, resp.text
        return resp.content

    async def _upload(self, operation: str, field: str, variables: dict[str, Any], files: dict[str, bytes],
                      session: Session) -> dict[str, Any]:
        _, gql = await self._app()
        parts = {name: (f"{name}.img", data, "application/octet-stream") for name, data in files.items()}
        try:
            data = await gql.upload(operation, variables, parts, token=session.access_token)
        except GraphQLError as err:
            _data({"errors": json.loads(str(err))})
            raise
        return _payload(data, field)


    # ------------------------------------------------------------ scan services (§7)
    # The platform (tests/support/platform.TestPlatform) signs its requests to /graphql as api/platform.graphql
    # says; its callback endpoint is an httpx MockTransport that checks our signature on every callback.

    async def connect_trading_platform(self, platform: Any) -> None:
        from tests.support.platform import register_platform

        container, _ = await self._app()
        self._install_callback_receiver(container)
        await register_platform(container, platform)  # as `sxq platform register` does it
        # Plans put on sale later for a platform of this name are the connected platform's (§7.3 scenarios).
        self._platforms.setdefault(platform.name, to_global_id("TradingPlatform", platform.id))

    def _install_callback_receiver(self, container: Container) -> None:
        if self._callback_receiver is not None:
            return
        from dependency_injector import providers

        from adapters.ca.authority import PLATFORM_CALLBACK
        from adapters.crypto.sm2 import default_backend
        from adapters.vendors.platform_callbacks import HttpPlatformCallbackSender

        received: list[httpx.Request] = []

        def receive(request: httpx.Request) -> httpx.Response:
            received.append(request)
            return httpx.Response(200)

        client = httpx.AsyncClient(transport=httpx.MockTransport(receive))
        assert self._stack is not None
        self._stack.push_async_callback(client.aclose)
        ca = container.certificate_authority()
        from tests.support.platform import resolving_to

        container.platform_callback_sender.override(providers.Object(HttpPlatformCallbackSender(
            client, lambda: ca.service_signer(PLATFORM_CALLBACK), default_backend(), resolving_to())))
        # Made again over the receiver: the outbox worker and the sandbox console (which delivers what is due).
        container.dispatcher.reset()
        container.sandbox_console.reset()
        self._callback_receiver = received

    async def scan_service(self, session: Session, platform: Any, operations: list[str],
                           sign_quota: int | None = None) -> None:
        from tests.support.platform import entitlement_on

        container, _ = await self._app()
        me = (await self._query(SIGNED_IN, session=session))["me"]
        await entitlement_on(container, self._local_id(me["id"], "Account"), platform.id, operations=operations,
                             sign_quota=sign_quota)

    async def _platform_post(self, platform: Any, body: bytes, headers: dict[str, str] | None = None
                             ) -> dict[str, Any]:
        await self._app()
        assert self._http is not None
        headers = headers or platform.headers(body, timestamp=int(self.clock.now().timestamp()))
        self._last_platform_request = (platform, body, headers)
        resp = await self._http.post("/graphql", content=body, headers=headers)
        assert resp.status_code == 200, resp.text
        return _data(resp.json())

    async def _platform_op(self, platform: Any, operation: str, variables: dict[str, Any]) -> dict[str, Any]:
        _, gql = await self._app()
        body = json.dumps({"query": gql.document(operation), "variables": variables}).encode()
        return await self._platform_post(platform, body)

    async def create_scan_session(self, platform: Any, operation: str, *,
                                  documents: list[tuple[str, str, str]] | None = None, continuous: bool = False,
                                  envelopes: list[tuple[str, str]] | None = None,
                                  seal_owner: str | None = None) -> ScanCreated:
        variables: dict[str, Any] = {"operation": operation, "continuous": continuous}
        if seal_owner:
            variables["sealOwner"] = seal_owner
        if documents:
            variables["documents"] = [{"docId": d, "fileName": f, "sm3Hex": h} for d, f, h in documents]
        if envelopes:
            variables["envelopes"] = [{"envelopeId": e, "sm2CipherDer": c} for e, c in envelopes]
        data = await self._platform_op(platform, "CreateScanSession", variables)
        created = _payload(data, "createScanSession")["session"]
        return ScanCreated(created["tId"], created["qrContent"])

    async def replay_platform_request(self) -> ScanCreated:
        platform, body, headers = self._last_platform_request
        created = _payload(await self._platform_post(platform, body, headers), "createScanSession")["session"]
        return ScanCreated(created["tId"], created["qrContent"])

    async def scan_qr_code(self, session: Session, qr_content: str) -> ScanShown:
        v = (await self._mutate("ScanQrCode", "scanQrCode", {"qrContent": qr_content}, session))["session"]
        return ScanShown(v["id"], v["status"], v["platform"]["name"], v["operation"],
                         [d["docId"] for d in v["documents"]], [e["envelopeId"] for e in v["envelopes"]],
                         [u["certificate"]["id"] for u in v["usableCertificates"]], [x["id"] for x in v["usableSeals"]])

    async def confirm_scan_session(self, session: Session, session_id: str, certificate_id: str, pin: str,
                                   seal_id: str | None = None) -> str:
        r = await self._cosigned(session, "ConfirmScanSession", "confirmScanSession", {
            "sessionId": session_id, "certificateId": certificate_id, "sealId": seal_id},
            await self._scan_screen(session, session_id), pin)
        return r["session"]["status"]

    async def _scan_screen(self, session: Session, session_id: str):
        """What the app shows for a scanned session: the platform, the tId, the documents and envelopes."""
        from sxq_phone import OnScreen

        node = (await self._query(SCAN_SCREEN, {"id": session_id}, session))["node"]
        if node is None:
            return OnScreen.scan("", "")
        return OnScreen.scan(node["tId"], node["platform"]["platformCode"], [d["sm3Hex"] for d in node["documents"]],
                             [e["envelopeId"] for e in node["envelopes"]])

    async def decline_scan_session(self, session: Session, session_id: str) -> str:
        r = await self._mutate("DeclineScanSession", "declineScanSession", {"sessionId": session_id}, session)
        return r["session"]["status"]

    async def platform_scan_session(self, platform: Any, t_id: str) -> PlatformScanView | None:
        found = (await self._platform_op(platform, "ScanSessionByTid", {"tId": t_id}))["platformScanSession"]
        return PlatformScanView(found["status"], found["result"]) if found is not None else None

    async def run_scan_expiry(self) -> int:
        """The worker's pass (the server's own worker does not run in these tests)."""
        container, _ = await self._app()
        return await container.use_cases().scans.expire_scan_sessions()

    async def platform_callbacks(self, platform: Any) -> list[dict[str, Any]]:
        """The outbox worker's pass; then every callback the platform's endpoint received, each verified as the
        platform does: X-Signature by the callback certificate it was given at registration."""
        from asn1crypto import x509 as ax509

        from adapters.ca.x509 import public_key_of
        from adapters.crypto.sm2 import default_backend
        from adapters.vendors.platform_callbacks import callback_signing_string, callback_url_of

        container, _ = await self._app()
        await container.dispatcher().dispatch_due()
        assert self._callback_receiver is not None
        der = base64.b64decode("".join(platform.callback_certificate_pem.strip().splitlines()[1:-1]))
        key = public_key_of(ax509.Certificate.load(der))
        bodies = []
        for request in self._callback_receiver:
            if callback_url_of(request) != platform.callback_url:  # sent to the checked address, Host the name
                continue
            h = request.headers
            message = callback_signing_string(h["x-timestamp"], h["x-event-id"], request.content)
            assert default_backend().verify(key, message, base64.b64decode(h["x-signature"])), "forged callback"
            body = json.loads(request.content)
            assert body["eventId"] == h["x-event-id"]
            bodies.append(body)
        return bodies

    def certificate_public_key(self, pem: str) -> bytes:
        from asn1crypto import x509 as ax509

        from adapters.ca.x509 import public_key_of

        return public_key_of(ax509.Certificate.load(base64.b64decode("".join(pem.strip().splitlines()[1:-1]))))

    def scan_sessions_of(self, platform: Any) -> int:
        """Test-side inspection (the store): how many sessions the platform has opened."""
        return self._sync(self._scan_sessions_of(platform))

    async def _scan_sessions_of(self, platform: Any) -> int:
        from adapters.persistence.tables_scans import scan_sessions

        container, _ = await self._app()
        async with container.engine().connect() as conn:
            q = select(func.count()).select_from(scan_sessions).where(scan_sessions.c.platform_id == platform.id)
            return int((await conn.execute(q)).scalar_one())

MY_SEALS_WITH_STYLE = """query DriverMySeals($includeInvalid: Boolean) {
  me { seals(includeInvalid: $includeInvalid) { id kind status style } }
}"""

NODE_PAYMENT = """query DriverPayment($id: ID!) { node(id: $id) { ... on Payment { status } } }"""
NODE_ORDER_DETAILS = """query DriverOrderDetails($id: ID!) {
  node(id: $id) { ... on Order {
    billRecords(first: 50) { edges { node { operation count } } }
    invoice { id status invoiceType titleType taxNumber number shareUrl failureReason }
  } }
}"""
NODE_INVOICE_URL = """query DriverInvoiceUrl($id: ID!) { node(id: $id) { ... on Invoice { pdfUrl } } }"""
