"""Register: phone + SMS code + password → an account and a session (§3.1)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.get_me import AccountView
from application.accounts.session_issuer import IssuedSession, SessionIssuer
from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.context import RequestMeta
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.accounts.account import Account
from domain.accounts.password import check_password_policy
from domain.accounts.phone import PhoneNumber
from domain.accounts.session import PrincipalKind
from domain.accounts.sms import SmsPurpose
from domain.errors import Conflict, PhoneAlreadyRegistered
from domain.identity.identity import Identity


@dataclass(frozen=True)
class RegisterCommand:
    phone: str
    sms_code: str
    password: str
    meta: RequestMeta


@dataclass(frozen=True)
class SignedIn:
    view: AccountView
    session: IssuedSession

    @property
    def account(self) -> Account:
        return self.view.account

    @property
    def identity(self) -> Identity | None:
        return self.view.identity


class Register:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, passwords: PasswordHasher,
                 sessions: SessionIssuer, clock: Clock) -> None:
        self._uow, self._codes, self._passwords, self._sessions, self._clock = uow, codes, passwords, sessions, clock

    async def __call__(self, cmd: RegisterCommand) -> SignedIn:
        phone = PhoneNumber.parse(cmd.phone).value
        password = check_password_policy(cmd.password)
        password_hash = await self._passwords.hash(password)
        async with self._uow() as uow:
            if await uow.accounts.by_phone(phone) is not None:
                raise PhoneAlreadyRegistered(field="phone")
            await self._codes.consume(uow, phone, SmsPurpose.REGISTER, cmd.sms_code, cmd.meta)
            now = self._clock.now()
            account = Account(phone=phone, password_hash=password_hash, created_at=now)
            uow.accounts.add(account)
            issued = self._sessions.open(uow, PrincipalKind.ACCOUNT, account.id, cmd.meta)
            audit(uow, "account.registered", now, cmd.meta, account_id=account.id)
            try:
                await uow.commit()
            except Conflict:
                # Two registrations of one number raced; the unique phone column let one win.
                raise PhoneAlreadyRegistered(field="phone")
            return SignedIn(AccountView(account, None), issued)
