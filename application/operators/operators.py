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
        async with self._uow() as uow:
            op = await uow.operators.by_username(username)
            now = self._clock.now()
            if op is None:
                await self._passwords.verify(password, TIMING_DUMMY_HASH)
                audit(uow, "operator.login", now, cmd.meta, ok=False, reason="unknown_user")
                await uow.commit()
                raise InvalidCredentials("用户名或密码错误")
            try:
                op.ensure_password_login_open(now)
            except LoginLocked:
                audit(uow, "operator.login", now, cmd.meta, ok=False, operator_id=op.id, reason="locked")
                await uow.commit()
                raise LoginLocked("密码错误次数过多，账号已锁定，请稍后再试")
            if not await self._passwords.verify(password, op.password_hash):
                await self._refuse(uow, op, now, cmd.meta, "wrong_password")
                raise InvalidCredentials("用户名或密码错误")
            if op.has_second_factor:
                code = bounded(cmd.totp_code or "", field="totpCode", max_len=16)
                if not code:
                    # The password was right: say so only by asking for the code, and count nothing.
                    audit(uow, "operator.login", now, cmd.meta, ok=False, operator_id=op.id, reason="no_totp")
                    await uow.commit()
                    raise SecondFactorRequired("请输入动态口令", field="totpCode")
                assert op.totp_secret_ciphertext is not None
                secret = self._cipher.decrypt(op.totp_secret_ciphertext, totp_context(op.id)).decode()
                step = self._totp.matching_step(secret, code, now)
                # A wrong or replayed code counts towards the same lockout as a wrong password.
                if step is None or not op.accept_totp_step(step):
                    await self._refuse(uow, op, now, cmd.meta, "wrong_totp")
                    raise InvalidCredentials("动态口令错误", field="totpCode")
            elif cmd.require_second_factor:
                audit(uow, "operator.login", now, cmd.meta, ok=False, operator_id=op.id, reason="no_second_factor")
                await uow.commit()
                raise SecondFactorRequired("该工作人员未绑定动态口令，不能登录控制台；请用 sxq operator create 重新开设")
            op.record_login_success()
            issued = self._sessions.open(uow, PrincipalKind.OPERATOR, op.id, cmd.meta)
            audit(uow, "operator.login", now, cmd.meta, operator_id=op.id,
                  channel="console" if cmd.require_second_factor else "api")
            await uow.commit()
            return OperatorSignedIn(issued, op)

    async def _refuse(self, uow, op: Operator, now, meta: RequestMeta, reason: str) -> None:
        locked = op.record_password_failure(now, self._policy)
        audit(uow, "operator.login", now, meta, ok=False, operator_id=op.id, reason=reason)
        if locked:
            audit(uow, "operator.locked", now, meta, ok=False, operator_id=op.id)
        await uow.commit()
