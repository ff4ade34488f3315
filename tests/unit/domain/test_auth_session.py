"""AuthSession: access and refresh validity, rotation that remembers the replaced token, revocation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.accounts.session import AuthSession, PrincipalKind

T0 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def session(refresh: bool = True) -> AuthSession:
    return AuthSession(principal_kind=PrincipalKind.ACCOUNT, principal_id=uuid4(), access_token_hash="a1",
                       access_expires_at=T0 + timedelta(hours=2), refresh_token_hash="r1" if refresh else None,
                       refresh_expires_at=T0 + timedelta(days=30) if refresh else None, created_at=T0)


def test_access_is_valid_until_it_expires() -> None:
    s = session()
    assert s.is_access_valid(T0 + timedelta(hours=1, minutes=59))
    assert not s.is_access_valid(T0 + timedelta(hours=2))


def test_refresh_outlives_access() -> None:
    s = session()
    assert s.is_refresh_valid(T0 + timedelta(days=29))
    assert not s.is_refresh_valid(T0 + timedelta(days=30))


def test_without_a_refresh_token_nothing_refreshes() -> None:
    assert not session(refresh=False).is_refresh_valid(T0)


def test_rotate_replaces_both_tokens_and_remembers_the_old_refresh() -> None:
    s = session()
    later = T0 + timedelta(hours=3)
    s.rotate("a2", later + timedelta(hours=2), "r2", later)
    assert (s.access_token_hash, s.refresh_token_hash, s.previous_refresh_token_hash) == ("a2", "r2", "r1")
    assert s.is_access_valid(later)
    assert s.last_used_at == later


def test_revoke_ends_both_and_keeps_the_first_time() -> None:
    s = session()
    s.revoke(T0)
    s.revoke(T0 + timedelta(hours=1))
    assert s.revoked_at == T0
    assert not s.is_access_valid(T0)
    assert not s.is_refresh_valid(T0)
