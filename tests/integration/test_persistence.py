"""Repositories and the unit of work against the real database (SQLite, or PostgreSQL in CI)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.accounts.account import Account
from domain.errors import Conflict
from domain.identity.documents import DocumentType
from domain.identity.identity import DocumentEvidence, Identity


def _account(phone: str) -> Account:
    return Account(phone=phone, password_hash="x", created_at=datetime.now(UTC))


async def test_uncommitted_work_is_rolled_back(container):
    uow = container.uow
    async with uow() as u:
        u.accounts.add(_account("13200000000"))
    async with uow() as u:
        assert await u.accounts.by_phone("13200000000") is None


async def test_unique_phone_is_a_conflict(container):
    uow = container.uow
    async with uow() as u:
        u.accounts.add(_account("13200000001"))
        await u.commit()
    with pytest.raises(Conflict):
        async with uow() as u:
            u.accounts.add(_account("13200000001"))
            await u.commit()


async def test_concurrent_update_of_one_account_is_caught(container):
    """Two transactions load the same version; the second to commit loses (version column)."""
    uow = container.uow
    account = _account("13200000002")
    async with uow() as u:
        u.accounts.add(account)
        await u.commit()
    first, second = uow(), uow()
    async with first as a, second as b:
        one = await a.accounts.get(account.id)
        two = await b.accounts.get(account.id)
        one.failed_password_attempts += 1
        await a.commit()
        two.failed_password_attempts += 1
        with pytest.raises(Conflict):
            await b.commit()
    async with uow() as u:
        assert (await u.accounts.get(account.id)).failed_password_attempts == 1


async def test_one_document_one_account_under_race(container):
    """Two accounts claim the same document in parallel transactions: the unique key lets one win."""
    uow = container.uow
    a1, a2 = _account("13200000003"), _account("13200000004")
    async with uow() as u:
        u.accounts.add(a1)
        u.accounts.add(a2)
        await u.commit()
    now = datetime.now(UTC)
    evidence = DocumentEvidence(DocumentType.PASSPORT, "A B", b"c", "same-key", "E1**")
    first, second = uow(), uow()
    async with first as f, second as s:
        for u, acc in ((f, a1), (s, a2)):
            ident = Identity(account_id=acc.id)
            ident.submit_for_review(evidence, now)
            u.identities.add(ident)
        await f.commit()
        with pytest.raises(Conflict):
            await s.commit()


async def test_reviews_page_by_cursor(container):
    from domain.identity.review import Review, ReviewKind, ReviewStatus

    uow = container.uow
    acc = _account("13200000005")
    async with uow() as u:
        u.accounts.add(acc)
        for i in range(5):
            u.reviews.add(Review(kind=ReviewKind.IDENTITY, subject_account_id=acc.id, subject_summary=f"r{i}",
                                 submitted_at=datetime(2026, 1, 1, 0, 0, i, tzinfo=UTC)))
        await u.commit()
    seen = []
    after = None
    async with uow() as u:
        while True:
            page = await u.reviews.page(kind=ReviewKind.IDENTITY, status=ReviewStatus.PENDING, first=2, after=after)
            seen += [r.subject_summary for r in page.items]
            if not page.has_next:
                break
            after = page.end_cursor
    assert seen == ["r0", "r1", "r2", "r3", "r4"]
    async with uow() as u:
        garbage = await u.reviews.page(kind=None, status=None, first=2, after="%%%not-a-cursor")
        assert [r.subject_summary for r in garbage.items] == ["r0", "r1"]
