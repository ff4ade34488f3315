"""The sessions' SQL repository on the real database: spent refresh tokens recorded with their session, found by
hash at any depth, and pruned once older than the refresh lifetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.accounts.account import Account
from domain.accounts.session import AuthSession, PrincipalKind


def _session(account: Account, n: int, now: datetime) -> AuthSession:
    return AuthSession(principal_kind=PrincipalKind.ACCOUNT, principal_id=account.id, access_token_hash=f"a{n}",
                       access_expires_at=now + timedelta(hours=2), refresh_token_hash=f"r{n}",
                       refresh_expires_at=now + timedelta(days=30), created_at=now)


async def test_spent_refresh_tokens_are_found_at_any_depth_and_pruned(container):
    uow = container.uow
    now = datetime.now(UTC)
    account = Account(phone="13200000201", password_hash="x", created_at=now)
    async with uow() as u:
        u.accounts.add(account)
        await u.commit()
    session = _session(account, 1, now)
    async with uow() as u:
        u.sessions.add(session)
        await u.commit()
    for n in (2, 3, 4):  # three rotations: r1, r2, r3 are spent
        async with uow() as u:
            stored = await u.sessions.get(session.id)
            u.sessions.spent(stored.spend_refresh_token(now - timedelta(days=40 - n)))
            stored.rotate(f"a{n}x", now, f"r{n}", now)
            await u.commit()
    async with uow() as u:
        for token in ("r1", "r2", "r3"):
            assert (await u.sessions.by_spent_refresh_hash(token)).id == session.id
        assert await u.sessions.by_spent_refresh_hash("r4") is None  # the current one is not spent
        assert (await u.sessions.by_refresh_hash("r4")).id == session.id
        await u.sessions.prune_spent(now - timedelta(days=37))  # r1 (38 days) goes; r2 (37) and r3 (36) stay
        await u.commit()
    async with uow() as u:
        assert await u.sessions.by_spent_refresh_hash("r1") is None
        assert (await u.sessions.by_spent_refresh_hash("r2")).id == session.id
