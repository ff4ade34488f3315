"""A tiny composition root over the fakes: every use case of the account, identity and operator chapters.

Unit tests and the Gherkin scenarios drive the application through it. SMS go out the way they do in
production, through the outbox and OutboxDispatcher, so a test reads a code from the fake gateway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
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
from application.identity.face_outcome import CompleteFaceVerification, RecordFaceCallback
from application.identity.reviews import DecideReview, GetReview, ListReviews, ReadReviewAttachment
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

DEFAULT_PASSWORD = "Passw0rd1"
DEFAULT_META = RequestMeta(client_ip="203.0.113.7", user_agent="pytest")


def id_number(first17: str) -> str:
    """A valid GB 11643 number from its first 17 digits."""
    return first17 + check_character(first17)


# Valid mainland ID numbers (the check character computed, not copied).
ID_ZHANG = id_number("44010619900101123")
ID_LI = id_number("11010519491231002")
ID_WANG = id_number("32010219850615441")


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
        self.delete_account = DeleteAccount(uow, self.codes, clock, self.deletion_blockers)
        self.get_me = GetMe(uow)

        self.start_id_card_verification = StartIdCardVerification(
            uow, self.identity_verifier, self.faces, self.sealer, clock)
        self.complete_face_verification = CompleteFaceVerification(uow, self.faces, clock)
        self.record_face_callback = RecordFaceCallback(uow, self.faces, clock)
        self.submit_manual_verification = SubmitManualVerification(
            uow, self.blobs, self.images, self.sealer, clock, p.identity)
        self.list_reviews = ListReviews(uow)
        self.get_review = GetReview(uow)
        self.read_review_attachment = ReadReviewAttachment(self.get_review, self.blobs)
        self.decide_review = DecideReview(uow, clock)

        self.create_operator = CreateOperator(uow, self.passwords, clock)
        self.operator_login = OperatorLogin(uow, self.passwords, self.issuer, clock, p.login)

        self.dispatcher = OutboxDispatcher(uow, clock, {SMS_TOPIC: sms_handler(self.sms),
                                                        BLOB_DELETE_TOPIC: blob_delete_handler(self.blobs)})

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

    async def operator(self, username: str = "reviewer", password: str = "Oper4tor!x") -> Principal:
        if not any(o.username == username for o in self.db.operators()):
            await self.create_operator(username, password)
        issued = await self.operator_login(OperatorLoginCommand(username, password, DEFAULT_META))
        return await self.principal(issued.access_token)

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
