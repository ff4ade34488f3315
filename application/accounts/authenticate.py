"""Authenticate: a bearer token → the principal it stands for, or nobody."""

from __future__ import annotations

from application.accounts.session_issuer import SessionIssuer
from application.context import Principal
from application.ports import Clock, UnitOfWorkFactory
from domain.accounts.session import PrincipalKind


class Authenticate:
    def __init__(self, uow: UnitOfWorkFactory, sessions: SessionIssuer, clock: Clock) -> None:
        self._uow, self._sessions, self._clock = uow, sessions, clock

    async def __call__(self, token: str | None) -> Principal | None:
        if not token or len(token) > 200:
            return None
        async with self._uow() as uow:
            session = await uow.sessions.by_access_hash(self._sessions.token_hash(token))
            if session is None or not session.is_access_valid(self._clock.now()):
                return None
            if session.principal_kind is PrincipalKind.ACCOUNT:
                account = await uow.accounts.get(session.principal_id)
                if account is None or not account.is_active:
                    return None
                return Principal(session.principal_kind, session.principal_id, session.id)
            # The role is read at every request, so a change of role takes effect at once.
            operator = await uow.operators.get(session.principal_id)
            if operator is None:
                return None
            return Principal(session.principal_kind, session.principal_id, session.id, operator.role)
