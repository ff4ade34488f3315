"""ChangePassword (old + new) and ResetPassword (by SMS), §9.3. Both end the other sessions."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, PasswordHasher, UnitOfWork, UnitOfWorkFactory
from domain.accounts.account import Account, LoginPolicy
from domain.accounts.password import check_password_policy
from domain.accounts.phone import PhoneNumber
from domain.accounts.session import PrincipalKind
from domain.accounts.sms import SmsPurpose
from domain.errors import InvalidCredentials, InvalidInput, SmsCodeInvalid
from domain.text import bounded


async def _end_sessions(uow: UnitOfWork, account: Account, clock: Clock, keep=None) -> None:
    now = clock.now()
    for s in await uow.sessions.active_for(PrincipalKind.ACCOUNT, account.id, now):
        if keep is None or s.id != keep:
            s.revoke(now)


@dataclass(frozen=True)
class ChangePasswordCommand:
    principal: Principal | None
    old_password: str
    new_password: str
    meta: RequestMeta


class ChangePassword:
    def __init__(self, uow: UnitOfWorkFactory, passwords: PasswordHasher, clock: Clock,
                 policy: LoginPolicy | None = None) -> None:
        self._uow, self._passwords, self._clock = uow, passwords, clock
        self._policy = policy or LoginPolicy()

    async def __call__(self, cmd: ChangePasswordCommand) -> None:
        p = require_account(cmd.principal)
        old = bounded(cmd.old_password or "", field="oldPassword", max_len=64, strip=False)
        new = check_password_policy(cmd.new_password, field="newPassword")
        if new == old:
            raise InvalidInput("新密码不能与原密码相同", field="newPassword")
        new_hash = await self._passwords.hash(new)
        # A stolen session must not become a password-guessing oracle: wrong old passwords count toward the same
        # lock as wrong logins, and the try is counted and committed before the slow check (parallel guesses too).
        async with self._uow() as uow:
            account = await uow.accounts.get(p.id)
            now = self._clock.now()
            if account is None:
                raise InvalidCredentials("原密码错误", field="oldPassword")
            number = await uow.accounts.take_password_try(account, now, self._policy)
            if number is None:
                await uow.commit()
                raise account.locked_error(now)
            await uow.commit()
        if not await self._passwords.verify(old, account.password_hash):
            async with self._uow() as uow:
                audit(uow, "password.change", now, cmd.meta, ok=False, account_id=p.id)
                if number >= self._policy.max_failures:
                    audit(uow, "login.locked", now, cmd.meta, ok=False, account_id=p.id)
                await uow.commit()
            raise InvalidCredentials("原密码错误", field="oldPassword")
        async with self._uow() as uow:
            now = self._clock.now()
            fresh = await uow.accounts.get(p.id)
            if fresh is None or fresh.password_hash != account.password_hash:
                raise InvalidCredentials("原密码错误", field="oldPassword")
            fresh.change_password(new_hash, now)
            await _end_sessions(uow, fresh, self._clock, keep=p.session_id)
            audit(uow, "password.changed", now, cmd.meta, account_id=p.id)
            await uow.commit()


@dataclass(frozen=True)
class ResetPasswordCommand:
    phone: str
    sms_code: str
    new_password: str
    meta: RequestMeta


class ResetPassword:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, passwords: PasswordHasher, clock: Clock) -> None:
        self._uow, self._codes, self._passwords, self._clock = uow, codes, passwords, clock

    async def __call__(self, cmd: ResetPasswordCommand) -> None:
        phone = PhoneNumber.parse(cmd.phone).value
        new_hash = await self._passwords.hash(check_password_policy(cmd.new_password, field="newPassword"))
        async with self._uow() as uow:
            await self._codes.consume(uow, phone, SmsPurpose.RESET_PASSWORD, cmd.sms_code, cmd.meta)
            account = await uow.accounts.by_phone(phone)
            if account is None or not account.is_active:
                raise SmsCodeInvalid(field="smsCode")
            now = self._clock.now()
            # A reset also lifts the password-login lock: the owner proved possession of the phone.
            account.change_password(new_hash, now)
            await _end_sessions(uow, account, self._clock)
            audit(uow, "password.reset", now, cmd.meta, account_id=account.id)
            await uow.commit()
