"""RefreshSession: rotate both tokens; a refresh token presented twice ends the session (theft signal)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.session_issuer import IssuedSession, SessionIssuer
from application.audit import audit
from application.context import RequestMeta
from application.ports import Clock, UnitOfWorkFactory
from domain.errors import InvalidRefreshToken


@dataclass(frozen=True)
class RefreshSessionCommand:
    refresh_token: str
    meta: RequestMeta


class RefreshSession:
    def __init__(self, uow: UnitOfWorkFactory, sessions: SessionIssuer, clock: Clock) -> None:
        self._uow, self._sessions, self._clock = uow, sessions, clock

    async def __call__(self, cmd: RefreshSessionCommand) -> IssuedSession:
        token = (cmd.refresh_token or "").strip()
        if not token or len(token) > 200:
            raise InvalidRefreshToken(field="refreshToken")
        token_hash = self._sessions.token_hash(token)
        async with self._uow() as uow:
            now = self._clock.now()
            session = await uow.sessions.by_refresh_hash(token_hash)
            if session is None:
                reused = await uow.sessions.by_previous_refresh_hash(token_hash)
                if reused is not None and reused.revoked_at is None:
                    reused.revoke(now)
                    audit(uow, "session.refresh_reuse", now, cmd.meta, ok=False, account_id=reused.principal_id)
                    await uow.commit()
                raise InvalidRefreshToken(field="refreshToken")
            if not session.is_refresh_valid(now):
                raise InvalidRefreshToken(field="refreshToken")
            account = await uow.accounts.get(session.principal_id)
            if account is None or not account.is_active:
                raise InvalidRefreshToken(field="refreshToken")
            issued = self._sessions.rotate(session)
            audit(uow, "session.refreshed", now, cmd.meta, account_id=session.principal_id)
            await uow.commit()
            return issued
