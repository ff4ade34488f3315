"""Authenticate: a bearer token → the principal it stands for, or nobody (and, for an app, why not)."""

from __future__ import annotations

from enum import StrEnum

from application.accounts.session_issuer import SessionIssuer
from application.context import Principal
from application.ports import Clock, UnitOfWorkFactory, reading
from domain.accounts.session import PrincipalKind


class TokenRefusal(StrEnum):
    """Why a bearer token that was sent stands for nobody: the app acts differently on each."""

    EXPIRED = "TOKEN_EXPIRED"  # a real session whose access token ran out: refresh it, then retry
    INVALID = "TOKEN_INVALID"  # unknown, malformed, signed out, revoked or its account gone: sign in again


class Authenticate:
    def __init__(self, uow: UnitOfWorkFactory, sessions: SessionIssuer, clock: Clock) -> None:
        self._uow, self._sessions, self._clock = uow, sessions, clock

    async def __call__(self, token: str | None) -> Principal | None:
        return (await self.check(token))[0]

    async def check(self, token: str | None) -> tuple[Principal | None, TokenRefusal | None]:
        """The principal, or None with the reason the token was refused (None when no token was sent)."""
        if not token:
            return None, None
        if len(token) > 200:
            return None, TokenRefusal.INVALID
        async with reading(self._uow) as uow:
            session = await uow.sessions.by_access_hash(self._sessions.token_hash(token))
            if session is None or session.revoked_at is not None:
                return None, TokenRefusal.INVALID
            if not session.is_access_valid(self._clock.now()):
                return None, TokenRefusal.EXPIRED
            if session.principal_kind is PrincipalKind.ACCOUNT:
                account = await uow.accounts.get(session.principal_id)
                if account is None or not account.is_active:
                    return None, TokenRefusal.INVALID
                return Principal(session.principal_kind, session.principal_id, session.id), None
            # The role is read at every request, so a change of role takes effect at once.
            operator = await uow.operators.get(session.principal_id)
            if operator is None:
                return None, TokenRefusal.INVALID
            return Principal(session.principal_kind, session.principal_id, session.id, operator.role), None
