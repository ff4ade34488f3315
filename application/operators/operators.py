"""Operator accounts: created from the command line with a role, log in with username, password and (when
enrolled) a TOTP code."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.accounts.login_with_password import TIMING_DUMMY_HASH
from application.accounts.session_issuer import IssuedSession, SessionIssuer
from application.audit import audit
from application.context import RequestMeta
from application.ports import Clock, FieldCipher, PasswordHasher, TotpAuthenticator, UnitOfWorkFactory
from domain.accounts.account import LoginPolicy
from domain.accounts.password import check_password_policy
from domain.accounts.session import PrincipalKind
from domain.errors import Conflict, InvalidCredentials, InvalidInput, LoginLocked, SecondFactorRequired
from domain.operators.operator import Operator, OperatorRole, check_username
from domain.text import bounded


def totp_context(operator_id: UUID) -> bytes:
    return b"operator-totp:" + operator_id.bytes


@dataclass(frozen=True)
class CreatedOperator:
    operator: Operator
    # The enrolment URI, shown once to the person at the terminal; None for an operator without a second factor.
    totp_uri: str | None

    @property
    def id(self) -> UUID:
        return self.operator.id

    @property
    def username(self) -> str:
        return self.operator.username


class CreateOperator:
    def __init__(self, uow: UnitOfWorkFactory, passwords: PasswordHasher, clock: Clock, cipher: FieldCipher,
                 totp: TotpAuthenticator) -> None:
        self._uow, self._passwords, self._clock, self._cipher, self._totp = uow, passwords, clock, cipher, totp

    async def __call__(self, username: str, password: str, role: OperatorRole = OperatorRole.REVIEWER, *,
                       second_factor: bool = False) -> CreatedOperator:
        """`sxq operator create` asks for the second factor unless told --no-totp; without one an operator may use
        the GraphQL API with the password alone, never the console."""
        name = check_username(username)
        password_hash = await self._passwords.hash(check_password_policy(password))
        async with self._uow() as uow:
            if await uow.operators.by_username(name) is not None:
                raise InvalidInput("该用户名已存在", field="username")
            operator = Operator(username=name, password_hash=password_hash, created_at=self._clock.now(),
                                role=OperatorRole(role))
            uri = None
            if second_factor:
                secret = self._totp.new_secret()
                operator.totp_secret_ciphertext = self._cipher.encrypt(secret.encode(), totp_context(operator.id))
                uri = self._totp.provisioning_uri(secret, name)
            uow.operators.add(operator)
            audit(uow, "operator.created", operator.created_at, None, operator_id=operator.id,
                  role=operator.role.value, second_factor=second_factor)
            try:
                await uow.commit()
            except Conflict:
                raise InvalidInput("该用户名已存在", field="username")
            return CreatedOperator(operator, uri)


@dataclass(frozen=True)
class OperatorLoginCommand:
    username: str
    password: str
    meta: RequestMeta
    totp_code: str | None = None
    # The console admits only operators with a second factor; the API admits operators without one (--no-totp)
    # on their password, and asks everyone else for the code too.
    require_second_factor: bool = False


@dataclass(frozen=True)
class OperatorSignedIn:
    session: IssuedSession
    operator: Operator


class OperatorLogin:
    def __init__(self, uow: UnitOfWorkFactory, passwords: PasswordHasher, sessions: SessionIssuer, clock: Clock,
                 policy: LoginPolicy, cipher: FieldCipher, totp: TotpAuthenticator) -> None:
        self._uow, self._passwords, self._sessions, self._clock, self._policy = uow, passwords, sessions, clock, policy
        self._cipher, self._totp = cipher, totp

    async def __call__(self, cmd: OperatorLoginCommand) -> IssuedSession:
        return (await self.sign_in(cmd)).session

    async def sign_in(self, cmd: OperatorLoginCommand) -> OperatorSignedIn:
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
                await self._refused(uow, number, op, now, cmd.meta, "wrong_password")
            raise InvalidCredentials("用户名或密码错误")
        async with self._uow() as uow:
            now = self._clock.now()
            fresh = await uow.operators.get(op.id)
            if fresh is None or fresh.password_hash != op.password_hash:
                raise InvalidCredentials("用户名或密码错误")
            totp_step = None
            if fresh.has_second_factor:
                code = bounded(cmd.totp_code or "", field="totpCode", max_len=16)
                if not code:
                    # The password was right: say so only by asking for the code. The try taken above stays
                    # counted (only a whole sign-in gives it back), so the code cannot be guessed around the lockout.
                    audit(uow, "operator.login", now, cmd.meta, ok=False, operator_id=fresh.id, reason="no_totp")
                    await uow.commit()
                    raise SecondFactorRequired("请输入动态口令", field="totpCode")
                assert fresh.totp_secret_ciphertext is not None
                secret = self._cipher.decrypt(fresh.totp_secret_ciphertext, totp_context(fresh.id)).decode()
                step = self._totp.matching_step(secret, code, now)
                # A wrong or replayed code counts like a wrong password: the try taken above is not given back.
                if step is None or not fresh.accept_totp_step(step):
                    await self._refused(uow, number, fresh, now, cmd.meta, "wrong_totp")
                    raise InvalidCredentials("动态口令错误", field="totpCode")
                totp_step = step
            elif cmd.require_second_factor:
                audit(uow, "operator.login", now, cmd.meta, ok=False, operator_id=fresh.id, reason="no_second_factor")
                await uow.commit()
                raise SecondFactorRequired("该工作人员未绑定动态口令，不能登录控制台；请用 sxq operator create 重新开设")
            await uow.operators.reset_password_tries(fresh)
            if totp_step is not None:
                # The counter's reset reads the row again: the code's step is recorded after it, so a replay of the
                # same code is refused (and two sign-ins racing with it meet a version conflict).
                fresh.accept_totp_step(totp_step)
            issued = self._sessions.open(uow, PrincipalKind.OPERATOR, fresh.id, cmd.meta)
            audit(uow, "operator.login", now, cmd.meta, operator_id=fresh.id,
                  channel="console" if cmd.require_second_factor else "api")
            op = fresh
            await uow.commit()
            return OperatorSignedIn(issued, op)

    async def _refused(self, uow, number: int, op: Operator, now, meta: RequestMeta, reason: str) -> None:
        """Audits a refused sign-in whose try was already counted (take_password_try); the try that reached the
        policy's limit locked the operator."""
        audit(uow, "operator.login", now, meta, ok=False, operator_id=op.id, reason=reason)
        if number >= self._policy.max_failures:
            audit(uow, "operator.locked", now, meta, ok=False, operator_id=op.id)
        await uow.commit()
