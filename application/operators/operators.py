"""Operator accounts: created from the command line, log in with username and password."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.login_with_password import TIMING_DUMMY_HASH
from application.accounts.session_issuer import IssuedSession, SessionIssuer
from application.audit import audit
from application.context import RequestMeta
from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.accounts.account import LoginPolicy
from domain.accounts.password import check_password_policy
from domain.accounts.session import PrincipalKind
from domain.errors import Conflict, InvalidCredentials, InvalidInput, LoginLocked
from domain.operators.operator import Operator, check_username
from domain.text import bounded


class CreateOperator:
    def __init__(self, uow: UnitOfWorkFactory, passwords: PasswordHasher, clock: Clock) -> None:
        self._uow, self._passwords, self._clock = uow, passwords, clock

    async def __call__(self, username: str, password: str) -> Operator:
        name = check_username(username)
        password_hash = await self._passwords.hash(check_password_policy(password))
        async with self._uow() as uow:
            if await uow.operators.by_username(name) is not None:
                raise InvalidInput("该用户名已存在", field="username")
            operator = Operator(username=name, password_hash=password_hash, created_at=self._clock.now())
            uow.operators.add(operator)
            audit(uow, "operator.created", operator.created_at, None, operator_id=operator.id)
            try:
                await uow.commit()
            except Conflict:
                raise InvalidInput("该用户名已存在", field="username")
            return operator


@dataclass(frozen=True)
class OperatorLoginCommand:
    username: str
    password: str
    meta: RequestMeta


class OperatorLogin:
    def __init__(self, uow: UnitOfWorkFactory, passwords: PasswordHasher, sessions: SessionIssuer, clock: Clock,
                 policy: LoginPolicy) -> None:
        self._uow, self._passwords, self._sessions, self._clock, self._policy = uow, passwords, sessions, clock, policy

    async def __call__(self, cmd: OperatorLoginCommand) -> IssuedSession:
        username = bounded(cmd.username or "", field="username", max_len=32).lower()
        password = bounded(cmd.password or "", field="password", max_len=64, strip=False)
        # As for accounts: the try is counted and committed before the slow password check.
        async with self._uow() as uow:
            op = await uow.operators.by_username(username)
            now = self._clock.now()
            if op is None:
                await self._passwords.verify(password, TIMING_DUMMY_HASH)
                audit(uow, "operator.login", now, cmd.meta, ok=False, reason="unknown_user")
                await uow.commit()
                raise InvalidCredentials("用户名或密码错误")
            number = await uow.operators.take_password_try(op, now, self._policy)
            if number is None:
                audit(uow, "operator.login", now, cmd.meta, ok=False, operator_id=op.id, reason="locked")
                await uow.commit()
                raise LoginLocked("密码错误次数过多，账号已锁定，请稍后再试")
            await uow.commit()
        if not await self._passwords.verify(password, op.password_hash):
            async with self._uow() as uow:
                audit(uow, "operator.login", now, cmd.meta, ok=False, operator_id=op.id, reason="wrong_password")
                if number >= self._policy.max_failures:
                    audit(uow, "operator.locked", now, cmd.meta, ok=False, operator_id=op.id)
                await uow.commit()
            raise InvalidCredentials("用户名或密码错误")
        async with self._uow() as uow:
            now = self._clock.now()
            fresh = await uow.operators.get(op.id)
            if fresh is None or fresh.password_hash != op.password_hash:
                raise InvalidCredentials("用户名或密码错误")
            await uow.operators.reset_password_tries(fresh)
            issued = self._sessions.open(uow, PrincipalKind.OPERATOR, fresh.id, cmd.meta)
            audit(uow, "operator.login", now, cmd.meta, operator_id=fresh.id)
            await uow.commit()
            return issued
