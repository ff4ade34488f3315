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
from domain.errors import InvalidCredentials
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
        # The try is counted and committed before the (slow) password check, as the PIN gate does: parallel
        # guesses cannot all be checked against one count, and the lock falls exactly at the policy's threshold.
        async with self._uow() as uow:
            account = await uow.accounts.by_phone(phone)
            now = self._clock.now()
            if account is None or not account.is_active:
                await self._passwords.verify(password, TIMING_DUMMY_HASH)
                audit(uow, "login.password", now, cmd.meta, ok=False, reason="unknown_phone")
                await uow.commit()
                raise InvalidCredentials()
            number = await uow.accounts.take_password_try(account, now, self._policy)
            if number is None:
                audit(uow, "login.password", now, cmd.meta, ok=False, account_id=account.id, reason="locked")
                await uow.commit()
                raise account.locked_error(now)
            await uow.commit()
        if not await self._passwords.verify(password, account.password_hash):
            async with self._uow() as uow:
                audit(uow, "login.password", now, cmd.meta, ok=False, account_id=account.id, reason="wrong_password")
                if number >= self._policy.max_failures:
                    audit(uow, "login.locked", now, cmd.meta, ok=False, account_id=account.id)
                await uow.commit()
            raise account.wrong_password(number, now, self._policy)
        async with self._uow() as uow:
            now = self._clock.now()
            fresh = await uow.accounts.get(account.id)
            if fresh is None or not fresh.is_active or fresh.password_hash != account.password_hash:
                raise InvalidCredentials()  # deleted or its password changed while this one was being checked
            await uow.accounts.reset_password_tries(fresh)
            issued = self._sessions.open(uow, PrincipalKind.ACCOUNT, fresh.id, cmd.meta)
            audit(uow, "login.password", now, cmd.meta, account_id=fresh.id)
            await uow.commit()
            return SignedIn(await load_account_view(uow, fresh.id), issued)
