"""LoginWithSmsCode (§3.2). It works while password login is locked: the phone proves possession."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.get_me import load_account_view
from application.accounts.register import SignedIn
from application.accounts.session_issuer import SessionIssuer
from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.context import RequestMeta
from application.ports import Clock, UnitOfWorkFactory
from domain.accounts.phone import PhoneNumber
from domain.accounts.session import PrincipalKind
from domain.accounts.sms import SmsPurpose
from domain.errors import SmsCodeInvalid


@dataclass(frozen=True)
class LoginWithSmsCodeCommand:
    phone: str
    sms_code: str
    meta: RequestMeta


class LoginWithSmsCode:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, sessions: SessionIssuer, clock: Clock) -> None:
        self._uow, self._codes, self._sessions, self._clock = uow, codes, sessions, clock

    async def __call__(self, cmd: LoginWithSmsCodeCommand) -> SignedIn:
        phone = PhoneNumber.parse(cmd.phone).value
        async with self._uow() as uow:
            await self._codes.consume(uow, phone, SmsPurpose.LOGIN, cmd.sms_code, cmd.meta)
            account = await uow.accounts.by_phone(phone)
            now = self._clock.now()
            if account is None or not account.is_active:
                # Only reachable with a code recorded but never sent (unknown number): same answer as a bad code.
                raise SmsCodeInvalid(field="smsCode")
            issued = self._sessions.open(uow, PrincipalKind.ACCOUNT, account.id, cmd.meta)
            audit(uow, "login.sms", now, cmd.meta, account_id=account.id)
            await uow.commit()
            return SignedIn(await load_account_view(uow, account.id), issued)
