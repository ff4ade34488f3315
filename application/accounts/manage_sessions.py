"""Logout, list sessions and end one of them (§9.3 security centre)."""

from __future__ import annotations

from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, UnitOfWorkFactory
from domain.accounts.session import AuthSession
from domain.errors import NotFound


class Logout:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, meta: RequestMeta, *, everywhere: bool = False) -> None:
        if principal is None:
            return
        async with self._uow() as uow:
            now = self._clock.now()
            sessions = await uow.sessions.active_for(principal.kind, principal.id, now) if everywhere else []
            current = await uow.sessions.get(principal.session_id)
            for session in [*sessions, current]:
                if session is not None:
                    session.revoke(now)
            if current is not None:
                audit(uow, "session.logout", now, meta, account_id=principal.id if principal.is_account else None,
                      operator_id=principal.id if principal.is_operator else None, everywhere=everywhere or None)
                await uow.commit()


class ListSessions:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None) -> list[AuthSession]:
        p = require_account(principal)
        async with self._uow() as uow:
            return await uow.sessions.active_for(p.kind, p.id, self._clock.now())


class EndSession:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, session_id: UUID, meta: RequestMeta) -> None:
        p = require_account(principal)
        async with self._uow() as uow:
            session = await uow.sessions.get(session_id)
            # Another account's session looks exactly like a missing one.
            if session is None or session.principal_id != p.id or session.principal_kind is not p.kind:
                raise NotFound("会话不存在", field="sessionId")
            now = self._clock.now()
            session.revoke(now)
            audit(uow, "session.ended", now, meta, account_id=p.id)
            await uow.commit()
