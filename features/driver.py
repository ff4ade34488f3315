"""What the scenarios do, said once: the driver that binds the Gherkin steps to the application layer.

Steps talk to a driver, never to use cases, so the same steps can run through GraphQL in e2e by
swapping the `driver` fixture for one with the same methods. Expected failures surface as `Refused`,
whatever the transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from application.accounts.change_password import ChangePasswordCommand, ResetPasswordCommand
from application.accounts.change_phone import ChangePhoneCommand
from application.accounts.delete_account import DeleteAccountCommand
from application.accounts.login_with_password import LoginWithPasswordCommand
from application.accounts.login_with_sms_code import LoginWithSmsCodeCommand
from application.accounts.refresh_session import RefreshSessionCommand
from application.accounts.register import RegisterCommand, SignedIn
from application.accounts.request_sms_code import RequestSmsCodeCommand
from application.context import Principal, RequestMeta
from application.identity.face_outcome import CompleteFaceVerificationCommand
from application.identity.reviews import DecideReviewCommand
from application.identity.start_id_card_verification import StartIdCardVerificationCommand
from application.identity.submit_manual_verification import SubmitManualVerificationCommand, UploadedImage
from application.operators.operators import OperatorLoginCommand
from domain.accounts.account import EntryMode
from domain.accounts.sms import SmsPurpose
from domain.commerce.entitlement import HolderKind
from domain.errors import DomainError, Forbidden, Unauthenticated
from domain.identity.documents import DocumentType
from domain.operators.operator import OperatorRole
from features.driver_admin_transfer import AdminTransferDriver
from features.driver_bank_transfer import EnterpriseTransferDriver
from features.driver_enterprise_seals import EnterpriseSealsDriver
from features.driver_enterprise_services import EnterpriseServicesDriver
from features.driver_grants import CertificateGrantDriver
from features.driver_legal_rep import LegalRepInvitationDriver
from features.driver_members import EnterpriseMembersDriver
from features.driver_service_applications import ServiceApplicationsDriver
from tests.app_fixture import FakeApp

META = RequestMeta(client_ip="198.51.100.20", user_agent="数信签/1.0 (features)")


class Refused(Exception):
    """An expected failure as the client sees it: a stable code, the field and a Chinese message."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.field = code, message, field


@dataclass
class Session:
    access_token: str
    refresh_token: str | None
    session_id: UUID


@dataclass(frozen=True)
class EnterpriseInfo:
    id: Any
    name: str
    status: str
    role: str | None
    available_methods: list[str]


@dataclass(frozen=True)
class LetterInfo:
    id: Any
    appearance_kinds: list[str]


@dataclass(frozen=True)
class Me:
    entry_mode: str | None
    identity_status: str
    legal_name: str | None
    masked_number: str | None
    rejected_reason: str | None


class ApplicationDriver(LegalRepInvitationDriver, AdminTransferDriver, EnterpriseMembersDriver,
                        EnterpriseTransferDriver, EnterpriseServicesDriver, CertificateGrantDriver,
                        ServiceApplicationsDriver, EnterpriseSealsDriver):
    """Runs each act through the use cases of a fake-backed application (tests/app_fixture.py)."""

    def __init__(self) -> None:
        self.app = FakeApp()
        self._last_platform_request: tuple = ()  # the platform's last signed request, for a replay
        self._appearances: dict[str, Any] = {}  # the last prepared letter's appearances, by kind

    # ------------------------------------------------------------ plumbing

    async def _call(self, coro):
        try:
            return await coro
        except DomainError as err:
            raise Refused(err.code.value, err.message, err.field)
        except Unauthenticated as err:
            raise Refused("UNAUTHENTICATED", str(err))
        except Forbidden as err:
            raise Refused("FORBIDDEN", str(err))

    async def _principal(self, session: Session | None) -> Principal | None:
        if session is None:
            return None
        return await self.app.authenticate(session.access_token)

    @staticmethod
    def _session(result: SignedIn) -> Session:
        return Session(result.session.access_token, result.session.refresh_token, result.session.session_id)

    def advance_clock(self, seconds: float) -> None:
        self.app.clock.advance(seconds=seconds)

    # ------------------------------------------------------------ SMS

    async def request_code(self, phone: str, purpose: SmsPurpose, session: Session | None = None) -> None:
        await self._call(self.app.request_sms_code(
            RequestSmsCodeCommand(phone, purpose, await self._principal(session), META)))
        await self.app.deliver()

    async def sms_texts(self, phone: str) -> list[str]:
        await self.app.deliver()
        return [m.text for m in self.app.sms.to(phone)]

    async def last_code(self, phone: str, purpose: SmsPurpose) -> str | None:
        await self.app.deliver()
        return self.app.sms.last_code(phone, purpose)

    # ------------------------------------------------------------ accounts

    async def register(self, phone: str, code: str, password: str) -> Session:
        return self._session(await self._call(self.app.register(RegisterCommand(phone, code, password, META))))

    async def login_with_password(self, phone: str, password: str) -> Session:
        return self._session(await self._call(
            self.app.login_with_password(LoginWithPasswordCommand(phone, password, META))))

    async def login_with_code(self, phone: str, code: str) -> Session:
        return self._session(await self._call(
            self.app.login_with_sms_code(LoginWithSmsCodeCommand(phone, code, META))))

    def has_account(self, phone: str) -> bool:
        """Test-side inspection (the sandbox's view of the store), not a user-visible act."""
        return self.app.db.account_by_phone(phone) is not None

    async def is_signed_in(self, session: Session) -> bool:
        return await self._principal(session) is not None

    async def refresh(self, session: Session) -> Session:
        issued = await self._call(self.app.refresh_session(RefreshSessionCommand(session.refresh_token or "", META)))
        return Session(issued.access_token, issued.refresh_token, issued.session_id)

    async def logout(self, session: Session) -> None:
        await self._call(self.app.logout(await self._principal(session), META))

    async def list_sessions(self, session: Session) -> list[UUID]:
        return [s.id for s in await self._call(self.app.list_sessions(await self._principal(session)))]

    async def end_session(self, session: Session, session_id: UUID) -> None:
        await self._call(self.app.end_session(await self._principal(session), session_id, META))

    async def me(self, session: Session) -> Me:
        view = await self._call(self.app.get_me(await self._principal(session)))
        i = view.identity
        return Me(
            entry_mode=view.account.entry_mode.value if view.account.entry_mode else None,
            identity_status=i.status.value if i else "UNVERIFIED",
            legal_name=i.legal_name if i else None,
            masked_number=i.number_masked if i else None,
            rejected_reason=i.rejected_reason if i else None,
        )

    async def choose_entry_mode(self, session: Session, mode: EntryMode) -> None:
        await self._call(self.app.choose_entry_mode(await self._principal(session), mode))

    async def change_password(self, session: Session, old: str, new: str) -> None:
        await self._call(self.app.change_password(
            ChangePasswordCommand(await self._principal(session), old, new, META)))

    async def reset_password(self, phone: str, code: str, new: str) -> None:
        await self._call(self.app.reset_password(ResetPasswordCommand(phone, code, new, META)))

    async def change_phone(self, session: Session, new_phone: str, code: str, password: str) -> None:
        await self._call(self.app.change_phone(
            ChangePhoneCommand(await self._principal(session), new_phone, code, password, META)))

    async def delete_account(self, session: Session, code: str) -> None:
        await self._call(self.app.delete_account(DeleteAccountCommand(await self._principal(session), code, META)))

    # ------------------------------------------------------------ identity

    def registry_says_mismatch(self, id_number: str) -> None:
        self.app.identity_verifier.mismatch(id_number)

    def registry_down(self, down: bool = True) -> None:
        self.app.identity_verifier.down = down

    async def start_id_card(self, session: Session, legal_name: str, id_number: str) -> str:
        started = await self._call(self.app.start_id_card_verification(
            StartIdCardVerificationCommand(await self._principal(session), legal_name, id_number, META)))
        return started.ticket.token

    def person_finishes_face(self, token: str, passed: bool) -> None:
        self.app.faces.finish(token, passed=passed)

    async def vendor_calls_back(self, token: str) -> None:
        body, headers = self.app.faces.callback(token)
        await self.app.record_face_callback(body, headers)

    async def complete_face(self, session: Session, token: str) -> None:
        await self._call(self.app.complete_face_verification(
            CompleteFaceVerificationCommand(await self._principal(session), token, META)))

    async def submit_manual(self, session: Session, doc_type: DocumentType, legal_name: str, number: str,
                            expires_on: date, front: bytes, back: bytes, portrait: bytes) -> UUID:
        result = await self._call(self.app.submit_manual_verification(SubmitManualVerificationCommand(
            principal=await self._principal(session), document_type=doc_type, legal_name=legal_name,
            document_number=number, expires_on=expires_on, front=UploadedImage(front, "front"),
            back=UploadedImage(back, "back"), portrait=UploadedImage(portrait, "portrait"), meta=META)))
        return result.review.id

    def stored_uploads(self) -> int:
        return len(self.app.blobs.blobs)

    def today(self) -> date:
        return self.app.clock.now().date()

    # ------------------------------------------------------------ operators

    async def operator_session(self, username: str = "reviewer", password: str = "Oper4tor!x",
                               role: str = "REVIEWER") -> Session:
        if not any(o.username == username for o in self.app.db.operators()):
            await self.app.create_operator(username, password, OperatorRole(role))
        issued = await self._call(self.app.operator_login(OperatorLoginCommand(username, password, META)))
        return Session(issued.access_token, issued.refresh_token, issued.session_id)

    async def pending_reviews(self, session: Session) -> list[UUID]:
        page = await self._call(self.app.list_reviews(await self._principal(session), kind=None, status=None,
                                                      first=100, after=None))
        return [r.id for r in page.items if r.status.value == "PENDING"]

    async def decide_review(self, session: Session, review_id: UUID, approve: bool, reason: str | None) -> None:
        await self._call(self.app.decide_review(
            DecideReviewCommand(await self._principal(session), review_id, approve, reason, META)))

    # ------------------------------------------------------------ certificates and personal seals (§6.1.1, §9.1, §9.3)

    async def personal_service(self, session: Session, days: int = 365) -> UUID:
        """An active personal entitlement for the caller, as paying for a personal plan leaves it (§6.1)."""
        p = await self._principal(session)
        assert p is not None
        from tests.app_fixture import User

        ent = await self.app.personal_entitlement(User("", "", p.id, None, p), days=days)  # type: ignore[arg-type]
        return ent.id

    # ---- the phone (SPEC §C): the PIN stays on it; every act it approves is two calls with a co-signature

    async def _user(self, session: Session):
        from tests.app_fixture import User

        p = await self._principal(session)
        if p is None:
            raise Refused("UNAUTHENTICATED", "请先登录")
        async with self.app.uow() as uow:
            account = await uow.accounts.get(p.id)
        return User(account.phone if account else "", "", p.id, None, p)  # type: ignore[arg-type]

    async def enrol_signing_key(self, session: Session, pin: str, code: str) -> None:
        """The app makes its key share, keeps it under `pin` and sends the public share with the SMS code."""
        from application.signing.enroll_signing_key import EnrollSigningKeyCommand
        from sxq_phone import Phone, PhoneError
        from tests.support.phones import finish_enrolment

        user = await self._user(session)
        enrolment = Phone.start_enrolment()
        try:
            from sxq_phone.pin import check_pin

            check_pin(pin)  # the app refuses a weak PIN before anything leaves the phone
        except PhoneError as err:
            raise Refused("WEAK_PIN", str(err), "pin") from None
        enrolled = await self._call(self.app.enroll_signing_key(EnrollSigningKeyCommand(
            user.principal, code, enrolment.device_public_share_b64, META)))
        self.app.phones.keep(user.account_id, finish_enrolment(enrolment, pin, enrolled.server_public_share,
                                                               enrolled.key.public_key))

    async def _ensure_phone(self, session: Session, pin: str):
        """A first act on a phone that has no key share yet: the app asks for a new PIN and enrols first."""
        user = await self._user(session)
        if not self.app.phones.has(user.account_id):
            code = await self.app.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
            await self.enrol_signing_key(session, pin, code or "")
        return user

    async def _cosigned(self, session: Session, run, screen, pin: str):
        user = await self._ensure_phone(session, pin)
        return await self._call(self.app.cosigned(user, run, screen, pin))

    async def signing_key_public_key(self, session: Session) -> bytes:
        view = await self._call(self.app.get_me(await self._principal(session)))
        return view.signing_key.public_key

    async def certified_public_key(self, session: Session, certificate_id: Any) -> bytes:
        async with self.app.uow() as uow:
            return (await uow.certificates.get(certificate_id)).public_key

    async def audit_evidence(self, session: Session, kind: str) -> list[tuple[bytes, bytes]]:
        """(statement, signature) pairs the audit log kept for the caller's acts of `kind`, oldest first."""
        import base64

        p = await self._principal(session)
        events = sorted((e for e in self.app.db.tables["audit"].values()
                         if e.kind == kind and e.account_id == p.id and "evidence" in e.detail), key=lambda e: e.at)
        return [(base64.b64decode(s["message"]), base64.b64decode(s["signature"]))
                for e in events for s in e.detail["evidence"]["signed"]]

    async def signing_key(self, session: Session) -> tuple[str, int] | None:
        view = await self._call(self.app.get_me(await self._principal(session)))
        key = view.signing_key
        return (key.status.value, key.attempts_left) if key is not None else None

    async def claim_certificate(self, session: Session, entitlement_id: UUID, pin: str) -> Claimed:
        from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand

        p = await self._principal(session)
        r = await self._cosigned(session, lambda co: self.app.claim_personal_certificate(
            ClaimPersonalCertificateCommand(p, entitlement_id, co, META)), "certificate.claim_personal", pin)
        return Claimed(r.signing.id, r.encryption.id, r.personal_seal.id if r.personal_seal else None,
                       r.signing.subject_dn)

    async def my_certificates(self, session: Session) -> list[CertificateInfo]:
        views = await self._call(self.app.list_my_certificates(await self._principal(session)))
        return [CertificateInfo(v.certificate.id, v.certificate.usage.value, v.status.value) for v in views]

    async def start_pin_reset_face(self, session: Session) -> str:
        from application.certificates.start_pin_reset_face import StartPinResetFaceCommand

        ticket = await self._call(self.app.start_pin_reset_face(
            StartPinResetFaceCommand(await self._principal(session), META)))
        return ticket.token

    async def reset_signing_key(self, session: Session, code: str, face_token: str, new_pin: str) -> list[UUID]:
        """A new key share under `new_pin`: the signing certificates re-issued over the new key."""
        from application.signing.reset_signing_key import ResetSigningKeyCommand
        from sxq_phone import Phone
        from tests.support.phones import finish_enrolment

        user = await self._user(session)
        enrolment = Phone.start_enrolment()
        enrolled = await self._call(self.app.reset_signing_key(ResetSigningKeyCommand(
            user.principal, code, face_token, enrolment.device_public_share_b64, META)))
        self.app.phones.keep(user.account_id, finish_enrolment(enrolment, new_pin, enrolled.server_public_share,
                                                               enrolled.key.public_key))
        return [c.id for c in enrolled.signing_certificates]

    async def revoke_certificate(self, session: Session, certificate_id: UUID, reason: str) -> None:
        from application.certificates.revoke_certificate import RevokeCertificateCommand

        await self._call(self.app.revoke_certificate(
            RevokeCertificateCommand(await self._principal(session), certificate_id, reason)))

    async def my_seals(self, session: Session, include_invalid: bool = False) -> list[SealInfo]:
        views = await self._call(self.app.list_my_seals(await self._principal(session), include_invalid))
        return [SealInfo(v.seal.id, v.seal.kind.value, v.status.value, v.seal.style.value if v.seal.style else None)
                for v in views]

    async def change_seal_face(self, session: Session, seal_id: UUID, pin: str, style: str | None = None,
                               image: bytes | None = None) -> None:
        from application.seals.change_seal_face import ChangeSealFaceCommand
        from domain.seals.seal import SealStyle

        p = await self._principal(session)
        await self._cosigned(session, lambda co: self.app.change_seal_face(ChangeSealFaceCommand(
            p, seal_id, co, style=SealStyle(style) if style else None,
            image=UploadedImage(image, "face") if image is not None else None, meta=META)), "seal.change_face", pin)

    async def capture_handwritten_signature(self, session: Session, image: bytes, pin: str) -> UUID:
        from application.seals.capture_handwritten_signature import CaptureHandwrittenSignatureCommand

        p = await self._principal(session)
        view = await self._cosigned(session, lambda co: self.app.capture_handwritten_signature(
            CaptureHandwrittenSignatureCommand(p, UploadedImage(image, "signature"), co, META)),
            "seal.capture_handwritten", pin)
        return view.seal.id

    async def revoke_seal(self, session: Session, seal_id: UUID, pin: str) -> None:
        from application.seals.revoke_seal import RevokeSealCommand

        p = await self._principal(session)
        await self._cosigned(session, lambda co: self.app.revoke_seal(RevokeSealCommand(p, seal_id, co, META)),
                             "seal.revoke", pin)

    async def signature_appearances(self, session: Session) -> list[str]:
        found = await self._call(self.app.list_signature_appearances(await self._principal(session)))
        return [a.kind.value for a in found]


    # ------------------------------------------------------------ enterprises (§5, §5.1.1.1)

    def enterprise_registry_says(self, credit_code: str, verdict: str) -> None:
        assert verdict == "MISMATCH"
        self.app.enterprise_verifier.mismatch.add(credit_code)

    def enterprise_registry_down(self) -> None:
        self.app.enterprise_verifier.down = True

    @staticmethod
    def _enterprise(e, role) -> EnterpriseInfo:
        return EnterpriseInfo(e.id, e.name, e.status.value, role.value if role else None,
                              [m.value for m in e.available_methods])

    async def create_enterprise(self, session: Session, name: str, credit_code: str, legal_rep_name: str,
                                legal_rep_id_number: str) -> EnterpriseInfo:
        from application.enterprises.create_enterprise import CreateEnterpriseCommand
        from tests.fakes import png

        r = await self._call(self.app.enterprises.create_enterprise(CreateEnterpriseCommand(
            await self._principal(session), name, credit_code, legal_rep_name, legal_rep_id_number,
            UploadedImage(png(), "licence.png"), META)))
        return self._enterprise(r.enterprise, r.membership.role)

    async def my_memberships(self, session: Session) -> list[EnterpriseInfo]:
        views = await self._call(self.app.enterprises.my_memberships(await self._principal(session)))
        return [self._enterprise(v.enterprise, v.role) for v in views]

    async def prepare_authorization_letter(self, session: Session, enterprise_id: Any) -> LetterInfo:
        r = await self._call(self.app.enterprises.prepare_authorization_letter(
            await self._principal(session), enterprise_id, META))
        self._appearances = {a.kind.value: a for a in r.appearances}
        return LetterInfo(r.letter.id, list(self._appearances))

    async def sign_authorization_letter(self, session: Session, letter_id: Any, appearance_kind: str,
                                        code: str) -> EnterpriseInfo:
        from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
        from application.seals.signature_appearances import AppearanceKind

        a = self._appearances[appearance_kind]
        ref = (AppearanceKind.NAME_SIGNATURE, a.account_id) if a.seal is None else (None, a.seal.id)
        r = await self._call(self.app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
            await self._principal(session), letter_id, ref, code, META)))
        return self._enterprise(r.enterprise, r.membership.role)

    # ------------------------------------------------------------ commerce (§6.1, §6.4, §9.2)

    async def put_plan_on_sale(self, platform_name: str, plan_name: str, subject: str, operations: list[str],
                               months: int, sign_quota: int | None, price_fen: int) -> None:
        """An operator lists a plan (registering the platform the first time it is named)."""
        platform = next((p for p in self.app.db.rows("trading_platforms") if p.name == platform_name), None)
        if platform is None:
            count = len(self.app.db.rows("trading_platforms"))
            platform = await self.app.trading_platform(f"GGZYJY{count + 1:05d}", platform_name, "北京市")
        await self.app.service_plan(platform.id, subject=subject, name=plan_name, operations=operations,
                                    months=months, price_fen=price_fen, sign_quota=sign_quota)

    async def catalogue(self, session: Session) -> list[PlatformOffer]:
        """What "个人证书服务" shows: each platform with its personal plans."""
        from domain.commerce.entitlement import SubjectType

        await self._principal(session)
        c = self.app.commerce
        page = await self._call(c.list_trading_platforms(100, None))
        plans = await c.catalogue.plans_of([(p.id, SubjectType.PERSONAL) for p in page.items])
        return [PlatformOffer(p.id, p.name, [PlanOffer(x.id, x.name, list(x.operations), x.validity_months,
                                                       x.sign_quota, x.price_fen) for x in of])
                for p, of in zip(page.items, plans, strict=True)]

    async def plan_by_name(self, session: Session, platform_name: str, plan_name: str) -> Any:
        """A plan as the buyer finds it; plans of other subject types are looked up the way an operator sees them
        (to show that ordering one is refused)."""
        for offer in await self.catalogue(session):
            if offer.name == platform_name:
                found = next((p.id for p in offer.plans if p.name == plan_name), None)
                if found is not None:
                    return found
        return next(p.id for p in self.app.db.rows("service_plans") if p.name == plan_name)

    async def place_order(self, session: Session, plan_ids: list[Any]) -> OrderView:
        from application.commerce.place_order import PlaceOrderCommand

        order = await self._call(self.app.commerce.place_order(
            PlaceOrderCommand(await self._principal(session), list(plan_ids))))
        return self._order_view(order)

    def _order_view(self, order) -> OrderView:
        now = self.app.clock.now()
        return OrderView(order.id, order.effective_status(now).value, order.amount_fen)

    async def pay_order(self, session: Session, order_id: Any, channel: str) -> PaymentView:
        from application.commerce.pay_order import PayOrderCommand
        from domain.commerce.payment import PaymentChannel

        p = await self._call(self.app.commerce.pay_order(
            PayOrderCommand(await self._principal(session), order_id, PaymentChannel(channel))))
        return PaymentView(p.id, p.status.value, p.pay_url)

    async def wallet_pays(self, payment_id: Any) -> None:
        """The payer confirms in the wallet; the gateway's signed notification reaches the server."""
        await self.app.notify_paid(payment_id)

    async def wallet_fails(self, payment: PaymentView) -> None:
        """The payment fails in the wallet; the gateway's signed failure notification reaches the server."""
        await self.app.notify_failed(payment.id)

    async def payment_status(self, session: Session, payment_id: Any) -> str:
        found = await self.app.commerce.get_object(await self._principal(session), "Payment", payment_id)
        assert found is not None
        return found.status.value

    async def cancel_order(self, session: Session, order_id: Any) -> None:
        from application.commerce.cancel_order import CancelOrderCommand

        await self._call(self.app.commerce.cancel_order(CancelOrderCommand(await self._principal(session), order_id)))

    async def my_orders(self, session: Session) -> list[OrderView]:
        page = await self._call(self.app.commerce.list_my_orders(await self._principal(session), 100, None))
        return [self._order_view(o) for o in page.items]

    async def close_expired_orders(self) -> int:
        """The worker's pass."""
        return await self.app.commerce.close_expired_orders()

    async def record_usage(self, order_id: Any, operation: str, count: int) -> None:
        """The platform counted a use of the service bought with this order (the scan services write these)."""
        from domain.commerce.bill import BillRecord

        async with self.app.uow() as uow:
            order = await uow.orders.get(order_id)
            [ent] = [e for e in await uow.entitlements.for_holder(HolderKind.ACCOUNT, order.account_id)
                     if e.order_id == order_id]
            uow.bill_records.add(BillRecord(entitlement_id=ent.id, order_id=order_id, platform_id=ent.platform_id,
                                            operation=operation, used_at=self.app.clock.now(), count=count))
            await uow.commit()

    async def bill_records(self, session: Session, order_id: Any) -> list[tuple[str, int]]:
        assert await self.app.commerce.get_object(await self._principal(session), "Order", order_id) is not None
        page = await self.app.commerce.order_details.bill_records(order_id, 50, None)
        return [(b.operation, b.count) for b in page.items]

    async def my_services(self, session: Session) -> list[ServiceView]:
        from domain.clock import CHINA_TZ

        c, now = self.app.commerce, self.app.clock.now()
        ents = await self._call(c.list_my_entitlements(await self._principal(session)))
        platforms = await c.catalogue.platforms([e.platform_id for e in ents])
        plans = await c.catalogue.plans([e.plan_id for e in ents])
        return [ServiceView(pf.name if pf else None, pl.name if pl else None, list(e.operations), e.status(now).value,
                            e.valid_until.astimezone(CHINA_TZ).date(), e.sign_quota, e.signs_used)
                for e, pf, pl in zip(ents, platforms, plans, strict=True)]

    async def request_invoice(self, session: Session, order_id: Any, invoice_type: str, title_type: str, title: str,
                              tax_number: str | None, email: str) -> InvoiceView:
        from application.commerce.invoices import RequestInvoiceCommand
        from domain.commerce.invoice import InvoiceTitleType, InvoiceType

        i = await self._call(self.app.commerce.request_invoice(RequestInvoiceCommand(
            await self._principal(session), order_id, InvoiceType(invoice_type), InvoiceTitleType(title_type), title,
            tax_number, email)))
        return self._invoice_view(i)

    def _invoice_view(self, i) -> InvoiceView:
        from domain.commerce.invoice import InvoiceStatus

        share = self.app.commerce.invoice_links.share(i.id).token if i.status is InvoiceStatus.ISSUED else None
        return InvoiceView(i.id, i.status.value, i.invoice_type.value, i.title_type.value, i.tax_number, i.number,
                           share, i.failure_reason)

    async def invoice_of(self, session: Session, order_id: Any) -> InvoiceView | None:
        assert await self.app.commerce.get_object(await self._principal(session), "Order", order_id) is not None
        [found] = await self.app.commerce.order_details.invoices([order_id])
        return self._invoice_view(found) if found else None

    def tax_platform_fails(self, times: int) -> None:
        self.app.invoice_issuer.fail_next(times)

    def tax_platform_rejects(self, tax_number: str) -> None:
        self.app.invoice_issuer.reject_tax_number(tax_number, "购买方纳税人识别号未登记")

    async def run_outbox(self) -> int:
        """The outbox worker's pass (it issues requested invoices)."""
        return await self.app.deliver()

    async def download_invoice(self, session: Session, invoice_id: Any) -> bytes:
        return await self._call(self.app.commerce.read_invoice_pdf.as_owner(await self._principal(session),
                                                                            invoice_id))

    async def open_share_link(self, link: str) -> bytes:
        return await self._call(self.app.commerce.read_invoice_pdf.by_link(link))


    # ------------------------------------------------------------ scan services (§7)
    # The trading platform is a tests/support/platform.TestPlatform: its own SM2 key, signing its requests.

    async def connect_trading_platform(self, platform: Any) -> None:
        """The platform joins the mutual-recognition service (registered as `registerPlatform` does it)."""
        await self.app.scan_platform(platform)

    async def scan_service(self, session: Session, platform: Any, operations: list[str],
                           sign_quota: int | None = None) -> None:
        """An active personal entitlement on the platform, as paying for one of its plans leaves it."""
        from tests.app_fixture import User

        p = await self._principal(session)
        assert p is not None
        await self.app.entitlement_on(User("", "", p.id, None, p), platform.id,  # type: ignore[arg-type]
                                      operations=operations, sign_quota=sign_quota)

    async def create_scan_session(self, platform: Any, operation: str, *,
                                  documents: list[tuple[str, str, str]] | None = None, continuous: bool = False,
                                  envelopes: list[tuple[str, str]] | None = None,
                                  seal_owner: str | None = None) -> ScanCreated:
        """The platform's signed createScanSession (documents: docId, fileName, sm3Hex; envelopes: id, base64;
        seal_owner: PERSONAL | ENTERPRISE)."""
        request = self.app.platform_request(platform)
        self._last_platform_request = (request, operation, documents, continuous, envelopes, seal_owner)
        return await self._create_scan_session(request, operation, documents, continuous, envelopes, seal_owner)

    async def replay_platform_request(self) -> ScanCreated:
        """Someone sends the platform's last request again, byte for byte."""
        return await self._create_scan_session(*self._last_platform_request)

    async def _create_scan_session(self, request, operation, documents, continuous, envelopes,
                                   seal_owner=None) -> ScanCreated:
        from application.scans.create_scan_session import (
            CreateScanSessionCommand,
            DocumentInput,
            EnvelopeInput,
        )
        from domain.commerce.entitlement import ScanOperation
        from domain.scans.session import SealOwner

        principal = await self._call(self.app.scans.authenticate_platform(request))
        created = await self._call(self.app.scans.create_scan_session(CreateScanSessionCommand(
            principal, ScanOperation(operation),
            documents=[DocumentInput(*d) for d in documents] if documents else None,
            seal_owner=SealOwner(seal_owner) if seal_owner else None, continuous=continuous,
            envelopes=[EnvelopeInput(*e) for e in envelopes] if envelopes else None)))
        return ScanCreated(created.session.t_id, created.qr_content)

    async def scan_qr_code(self, session: Session, qr_content: str) -> ScanShown:
        from application.scans.scan_qr_code import ScanQrCodeCommand

        v = await self._call(self.app.scans.scan_qr_code(ScanQrCodeCommand(await self._principal(session),
                                                                           qr_content)))
        return ScanShown(v.session.id, v.status.value, v.platform.name, v.session.operation.value,
                         [d.doc_id for d in v.session.scan_documents], [e.envelope_id for e in v.session.scan_envelopes],
                         [u.certificate.id for u in v.usable_certificates], [s.id for s in v.usable_seals])

    async def confirm_scan_session(self, session: Session, session_id: Any, certificate_id: Any, pin: str,
                                   seal_id: Any = None) -> str:
        from application.scans.confirm_scan_session import ConfirmScanSessionCommand

        p = await self._principal(session)
        screen = await self._scan_screen(session_id)
        done = await self._cosigned(session, lambda co: self.app.scans.confirm_scan_session(ConfirmScanSessionCommand(
            p, session_id, certificate_id, seal_id, co)), screen, pin)
        return done.status.value

    async def _scan_screen(self, session_id: Any):
        """What the app shows for a scanned session: the platform, the tId, the documents and envelopes."""
        from sxq_phone import OnScreen

        async with self.app.uow() as uow:
            scan = await uow.scan_sessions.get(session_id)
            platform = await uow.trading_platforms.get(scan.platform_id) if scan is not None else None
        if scan is None or platform is None:
            return OnScreen.scan("", "")
        return OnScreen.scan(scan.t_id, platform.code, [d.sm3_hex for d in scan.scan_documents],
                             [e.envelope_id for e in scan.scan_envelopes])

    async def decline_scan_session(self, session: Session, session_id: Any) -> str:
        from application.scans.decline_scan_session import DeclineScanSessionCommand

        done = await self._call(self.app.scans.decline_scan_session(
            DeclineScanSessionCommand(await self._principal(session), session_id)))
        return done.status.value

    async def platform_scan_session(self, platform: Any, t_id: str) -> PlatformScanView | None:
        """What the platform reads by tId (its signed platformScanSession query)."""
        principal = await self._call(self.app.scans.authenticate_platform(self.app.platform_request(platform)))
        view = await self._call(self.app.scans.platform_scan_session(principal, t_id))
        return PlatformScanView(view.status.value, view.session.result) if view is not None else None

    async def run_scan_expiry(self) -> int:
        """The worker's pass over sessions past their time."""
        return await self.app.scans.expire_scan_sessions()

    async def platform_callbacks(self, platform: Any) -> list[dict[str, Any]]:
        """The outbox worker's pass; then every callback body the platform has received, oldest first."""
        await self.app.deliver()
        return [c.json for c in self.app.platform_callbacks.sent if c.url == platform.callback_url]

    def certificate_public_key(self, pem: str) -> bytes:
        """The public key of a certificate as the platform received it (the fake CA's DER is a marker: look it up)."""
        import base64

        der = base64.b64decode("".join(pem.strip().splitlines()[1:-1]))
        return next(c.public_key for c in self.app.db.rows("certificates") if c.der == der)

    def scan_sessions_of(self, platform: Any) -> int:
        """Test-side inspection: how many sessions the platform has opened."""
        return sum(1 for s in self.app.db.rows("scan_sessions") if s.platform_id == platform.id)

@dataclass(frozen=True)
class Claimed:
    signing_id: Any
    encryption_id: Any
    seal_id: Any
    subject_dn: str


@dataclass(frozen=True)
class CertificateInfo:
    id: Any
    usage: str
    status: str


@dataclass(frozen=True)
class SealInfo:
    id: Any
    kind: str
    status: str
    style: str | None


@dataclass(frozen=True)
class PlanOffer:
    id: Any
    name: str
    operations: list[str]
    validity_months: int
    sign_quota: int | None
    price_fen: int


@dataclass(frozen=True)
class PlatformOffer:
    id: Any
    name: str
    plans: list[PlanOffer]


@dataclass(frozen=True)
class OrderView:
    id: Any
    status: str
    amount_fen: int


@dataclass(frozen=True)
class PaymentView:
    id: Any
    status: str
    pay_url: str


@dataclass(frozen=True)
class ServiceView:
    platform_name: str | None
    plan_name: str | None
    operations: list[str]
    status: str
    valid_until: date
    sign_quota: int | None
    signs_used: int


@dataclass(frozen=True)
class InvoiceView:
    id: Any
    status: str
    invoice_type: str
    title_type: str
    tax_number: str | None
    number: str | None
    share_link: str | None  # what 复制发票链接 copies; None until issued
    failure_reason: str | None = None  # FAILED: why, as the user is told


@dataclass(frozen=True)
class ScanCreated:
    t_id: str
    qr_content: str


@dataclass(frozen=True)
class ScanShown:
    """What the app shows after scanning."""

    session_id: Any
    status: str
    platform_name: str
    operation: str
    document_ids: list[str]
    envelope_ids: list[str]
    certificate_ids: list[Any]  # the usable certificates
    seal_ids: list[Any]  # the usable seals (SIGN)


@dataclass(frozen=True)
class PlatformScanView:
    status: str
    result: dict[str, Any] | None  # the ScanResult fields of api/platform.graphql
