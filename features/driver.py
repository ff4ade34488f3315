"""What the scenarios do, said once: the driver that binds the Gherkin steps to the application layer.

Steps talk to a driver, never to use cases, so the same steps can run through GraphQL in e2e by
swapping the `driver` fixture for one with the same methods. Expected failures surface as `Refused`,
whatever the transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
from domain.errors import DomainError, Forbidden, Unauthenticated
from domain.identity.documents import DocumentType
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
class Me:
    entry_mode: str | None
    identity_status: str
    legal_name: str | None
    masked_number: str | None
    rejected_reason: str | None


class ApplicationDriver:
    """Runs each act through the use cases of a fake-backed application (tests/app_fixture.py)."""

    def __init__(self) -> None:
        self.app = FakeApp()

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

    async def operator_session(self, username: str = "reviewer", password: str = "Oper4tor!x") -> Session:
        if not any(o.username == username for o in self.app.db.operators()):
            await self.app.create_operator(username, password)
        issued = await self._call(self.app.operator_login(OperatorLoginCommand(username, password, META)))
        return Session(issued.access_token, issued.refresh_token, issued.session_id)

    async def pending_reviews(self, session: Session) -> list[UUID]:
        page = await self._call(self.app.list_reviews(await self._principal(session), kind=None, status=None,
                                                      first=100, after=None))
        return [r.id for r in page.items if r.status.value == "PENDING"]

    async def decide_review(self, session: Session, review_id: UUID, approve: bool, reason: str | None) -> None:
        await self._call(self.app.decide_review(
            DecideReviewCommand(await self._principal(session), review_id, approve, reason, META)))
