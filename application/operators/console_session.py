"""The console's cookie session: an operator session that also ends after a spell of inactivity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.accounts.session_issuer import SessionIssuer
from application.audit import audit
from application.context import Principal
from application.ports import Clock, UnitOfWorkFactory
from domain.accounts.session import PrincipalKind
from domain.operators.operator import OperatorRole

# Writing last_used_at at every click would make every page a write; a minute's grain is enough for the timeout.
_TOUCH_GRAIN = timedelta(seconds=60)


@dataclass(frozen=True)
class ConsoleOperator:
    principal: Principal
    username: str
    role: OperatorRole


class AuthenticateConsole:
    def __init__(self, uow: UnitOfWorkFactory, sessions: SessionIssuer, clock: Clock, idle: timedelta) -> None:
        self._uow, self._sessions, self._clock, self._idle = uow, sessions, clock, idle

    async def __call__(self, token: str | None) -> ConsoleOperator | None:
        if not token or len(token) > 200:
            return None
        async with self._uow() as uow:
            now = self._clock.now()
            session = await uow.sessions.by_access_hash(self._sessions.token_hash(token))
            if (session is None or session.principal_kind is not PrincipalKind.OPERATOR
                    or not session.is_access_valid(now)):
                return None
            if session.last_used_at is not None and now - session.last_used_at > self._idle:
                session.revoke(now)
                audit(uow, "operator.idle_timeout", now, None, operator_id=session.principal_id)
                await uow.commit()
                return None
            operator = await uow.operators.get(session.principal_id)
            if operator is None or not operator.has_second_factor:
                return None
            if session.last_used_at is None or now - session.last_used_at >= _TOUCH_GRAIN:
                session.last_used_at = now
                await uow.commit()
            return ConsoleOperator(Principal(PrincipalKind.OPERATOR, operator.id, session.id, operator.role),
                                   operator.username, operator.role)
