"""ApplicationDriver's acts of §5.1.2 (对公打款认证), §5.1.3 (人工审核) and §8.6 (企业信息变更): a mixin of
features.driver.ApplicationDriver, which provides `app`, `_call` and `_principal`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.context import RequestMeta
from application.identity.submit_manual_verification import UploadedImage

# ApplicationDriver's caller (features.driver.META; not imported, that module imports this one).
_META = RequestMeta(client_ip="198.51.100.20", user_agent="数信签/1.0 (features)")


@dataclass(frozen=True)
class TransferInfo:
    id: Any
    status: str
    attempts_left: int


@dataclass(frozen=True)
class EnterpriseDetail:
    name: str
    legal_rep_name: str
    status: str
    method: str | None


class EnterpriseTransferDriver:
    def bank_refuses_account(self, account_number: str) -> None:
        """The bank knows no such account (over GraphQL: the sandbox bank's …4 trigger)."""
        from domain.enterprises.bank_transfer import FailureReason

        self.app.bank.refuse[account_number] = FailureReason.ACCOUNT_NOT_FOUND

    async def letter_template(self, session, enterprise_id: Any) -> bytes:
        """The blank letter to print, as the enterprise's member downloads it."""
        from application.enterprises.letter_template import PrepareLetterTemplateCommand

        p = await self._principal(session)
        letter = await self._call(self.app.enterprises.transfers.prepare_letter_template(
            PrepareLetterTemplateCommand(p, enterprise_id, meta=_META)))
        return await self.app.enterprises.read_authorization_letter(p, letter.id, signed=False)

    async def start_bank_transfer(self, session, enterprise_id: Any, account_number: str,
                                  bank_name: str) -> TransferInfo:
        from application.enterprises.start_bank_transfer import StartBankTransferCommand

        t = await self._call(self.app.enterprises.transfers.start_bank_transfer(StartBankTransferCommand(
            await self._principal(session), enterprise_id, account_number, bank_name, _META)))
        return TransferInfo(t.id, t.status.value, t.attempts_left)

    async def deposit_code(self, account_number: str) -> str:
        """The code in the newest deposit's remark, as the bank statement shows it."""
        return self.app.bank.code_sent_to(account_number)

    async def confirm_bank_transfer(self, session, transfer_id: Any, code: str, letter: bytes) -> TransferInfo:
        from application.enterprises.confirm_bank_transfer import ConfirmBankTransferCommand

        r = await self._call(self.app.enterprises.transfers.confirm_bank_transfer(ConfirmBankTransferCommand(
            await self._principal(session), transfer_id, code, UploadedImage(letter, "letter.pdf"), _META)))
        return TransferInfo(r.transfer.id, r.transfer.status.value, r.transfer.attempts_left)

    async def pending_review_summaries(self, session, kind: str) -> list[tuple[Any, str]]:
        from domain.identity.review import ReviewKind, ReviewStatus

        page = await self._call(self.app.list_reviews(await self._principal(session), kind=ReviewKind(kind),
                                                      status=ReviewStatus.PENDING, first=100, after=None))
        return [(r.id, r.subject_summary) for r in page.items]

    async def enterprise_detail(self, session, enterprise_id: Any) -> EnterpriseDetail | None:
        view = await self._call(self.app.enterprises.get_enterprise(await self._principal(session), enterprise_id))
        if view is None:
            return None
        e = view.enterprise
        return EnterpriseDetail(e.name, e.legal_rep_name, e.status.value, e.method.value if e.method else None)

    async def request_enterprise_change(self, session, enterprise_id: Any, new_name: str | None,
                                        new_legal_rep_name: str | None, new_legal_rep_id_number: str | None,
                                        licence: bytes, letter: bytes) -> str:
        from application.enterprises.request_enterprise_change import RequestEnterpriseChangeCommand

        change = await self._call(self.app.enterprises.transfers.request_enterprise_change(
            RequestEnterpriseChangeCommand(await self._principal(session), enterprise_id, new_name,
                                           new_legal_rep_name, new_legal_rep_id_number,
                                           UploadedImage(licence, "licence.png"), UploadedImage(letter, "letter.pdf"),
                                           _META)))
        return change.status.value
