"""LoginWithPassword, with the lockout after repeated failures (§3.2)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.get_me import load_account_view
from application.accounts.register import SignedIn
from application.accounts.session_issuer import SessionIssuer
from application.audit import audit
from application.context import RequestMeta
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.accounts.account import LoginPolicy
from domain.accounts.phone import PhoneNumber
from domain.accounts.session import PrincipalKind
from domain.errors import InvalidCredentials, LoginLocked
from domain.text import bounded

# Verified against when the phone is unknown, so both answers take the same time.
TIMING_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


@dataclass(frozen=True)
class LoginWithPasswordCommand:
    phone: str
    password: str
    meta: RequestMeta


class LoginWithPassword:
    def __init__(self, uow: UnitOfWorkFactory, passwords: PasswordHasher, sessions: SessionIssuer,
                 clock: Clock, policy: LoginPolicy) -> None:
        self._uow, self._passwords, self._sessions, self._clock, self._policy = uow, passwords, sessions, clock, policy

    async def __call__(self, cmd: LoginWithPasswordCommand) -> SignedIn:
        phone = PhoneNumber.parse(cmd.phone).value
        password = bounded(cmd.password or "", field="password", max_len=64, strip=False)
        async with self._uow() as uow:
            account = await uow.accounts.by_phone(phone)
            now = self._clock.now()
            if account is None or not account.is_active:
                await self._passwords.verify(password, TIMING_DUMMY_HASH)
                audit(uow, "login.password", now, cmd.meta, ok=False, reason="unknown_phone")
                await uow.commit()
                raise InvalidCredentials()
            try:
                account.ensure_password_login_open(now)
            except LoginLocked:
                audit(uow, "login.password", now, cmd.meta, ok=False, account_id=account.id, reason="locked")
                await uow.commit()
                raise
            if not await self._passwords.verify(password, account.password_hash):
                locked = account.record_password_failure(now, self._policy)
                audit(uow, "login.password", now, cmd.meta, ok=False, account_id=account.id, reason="wrong_password")
                if locked:
                    audit(uow, "login.locked", now, cmd.meta, ok=False, account_id=account.id)
                await uow.commit()
                if locked:
                    account.ensure_password_login_open(now)
                left = self._policy.max_failures - account.failed_password_attempts
                raise InvalidCredentials(f"手机号或密码错误，还可尝试 {left} 次", details={"attemptsLeft": left})
            account.record_login_success()
            issued = self._sessions.open(uow, PrincipalKind.ACCOUNT, account.id, cmd.meta)
            audit(uow, "login.password", now, cmd.meta, account_id=account.id)
            await uow.commit()
            return SignedIn(await load_account_view(uow, account.id), issued)
