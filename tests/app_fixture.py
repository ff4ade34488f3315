"""A tiny composition root over the fakes: every use case of the account, identity and operator chapters.

Unit tests and the Gherkin scenarios drive the application through it. SMS go out the way they do in
production, through the outbox and OutboxDispatcher, so a test reads a code from the fake gateway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from application.accounts.authenticate import Authenticate
from application.accounts.change_password import ChangePassword, ResetPassword
from application.accounts.change_phone import ChangePhone
from application.accounts.choose_entry_mode import ChooseEntryMode
from application.accounts.delete_account import DeleteAccount, DeletionBlocker
from application.accounts.get_me import GetMe
from application.accounts.login_with_password import LoginWithPassword, LoginWithPasswordCommand
from application.accounts.login_with_sms_code import LoginWithSmsCode, LoginWithSmsCodeCommand
from application.accounts.manage_sessions import EndSession, ListSessions, Logout
from application.accounts.refresh_session import RefreshSession
from application.accounts.register import Register, RegisterCommand, SignedIn
from application.accounts.request_sms_code import RequestSmsCode, RequestSmsCodeCommand
from application.accounts.session_issuer import IssuedSession, SessionIssuer
from application.accounts.sms_codes import SMS_TOPIC, SmsCodes
from application.context import Principal, RequestMeta
from application.identity.evidence import EvidenceSealer
from application.identity.face_outcome import (
    CompleteFaceVerification,
    CompleteFaceVerificationCommand,
    RecordFaceCallback,
)
from application.identity.reviews import (
    DecideReview,
    DecideReviewCommand,
    GetReview,
    ListReviews,
    ReadReviewAttachment,
)
from application.identity.start_id_card_verification import (
    StartIdCardVerification,
    StartIdCardVerificationCommand,
)
from application.identity.submit_manual_verification import (
    SubmitManualVerification,
    SubmitManualVerificationCommand,
    UploadedImage,
)
from application.operators.operators import CreateOperator, OperatorLogin, OperatorLoginCommand
from application.outbox import BLOB_DELETE_TOPIC, OutboxDispatcher, blob_delete_handler, sms_handler
from application.policy import Policies
from domain.accounts.sms import SmsPurpose
from domain.identity.documents import DocumentType
from domain.identity.id_number import check_character
from domain.operators.operator import OperatorRole
from tests.fakes import (
    FakeBlobStore,
    FakeClock,
    FakeFaceVerifier,
    FakeFieldCipher,
    FakeIdentityVerifier,
    FakeImageInspector,
    FakePasswordHasher,
    FakeSecretHasher,
    FakeSmsSender,
    InMemoryDatabase,
    InMemoryUnitOfWorkFactory,
    jpeg,
    png,
)
from tests.support.phones import TEST_PIN, Phones, finish_enrolment

DEFAULT_PASSWORD = "Passw0rd1"
DEFAULT_META = RequestMeta(client_ip="203.0.113.7", user_agent="pytest")


def id_number(first17: str) -> str:
    """A valid GB 11643 number from its first 17 digits."""
    return first17 + check_character(first17)


# Valid mainland ID numbers (the check character computed, not copied).
ID_ZHANG = id_number("44010619900101123")
ID_LI = id_number("11010519491231002")
ID_WANG = id_number("32010219850615441")


def credit_code(first17: str) -> str:
    """A valid GB 32100 unified social credit code from its first 17 characters."""
    from domain.enterprises.credit_code import check_character as credit_check

    return first17 + credit_check(first17)


CREDIT_CODE = credit_code("91110108MA01ABCD1")
CREDIT_CODE_2 = credit_code("91310115MA1K3XY72")


def wrong_code(code: str) -> str:
    """A six-digit code that is certainly not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


@dataclass
class User:
    """An account signed in through the use cases, with what a client would hold."""

    phone: str
    password: str
    account_id: UUID
    session: IssuedSession
    principal: Principal


SCAN_PIN = TEST_PIN


@dataclass
class ScanHolder:
    """A person ready for the scan services: signed in, with a certificate pair, a personal seal, an entitlement."""

    user: User
    signing_id: UUID
    encryption_id: UUID
    seal_id: UUID | None
    entitlement: Any

    @property
    def principal(self) -> Principal:
        return self.user.principal


@dataclass
class FakeApp:
    policies: Policies = field(default_factory=Policies)
    deletion_blockers: Sequence[DeletionBlocker] = ()

    def __post_init__(self) -> None:
        self.clock = FakeClock()
        self.db = InMemoryDatabase()
        self.uow = InMemoryUnitOfWorkFactory(self.db, self.clock)
        self.passwords = FakePasswordHasher()
        self.secrets = FakeSecretHasher()
        self.cipher = FakeFieldCipher()
        self.sms = FakeSmsSender()
        self.identity_verifier = FakeIdentityVerifier()
        self.faces = FakeFaceVerifier(self.clock)
        self.blobs = FakeBlobStore()
        self.images = FakeImageInspector()

        clock, uow, p = self.clock, self.uow, self.policies
        self.codes = SmsCodes(clock, self.secrets, p.sms)
        self.issuer = SessionIssuer(clock, self.secrets, p.sessions)
        self.sealer = EvidenceSealer(self.cipher, self.secrets)

        self.request_sms_code = RequestSmsCode(uow, self.codes)
        self.register = Register(uow, self.codes, self.passwords, self.issuer, clock)
        self.login_with_password = LoginWithPassword(uow, self.passwords, self.issuer, clock, p.login)
        self.login_with_sms_code = LoginWithSmsCode(uow, self.codes, self.issuer, clock)
        self.refresh_session = RefreshSession(uow, self.issuer, clock)
        self.authenticate = Authenticate(uow, self.issuer, clock)
        self.logout = Logout(uow, clock)
        self.list_sessions = ListSessions(uow, clock)
        self.end_session = EndSession(uow, clock)
        self.change_password = ChangePassword(uow, self.passwords, clock, p.login)
        self.reset_password = ResetPassword(uow, self.codes, self.passwords, clock)
        self.change_phone = ChangePhone(uow, self.codes, self.passwords, clock)
        self.choose_entry_mode = ChooseEntryMode(uow)
        from application.enterprises.deletion import enterprise_roles_block_deletion
        from application.enterprises.member_removal import leave_enterprises_on_deletion

        # As the container wires it: the enterprise chapter's blocker, then any a test adds.
        self.delete_account = DeleteAccount(uow, self.codes, clock,
                                            [enterprise_roles_block_deletion, *self.deletion_blockers],
                                            [leave_enterprises_on_deletion])
        self.get_me = GetMe(uow)

        self.start_id_card_verification = StartIdCardVerification(
            uow, self.identity_verifier, self.faces, self.sealer, clock)
        from application.enterprises.identity_links import ENTERPRISE_IDENTITY_HOOKS
        from application.enterprises.member_use_cases import member_identity_hooks

        # As the container wires them: the legal-rep link, then member invitations (§8.1.1).
        identity_hooks = (*ENTERPRISE_IDENTITY_HOOKS, *member_identity_hooks(self.secrets))
        from application.enterprises.review_outcomes import review_outcomes

        self.complete_face_verification = CompleteFaceVerification(uow, self.faces, clock, identity_hooks)
        self.record_face_callback = RecordFaceCallback(uow, self.faces, clock, identity_hooks)
        self.submit_manual_verification = SubmitManualVerification(
            uow, self.blobs, self.images, self.sealer, clock, p.identity)
        self.list_reviews = ListReviews(uow)
        self.get_review = GetReview(uow)
        self.read_review_attachment = ReadReviewAttachment(self.get_review, self.blobs, uow, clock)
        self.decide_review = DecideReview(uow, clock, review_outcomes(identity_hooks))

        from adapters.security.totp import PyotpAuthenticator

        self.totp = PyotpAuthenticator()
        self.create_operator = CreateOperator(uow, self.passwords, clock, self.cipher, self.totp)
        from application.operators.review_dossier import OpenReviewDossier

        self.review_dossier = OpenReviewDossier(uow, self.sealer, self.cipher, clock)
        from application.operators.console_session import AuthenticateConsole

        self.authenticate_console = AuthenticateConsole(uow, self.issuer, clock, p.sessions.console_idle)
        from application.certificates.search_certificates import GetCertificateForOperator, SearchCertificates

        self.search_certificates = SearchCertificates(uow)
        self.certificate_for_operator = GetCertificateForOperator(uow)
        from application.operators.search_audit_log import SearchAuditLog

        self.search_audit_log = SearchAuditLog(uow, clock)
        from application.commerce.platform_administration import (
            ListPlatformsForOperators,
            RetireServicePlan,
            SetPlatformStatus,
        )

        self.list_platforms = ListPlatformsForOperators(uow)
        self.set_platform_status = SetPlatformStatus(uow, clock)
        self.retire_plan = RetireServicePlan(uow, clock)
        self.operator_login = OperatorLogin(uow, self.passwords, self.issuer, clock, p.login, self.cipher, self.totp)

        self._certificates_and_seals()
        self._commerce()
        self._scans()
        self._enterprises()
        self._change_cascade(identity_hooks)

        from application.commerce.invoices import INVOICE_ISSUE_TOPIC, invoice_issue_given_up

        self.dispatcher = OutboxDispatcher(uow, clock, {SMS_TOPIC: sms_handler(self.sms),
                                                        BLOB_DELETE_TOPIC: blob_delete_handler(self.blobs),
                                                        **self._commerce_handlers(),
                                                        **self._scan_handlers()},
                                           {INVOICE_ISSUE_TOPIC: invoice_issue_given_up})

    def _change_cascade(self, identity_hooks) -> None:
        """As the container wires it: the §8.6 cascade among the change hooks of operator decisions."""
        from application.enterprises.change_cascade import OrgCascade
        from application.enterprises.enterprise_reviews import ENTERPRISE_CHANGE_HOOKS
        from application.enterprises.review_outcomes import review_outcomes

        cascade = OrgCascade(self.issue_dual_certificates, self.seal_images, self.blobs)
        self.decide_review = DecideReview(self.uow, self.clock, review_outcomes(
            identity_hooks, on_enterprise_changed=(*ENTERPRISE_CHANGE_HOOKS, cascade)))

    def _certificates_and_seals(self) -> None:
        """Issue 4, personal half: a fake CA, the real key vault (cheap KDF), fake seal drawing and making."""
        from adapters.ca.vault import Sm2KeyVault
        from adapters.crypto.cosigning_hsm import SoftwareCoSigningHsm
        from adapters.crypto.sm2 import default_backend
        from adapters.security.keys import KeyRing
        from application.certificates.claim_personal_certificate import ClaimPersonalCertificate
        from application.certificates.issue_dual_certificates import IssueDualCertificates
        from application.certificates.list_my_certificates import GetMyCertificate, ListMyCertificates
        from application.certificates.revoke_certificate import RevokeCertificate
        from application.certificates.start_pin_reset_face import StartPinResetFace
        from application.seals.capture_handwritten_signature import CaptureHandwrittenSignature
        from application.seals.change_seal_face import ChangeSealFace
        from application.seals.export_seal import ExportSeal
        from application.seals.list_my_seals import GetMySeal, ListMySeals
        from application.seals.personal_name_seal import PersonalNameSeals
        from application.seals.read_seal_image import ReadSealImage
        from application.seals.revoke_seal import RevokeSeal
        from application.seals.signature_appearances import ListSignatureAppearances, NameSignatureImage
        from application.signing.cosigning import CoSigning
        from application.signing.enroll_signing_key import EnrollSigningKey
        from application.signing.reset_signing_key import ResetSigningKey
        from tests.fakes import FakeCertificateAuthority, FakeSealImages, FakeSealMaker

        clock, uow, limit = self.clock, self.uow, self.policies.identity.upload_max_bytes
        self.ca = FakeCertificateAuthority()
        ring, backend = KeyRing(b"\x07" * 32), default_backend()
        self.vault = Sm2KeyVault(ring, backend)
        self.hsm = SoftwareCoSigningHsm(ring, backend)
        self.cosigning = CoSigning(uow, self.hsm, backend, clock)
        self.phones = Phones()
        self.seal_images = FakeSealImages()
        self.seal_maker = FakeSealMaker()
        self.issue_dual_certificates = IssueDualCertificates(self.vault, self.ca, clock)
        name_seals = PersonalNameSeals(uow, self.seal_images, self.blobs, clock)
        self.claim_personal_certificate = ClaimPersonalCertificate(
            uow, self.issue_dual_certificates, self.cosigning, self.secrets, name_seals, clock)
        from application.certificates.certificate_services import CertificateServices
        from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificate
        from application.certificates.enterprise_certificates import ListEnterpriseCertificates

        self.claim_enterprise_certificate = ClaimEnterpriseCertificate(
            uow, self.issue_dual_certificates, self.cosigning, clock)
        self.list_enterprise_certificates = ListEnterpriseCertificates(uow, clock)
        self.certificate_services = CertificateServices(uow)
        self.list_my_certificates = ListMyCertificates(uow, clock)
        self.get_my_certificate = GetMyCertificate(uow, clock)
        self.enroll_signing_key = EnrollSigningKey(uow, self.codes, self.hsm, self.ca, self.secrets, clock)
        self.start_pin_reset_face = StartPinResetFace(uow, self.faces, self.sealer, clock)
        self.reset_signing_key = ResetSigningKey(uow, self.codes, self.faces, self.hsm, self.ca, self.secrets, clock)
        self.revoke_certificate = RevokeCertificate(uow, clock)
        self.list_my_seals = ListMySeals(uow, clock)
        self.get_my_seal = GetMySeal(uow, clock)
        self.list_signature_appearances = ListSignatureAppearances(uow, clock)
        self.name_signature_image = NameSignatureImage(uow, self.seal_images)
        self.change_seal_face = ChangeSealFace(uow, self.cosigning, self.seal_images, self.images, self.blobs,
                                               clock, limit)
        self.capture_handwritten_signature = CaptureHandwrittenSignature(uow, self.cosigning, self.images,
                                                                         self.blobs, clock, limit)
        self.revoke_seal = RevokeSeal(uow, self.cosigning, clock)
        self.export_seal = ExportSeal(uow, self.blobs, self.seal_maker, clock)
        self.read_seal_image = ReadSealImage(uow, self.blobs)
        from application.seals.enterprise_seal_use_cases import enterprise_seal_use_cases

        self.enterprise_seals = enterprise_seal_use_cases(uow, self.cosigning, self.seal_images, self.blobs, clock)

    def _commerce(self) -> None:
        """Issue 4, commerce half: `self.commerce` as the container wires it, over a fake gateway and tax platform."""
        from application.commerce.policy import CommercePolicy
        from application.commerce.use_cases import commerce_use_cases
        from tests.fakes import FakeInvoiceIssuer, FakePaymentGateway, FakePublicKeyParser, RecordingOrderFeed

        self.payment_gateway = FakePaymentGateway(self.clock)
        self.invoice_issuer = FakeInvoiceIssuer(self.blobs)
        self.order_feed = RecordingOrderFeed()
        self.commerce = commerce_use_cases(
            self.uow, self.clock, ca=self.ca, keys=FakePublicKeyParser(), gateway=self.payment_gateway,
            issuer=self.invoice_issuer, blobs=self.blobs, hasher=self.secrets, policy=CommercePolicy(),
            base_url="https://sxq.example", order_feed=self.order_feed)

    def _commerce_handlers(self) -> dict:
        from application.commerce.invoices import INVOICE_ISSUE_TOPIC
        from application.commerce.refund_payment import PAYMENT_REFUND_TOPIC
        from application.outbox import invoice_issue_handler, payment_refund_handler

        return {INVOICE_ISSUE_TOPIC: invoice_issue_handler(self.commerce.issue_invoice),
                PAYMENT_REFUND_TOPIC: payment_refund_handler(self.commerce.refund_payment)}

    def _scans(self) -> None:
        """Issue 5: `self.scans` as the container wires it (scan_use_cases), with the real SM2 backend, a recording
        callback sender behind the outbox and a recording change feed."""
        from adapters.crypto.sm2 import default_backend
        from application.scans.policy import ScanPolicy
        from application.scans.use_cases import scan_use_cases
        from tests.fakes import FakeDocumentSignatures, FakePlatformCallbackSender, RecordingScanFeed

        self.sm2 = default_backend()
        self.document_signatures = FakeDocumentSignatures(self.sm2)
        self.platform_callbacks = FakePlatformCallbackSender()
        self.scan_feed = RecordingScanFeed()
        self.scan_policy = ScanPolicy()
        self.scans = scan_use_cases(
            self.uow, self.clock, hasher=self.secrets, sm2=self.sm2, signatures=self.document_signatures,
            cosigning=self.cosigning, vault=self.vault, blobs=self.blobs, feed=self.scan_feed, policy=self.scan_policy)

    def _scan_handlers(self) -> dict:
        from application.scans.callbacks import CALLBACK_TOPIC, platform_callback_handler

        return {CALLBACK_TOPIC: platform_callback_handler(self.platform_callbacks)}

    def _enterprises(self) -> None:
        """Issue 6: `self.enterprises` as the container wires it, over a fake registry and fake letter PDFs."""
        from application.certificates.issue_event_certificate import IssueEventCertificate
        from application.enterprises.use_cases import enterprise_use_cases
        from tests.fakes import FakeEnterpriseVerifier, FakeLetterDocuments

        self.enterprise_verifier = FakeEnterpriseVerifier()
        from tests.fakes import FakeBankTransferVerifier

        self.bank = FakeBankTransferVerifier(self.clock)
        self.letter_documents = FakeLetterDocuments()
        self.transfer_letters = FakeLetterDocuments()  # §8.4: the same fake stands for the transfer letter
        self.service_letters = FakeLetterDocuments()  # §6.3: and for the service application letter
        from application.commerce.policy import CommercePolicy
        self.issue_event_certificate = IssueEventCertificate(self.uow, self.ca, self.sm2, self.clock)
        self.enterprises = enterprise_use_cases(
            self.uow, self.clock, verifier=self.enterprise_verifier, sealer=self.sealer, blobs=self.blobs,
            images=self.images, upload_limit=self.policies.identity.upload_max_bytes, codes=self.codes,
            issue_event_certificate=self.issue_event_certificate, documents=self.letter_documents,
            seal_images=self.seal_images, hasher=self.secrets, transfer_letters=self.transfer_letters,
            faces=self.faces, base_url="https://sxq.example", bank=self.bank, cipher=self.cipher,
            service_letters=self.service_letters, commerce_policy=CommercePolicy())
        from application.grants.use_cases import grant_use_cases

        self.grant_letters = FakeLetterDocuments()  # §8.5: the same fake stands for the grant letter
        self.grants = grant_use_cases(self.uow, self.clock, codes=self.codes,
                                      issue_event_certificate=self.issue_event_certificate,
                                      letters=self.grant_letters, blobs=self.blobs, seal_images=self.seal_images,
                                      hasher=self.secrets, base_url="https://sxq.example")

    async def create_enterprise(self, user: User, *, name: str = "北京数信科技有限公司",
                                credit_code: str | None = None, legal_rep_name: str = "张三",
                                legal_rep_id_number: str = ID_ZHANG, licence: bytes | None = None):
        from application.enterprises.create_enterprise import CreateEnterpriseCommand

        return await self.enterprises.create_enterprise(CreateEnterpriseCommand(
            user.principal, name, credit_code or CREDIT_CODE, legal_rep_name, legal_rep_id_number,
            UploadedImage(licence if licence is not None else png(), "licence.png"), DEFAULT_META))

    async def verified_user(self, phone: str = "13800138000", legal_name: str = "张三",
                            number: str = ID_ZHANG) -> User:
        """A registered account whose mainland identity passed the two-element check and face liveness."""
        user = await self.register_user(phone)
        started = await self.start_face(user, legal_name, number)
        self.faces.finish(started.ticket.token, passed=True)
        await self.complete_face_verification(CompleteFaceVerificationCommand(user.principal, started.ticket.token,
                                                                              DEFAULT_META))
        return user

    async def personal_entitlement(self, user: User, *, days: int = 365, valid_from_days_ago: int = 0):
        """An active personal entitlement, as paying for a personal plan creates it (the commerce chapter)."""
        from datetime import timedelta
        from uuid import uuid4

        from domain.commerce.entitlement import Entitlement, HolderKind

        now = self.clock.now()
        ent = Entitlement(holder_kind=HolderKind.ACCOUNT, holder_id=user.account_id, platform_id=uuid4(),
                          plan_id=uuid4(), order_id=uuid4(), operations=["LOGIN", "SIGN"],
                          valid_from=now - timedelta(days=valid_from_days_ago), valid_until=now + timedelta(days=days))
        async with self.uow() as uow:
            uow.entitlements.add(ent)
            await uow.commit()
        return ent

    # ------------------------------------------------------------ commerce helpers (§6)

    async def trading_platform(self, code: str = "GGZYJY11001", name: str = "北京市公共资源交易平台",
                               region: str = "北京市"):
        """A platform registered by an operator, as `registerPlatform` does it."""
        from application.commerce.register_platform import RegisterPlatformCommand

        pem = f"-----BEGIN PUBLIC KEY-----\nSM2:04{code.encode().hex():0>128}\n-----END PUBLIC KEY-----"
        done = await self.commerce.register_platform(RegisterPlatformCommand(
            await self.operator("catalogue", role=OperatorRole.ADMIN), code, name, region,
            "https://platform.example/callback", pem))
        return done.platform

    async def service_plan(self, platform_id: UUID, *, subject: str = "PERSONAL", name: str = "个人标准版",
                           operations: Sequence[str] = ("LOGIN", "SIGN"), months: int = 12, price_fen: int = 29_900,
                           sign_quota: int | None = 100):
        from application.commerce.create_service_plan import CreateServicePlanCommand
        from domain.commerce.entitlement import ScanOperation, SubjectType

        return await self.commerce.create_service_plan(CreateServicePlanCommand(
            await self.operator("catalogue", role=OperatorRole.ADMIN), platform_id, SubjectType(subject), name,
            [ScanOperation(o) for o in operations], months, price_fen, sign_quota))

    async def notify_paid(self, payment_id: UUID, **overrides):
        """The wallet paid: the gateway's signed notification reaches the server."""
        channel, body, headers = self.payment_gateway.paid(payment_id, **overrides)
        return await self.commerce.record_payment_notification(channel, body, headers)

    async def notify_failed(self, payment_id: UUID):
        """The payment failed in the wallet: the gateway's signed failure notification reaches the server."""
        return await self.commerce.record_payment_notification(*self.payment_gateway.failed(payment_id))

    async def paid_order(self, user: User, plan_ids: Sequence[UUID]):
        """An order placed, paid through the gateway and fulfilled; returns the order as stored."""
        from application.commerce.pay_order import PayOrderCommand
        from application.commerce.place_order import PlaceOrderCommand
        from domain.commerce.payment import PaymentChannel

        order = await self.commerce.place_order(PlaceOrderCommand(user.principal, list(plan_ids)))
        payment = await self.commerce.pay_order(PayOrderCommand(user.principal, order.id, PaymentChannel.WECHAT_PAY))
        await self.notify_paid(payment.id)
        async with self.uow() as uow:
            return await uow.orders.get(order.id)

    # ------------------------------------------------------------ scan-service helpers (§7)

    async def scan_platform(self, platform=None):
        """A trading platform with its own real SM2 key (tests/support/platform.TestPlatform), registered as
        `registerPlatform` does it; its id is filled in."""
        from application.commerce.register_platform import RegisterPlatformCommand
        from tests.support.platform import TestPlatform

        platform = platform or TestPlatform()
        pem = f"-----BEGIN PUBLIC KEY-----\nSM2:{platform.public_key.hex()}\n-----END PUBLIC KEY-----"
        done = await self.commerce.register_platform.register(RegisterPlatformCommand(
            None, platform.code, platform.name, platform.region, platform.callback_url, pem), operator_id=None)
        platform.id = done.platform.id
        return platform

    def platform_request(self, platform, body: bytes = b'{"query":"mutation { createScanSession }"}', **sign):
        """A request the platform signed now (by the fake clock), as the HTTP edge hands it to the use case."""
        from application.scans.authenticate_platform import PlatformRequest

        sign.setdefault("timestamp", int(self.clock.now().timestamp()))
        headers = {k.lower(): v for k, v in platform.headers(body, **sign).items()}
        return PlatformRequest("POST", "/graphql", headers, body)

    async def platform_principal(self, platform, **sign):
        """The platform authenticated by a freshly signed request."""
        return await self.scans.authenticate_platform(self.platform_request(platform, **sign))

    async def scan_holder(self, platform_id: UUID | None, *, phone: str = "13800138000", legal_name: str = "张三",
                          number: str = ID_ZHANG, pin: str = SCAN_PIN,
                          operations: Sequence[str] = ("LOGIN", "SIGN", "ENCRYPT", "DECRYPT"),
                          sign_quota: int | None = None) -> ScanHolder:
        """A verified person who claimed a personal certificate pair (PIN `pin`) and, when `platform_id` is given,
        holds an active entitlement there for `operations`."""
        user = await self.verified_user(phone, legal_name, number)
        await self.enrol(user, pin)
        claim_with = await self.personal_entitlement(user)
        claimed = await self.claim_personal(user, claim_with.id, pin)
        entitlement = None
        if platform_id is not None:
            entitlement = await self.entitlement_on(user, platform_id, operations=operations, sign_quota=sign_quota)
        return ScanHolder(user, claimed.signing.id, claimed.encryption.id,
                          claimed.personal_seal.id if claimed.personal_seal else None, entitlement)

    async def entitlement_on(self, user: User, platform_id: UUID, *,
                             operations: Sequence[str] = ("LOGIN", "SIGN", "ENCRYPT", "DECRYPT"),
                             sign_quota: int | None = None, days: int = 365):
        """An active personal entitlement on one platform, as paying for one of its plans leaves it."""
        from datetime import timedelta
        from uuid import uuid4

        from domain.commerce.entitlement import Entitlement, HolderKind

        now = self.clock.now()
        ent = Entitlement(holder_kind=HolderKind.ACCOUNT, holder_id=user.account_id, platform_id=platform_id,
                          plan_id=uuid4(), order_id=uuid4(), operations=list(operations), valid_from=now,
                          valid_until=now + timedelta(days=days), sign_quota=sign_quota)
        async with self.uow() as uow:
            uow.entitlements.add(ent)
            await uow.commit()
        return ent

    # ------------------------------------------------------------ the phone (SPEC §C)

    async def enrol(self, user: User, pin: str = SCAN_PIN):
        """The app enrols its key share: an SMS code of purpose CERTIFICATE_PIN, then enrollSigningKey."""
        from application.signing.enroll_signing_key import EnrollSigningKeyCommand
        from sxq_phone import Phone

        code = await self.send_code(user.phone, SmsPurpose.CERTIFICATE_PIN, principal=user.principal)
        enrolment = Phone.start_enrolment()
        enrolled = await self.enroll_signing_key(EnrollSigningKeyCommand(
            user.principal, code or "", enrolment.device_public_share_b64, DEFAULT_META))
        self.phones.keep(user.account_id, finish_enrolment(enrolment, pin, enrolled.server_public_share,
                                                          enrolled.key.public_key))
        return enrolled

    async def cosigned(self, user: User, run, screen, pin: str = SCAN_PIN):
        """A two-call act: `run(None)` must answer NeedsCoSignature; the phone co-signs what it shows on `screen`
        with `pin`, and `run(co)` goes again with the co-signature (a tuple of them for a batch)."""
        from application.signing.cosigning import NeedsCoSignature
        from sxq_phone import OnScreen

        first = await run(None)
        assert isinstance(first, NeedsCoSignature), first
        screen = OnScreen.act(screen) if isinstance(screen, str) else screen
        signed = self.phones.co_sign(user.account_id, first.requests, screen, pin)
        return await run(signed[0] if len(first.requests) == 1 and not screen.is_scan else tuple(signed))

    async def claim_personal(self, user: User, entitlement_id: UUID, pin: str = SCAN_PIN):
        from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand

        return await self.cosigned(user, lambda co: self.claim_personal_certificate(ClaimPersonalCertificateCommand(
            user.principal, entitlement_id, co, DEFAULT_META)), "certificate.claim_personal", pin)

    async def claim_enterprise(self, user: User, enterprise_id: UUID, entitlement_id: UUID, pin: str = SCAN_PIN):
        from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificateCommand

        return await self.cosigned(user, lambda co: self.claim_enterprise_certificate(
            ClaimEnterpriseCertificateCommand(user.principal, enterprise_id, entitlement_id, co, DEFAULT_META)),
            "certificate.claim_enterprise", pin)

    # ------------------------------------------------------------ helpers for tests

    async def deliver(self) -> int:
        """Runs the outbox worker once; returns how many messages went out."""
        return await self.dispatcher.dispatch_due()

    async def send_code(self, phone: str, purpose: SmsPurpose, *, principal: Principal | None = None,
                        meta: RequestMeta = DEFAULT_META) -> str | None:
        """Requests a code and delivers the outbox; returns the code that reached the phone (or None)."""
        before = len(self.sms.to(phone))
        await self.request_sms_code(RequestSmsCodeCommand(phone, purpose, principal, meta))
        await self.deliver()
        fresh = self.sms.to(phone)[before:]
        codes = [m.code for m in fresh if m.code is not None and m.purpose == purpose.value]
        return codes[-1] if codes else None

    async def principal(self, access_token: str) -> Principal:
        p = await self.authenticate(access_token)
        assert p is not None, "the access token does not authenticate"
        return p

    async def signed_in(self, phone: str, password: str, result: SignedIn) -> User:
        return User(phone, password, result.account.id, result.session,
                    await self.principal(result.session.access_token))

    async def register_user(self, phone: str = "13800138000", password: str = DEFAULT_PASSWORD,
                            meta: RequestMeta = DEFAULT_META) -> User:
        code = await self.send_code(phone, SmsPurpose.REGISTER, meta=meta)
        assert code is not None
        result = await self.register(RegisterCommand(phone, code, password, meta))
        # The next code for this phone is not held back by the resend cooldown.
        self.clock.advance(seconds=61)
        return await self.signed_in(phone, password, result)

    async def login(self, phone: str, password: str = DEFAULT_PASSWORD, meta: RequestMeta = DEFAULT_META) -> User:
        result = await self.login_with_password(LoginWithPasswordCommand(phone, password, meta))
        return await self.signed_in(phone, password, result)

    async def login_by_sms(self, phone: str, meta: RequestMeta = DEFAULT_META) -> User:
        code = await self.send_code(phone, SmsPurpose.LOGIN, meta=meta)
        assert code is not None
        result = await self.login_with_sms_code(LoginWithSmsCodeCommand(phone, code, meta))
        self.clock.advance(seconds=61)
        return await self.signed_in(phone, "", result)

    async def operator(self, username: str = "reviewer", password: str = "Oper4tor!x",
                       role: OperatorRole = OperatorRole.REVIEWER) -> Principal:
        if not any(o.username == username for o in self.db.operators()):
            await self.create_operator(username, password, role)
        issued = await self.operator_login(OperatorLoginCommand(username, password, DEFAULT_META))
        return await self.principal(issued.access_token)

    async def four_eyes(self, review_id, decide=None):
        """Approves an enterprise change as the desk must: a reviewer first, then a supervisor (four eyes)."""
        decide = decide or self.decide_review
        first = await decide(DecideReviewCommand(await self.operator(), review_id, True, None, DEFAULT_META))
        assert first.awaiting_second_approval
        supervisor = await self.operator("supervisor", role=OperatorRole.SUPERVISOR)
        return await decide(DecideReviewCommand(supervisor, review_id, True, None, DEFAULT_META))

    async def start_face(self, user: User, legal_name: str = "张三", number: str = ID_ZHANG):
        return await self.start_id_card_verification(
            StartIdCardVerificationCommand(user.principal, legal_name, number, DEFAULT_META))

    async def submit_manual(self, user: User, *, document_type: DocumentType = DocumentType.PASSPORT,
                            legal_name: str = "CHAN TAI MAN", number: str = "E12345678",
                            expires_on: date | None = None, front: bytes | None = None,
                            back: bytes | None = None, portrait: bytes | None = None):
        if expires_on is None:
            expires_on = self.clock.now().date().replace(year=self.clock.now().year + 5)
        return await self.submit_manual_verification(SubmitManualVerificationCommand(
            principal=user.principal, document_type=document_type, legal_name=legal_name,
            document_number=number, expires_on=expires_on,
            front=UploadedImage(front if front is not None else png(), "front.png"),
            back=UploadedImage(back if back is not None else png(), "back.png"),
            portrait=UploadedImage(portrait if portrait is not None else jpeg(), "me.jpg"),
            meta=DEFAULT_META))
