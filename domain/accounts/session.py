"""Bearer sessions of accounts and operators. Tokens are opaque; only their keyed hashes are stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4


class PrincipalKind(StrEnum):
    ACCOUNT = "ACCOUNT"
    OPERATOR = "OPERATOR"


@dataclass(eq=False)
class AuthSession:
    principal_kind: PrincipalKind
    principal_id: UUID
    access_token_hash: str
    access_expires_at: datetime
    refresh_token_hash: str | None
    refresh_expires_at: datetime | None
    created_at: datetime
    client_ip: str | None = None
    user_agent: str | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    # The refresh token this one replaced: presenting it again means it leaked, so the session dies.
    previous_refresh_token_hash: str | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    def is_access_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.access_expires_at

    def is_refresh_valid(self, now: datetime) -> bool:
        return (self.revoked_at is None and self.refresh_expires_at is not None
                and now < self.refresh_expires_at)

    def rotate(self, access_hash: str, access_expires_at: datetime, refresh_hash: str, now: datetime) -> None:
        self.access_token_hash = access_hash
        self.access_expires_at = access_expires_at
        self.previous_refresh_token_hash = self.refresh_token_hash
        self.refresh_token_hash = refresh_hash
        self.last_used_at = now

    def spend_refresh_token(self, now: datetime) -> SpentRefreshToken | None:
        """The current refresh token as spent, before rotating: kept so that presenting it ever again — not only
        right after the rotation — is recognised as a leak of this session's tokens."""
        if self.refresh_token_hash is None:
            return None
        return SpentRefreshToken(token_hash=self.refresh_token_hash, session_id=self.id, spent_at=now)

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


@dataclass(eq=False)
class SpentRefreshToken:
    """A refresh token already exchanged (by its keyed hash): whoever presents it again holds a copy that leaked,
    and the session it belonged to is ended (OAuth 2.0 Security BCP, refresh token reuse detection)."""

    token_hash: str
    session_id: UUID
    spent_at: datetime
