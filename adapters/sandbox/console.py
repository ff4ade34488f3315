"""The sandbox console: the SandboxConsole port over the sandbox adapters."""

from __future__ import annotations

from adapters.sandbox.face import SandboxFaceVerifier, UnknownFaceSession
from adapters.sandbox.identity import SandboxIdentityVerifier
from adapters.sandbox.sms import SandboxSmsGateway
from application.outbox import OutboxDispatcher
from application.sandbox import SandboxSms


class SandboxConsoleAdapter:
    def __init__(self, sms: SandboxSmsGateway, faces: SandboxFaceVerifier, identities: SandboxIdentityVerifier,
                 dispatcher: OutboxDispatcher) -> None:
        self._sms, self._faces, self._identities, self._dispatcher = sms, faces, identities, dispatcher

    async def sms_messages(self, phone: str, last: int) -> list[SandboxSms]:
        # Let the carrier catch up first, so a read right after a request sees its message.
        await self._dispatcher.dispatch_due()
        return [SandboxSms(m.phone, m.purpose, m.code, m.text, m.sent_at) for m in await self._sms.messages(phone, last)]

    async def finish_face_verification(self, token: str, passed: bool) -> bool:
        try:
            await self._faces.finish(token, passed)
        except UnknownFaceSession:
            return False
        return True

    def set_identity_answer(self, id_number: str, answer: str) -> None:
        self._identities.answer(id_number, answer)
