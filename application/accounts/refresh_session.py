"""RefreshSession: rotate both tokens; a refresh token presented again — however many rotations ago it was
exchanged — ends the session (theft signal: whoever refreshed with a copy, the thief or the owner, the other holds
a stale one). Spent tokens are kept (as keyed hashes) for the refresh lifetime, after which they would be refused
as expired anyway."""

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
        self._refresh_ttl = sessions.refresh_ttl

    async def __call__(self, cmd: RefreshSessionCommand) -> IssuedSession:
        token = (cmd.refresh_token or "").strip()
        if not token or len(token) > 200:
            raise InvalidRefreshToken(field="refreshToken")
        token_hash = self._sessions.token_hash(token)
        async with self._uow() as uow:
            now = self._clock.now()
            session = await uow.sessions.by_refresh_hash(token_hash)
            if session is None:
                # The spent-token record; the previous-hash column still covers tokens spent before it existed.
                reused = (await uow.sessions.by_spent_refresh_hash(token_hash)
                          or await uow.sessions.by_previous_refresh_hash(token_hash))
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
            spent = session.spend_refresh_token(now)
            if spent is not None:
                uow.sessions.spent(spent)
            # A token spent before now - refresh_ttl belonged to a session whose refresh lifetime (counted from its
            # login, before that spending) is over: nothing can be refreshed with it any more, so it is forgotten.
            await uow.sessions.prune_spent(now - self._refresh_ttl)
            issued = self._sessions.rotate(session)
            audit(uow, "session.refreshed", now, cmd.meta, account_id=session.principal_id)
            await uow.commit()
            return issued
