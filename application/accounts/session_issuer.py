"""Creates and rotates bearer sessions; the clear tokens exist only in the response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.context import RequestMeta
from application.policy import SessionPolicy
from application.ports import Clock, SecretHasher, UnitOfWork
from domain.accounts.session import AuthSession, PrincipalKind


@dataclass(frozen=True)
class IssuedSession:
    session_id: UUID
    access_token: str
    refresh_token: str | None
    expires_at: datetime


class SessionIssuer:
    def __init__(self, clock: Clock, hasher: SecretHasher, policy: SessionPolicy) -> None:
        self._clock = clock
        self._hasher = hasher
        self._policy = policy

    @property
    def refresh_ttl(self) -> timedelta:
        return self._policy.refresh_ttl

    def token_hash(self, token: str) -> str:
        return self._hasher.hash("token", token)

    def open(self, uow: UnitOfWork, kind: PrincipalKind, principal_id: UUID, meta: RequestMeta) -> IssuedSession:
        now = self._clock.now()
        access = self._hasher.new_token("sxa")
        ttl = self._policy.access_ttl if kind is PrincipalKind.ACCOUNT else self._policy.operator_access_ttl
        # Operators get no refresh token: their sessions end with the working day.
        refresh = self._hasher.new_token("sxr") if kind is PrincipalKind.ACCOUNT else None
        session = AuthSession(
            principal_kind=kind, principal_id=principal_id,
            access_token_hash=self.token_hash(access), access_expires_at=now + ttl,
            refresh_token_hash=self.token_hash(refresh) if refresh else None,
            refresh_expires_at=now + self._policy.refresh_ttl if refresh else None,
            created_at=now, client_ip=meta.client_ip, user_agent=(meta.user_agent or "")[:200] or None,
            last_used_at=now,
        )
        uow.sessions.add(session)
        return IssuedSession(session.id, access, refresh, session.access_expires_at)

    def rotate(self, session: AuthSession) -> IssuedSession:
        now = self._clock.now()
        access = self._hasher.new_token("sxa")
        refresh = self._hasher.new_token("sxr")
        session.rotate(self.token_hash(access), now + self._policy.access_ttl, self.token_hash(refresh), now)
        return IssuedSession(session.id, access, refresh, session.access_expires_at)
