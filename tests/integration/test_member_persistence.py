"""The SQL repositories of joining and members (§5.2, §8.1) against the real database (SQLite, or PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import event

from domain.accounts.account import Account
from domain.enterprises.enterprise import CertificationStatus, Enterprise, Membership
from domain.enterprises.members import (
    JoinApplication,
    JoinApplicationStatus,
    MemberInvitation,
    MemberRole,
)
from domain.errors import Conflict
from domain.identity.documents import DocumentType
from domain.identity.identity import DocumentEvidence, Identity

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def _enterprise(founder: Account, name: str = "北京数信科技有限公司") -> Enterprise:
    return Enterprise(name=name, credit_code="91110108MA01ABCD1E", legal_rep_name="张三",
                      legal_rep_id_ciphertext=b"c", legal_rep_id_index=f"idx-{uuid4()}", legal_rep_id_masked="4401**",
                      licence_blob_id="blob", licence_content_type="image/png", created_by=founder.id, created_at=T0,
                      status=CertificationStatus.CERTIFIED, certified_at=T0)


def _person(n: int, *, verified: bool = True) -> tuple[Account, Identity]:
    account = Account(phone=f"1390000{n:04d}", password_hash="x", created_at=T0)
    identity = Identity(account_id=account.id)
    identity.start_face(DocumentEvidence(DocumentType.ID_CARD, f"成员{n}", b"c", f"doc-{uuid4()}", "1101**"), T0)
    if verified:
        identity.face_passed(T0)
    return account, identity


async def _enterprise_with_members(uow, count: int, first_phone: int = 0) -> Enterprise:
    people = [_person(first_phone + i) for i in range(count)]
    enterprise = _enterprise(people[0][0])
    async with uow() as u:
        for account, identity in people:
            u.accounts.add(account)
            u.identities.add(identity)
        u.enterprises.add(enterprise)
        for i, (account, _identity) in enumerate(people):
            u.memberships.add(Membership(enterprise_id=enterprise.id, account_id=account.id,
                                         joined_at=T0 + timedelta(seconds=i), is_admin=i == 0))
        await u.commit()
    return enterprise


async def _page_statements(container, enterprise: Enterprise) -> tuple[list[str], list]:
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = container.engine().sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        async with container.uow() as u:
            page = await u.member_directory.page(enterprise.id, first=100, after=None)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return statements, page.items


async def test_a_member_page_costs_the_same_statements_for_3_and_30_members(container):
    few = await _enterprise_with_members(container.uow, 3)
    many = await _enterprise_with_members(container.uow, 30, first_phone=100)
    few_sql, few_rows = await _page_statements(container, few)
    many_sql, many_rows = await _page_statements(container, many)
    assert (len(few_rows), len(many_rows)) == (3, 30)
    assert [r.legal_name for r in many_rows] == [f"成员{i}" for i in range(100, 130)]
    assert many_rows[1].phone == "13900000101"
    assert len(few_sql) == len(many_sql), (few_sql, many_sql)
    # One SELECT joins memberships, accounts and identities; one more counts the list (the connection's totalCount).
    selects = [s for s in many_sql if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2 and sum("count(" in s.lower() for s in selects) == 1, many_sql


async def test_the_member_page_walks_by_cursor_and_hides_what_is_not_verified(container):
    uow = container.uow
    enterprise = await _enterprise_with_members(uow, 5)
    account, identity = _person(99, verified=False)
    async with uow() as u:
        u.accounts.add(account)
        u.identities.add(identity)
        u.memberships.add(Membership(enterprise_id=enterprise.id, account_id=account.id, joined_at=T0 + timedelta(1)))
        await u.commit()
    seen, after = [], None
    async with uow() as u:
        while True:
            page = await u.member_directory.page(enterprise.id, first=2, after=after)
            seen += [r.legal_name for r in page.items]
            if not page.has_next:
                break
            after = page.end_cursor
    assert seen == ["成员0", "成员1", "成员2", "成员3", "成员4", None]


async def test_remove_deletes_the_membership(container):
    uow = container.uow
    enterprise = await _enterprise_with_members(uow, 2)
    async with uow() as u:
        page = await u.member_directory.page(enterprise.id, first=10, after=None)
        target = await u.member_directory.get(page.items[1].membership.id)
        await u.member_directory.remove(target)
        await u.commit()
    async with uow() as u:
        assert [m.is_admin for m in await u.memberships.for_enterprise(enterprise.id)] == [True]


async def test_one_pending_application_per_person_and_enterprise_under_race(container):
    uow = container.uow
    enterprise = await _enterprise_with_members(uow, 1)
    applicant, identity = _person(50)
    async with uow() as u:
        u.accounts.add(applicant)
        u.identities.add(identity)
        await u.commit()
    first, second = uow(), uow()
    async with first as f, second as s:
        for u in (f, s):
            u.join_applications.add(JoinApplication.submit(enterprise_id=enterprise.id,
                                                           applicant_account_id=applicant.id, applicant_name="成员50",
                                                           reason="入职", now=T0))
        await f.commit()
        with pytest.raises(Conflict):
            await s.commit()
    async with uow() as u:
        pending = await u.join_applications.pending_of(enterprise.id, applicant.id)
        assert pending is not None and [a.id for a in await u.join_applications.pending_for_account(applicant.id)] == [
            pending.id]
        pending.reject(enterprise.created_by, T0)
        await u.commit()
    # Once decided, the key is free: the person may apply again, and the queue filters by status.
    async with uow() as u:
        u.join_applications.add(JoinApplication.submit(enterprise_id=enterprise.id, applicant_account_id=applicant.id,
                                                       applicant_name="成员50", reason="再次申请",
                                                       now=T0 + timedelta(1)))
        await u.commit()
    async with uow() as u:
        everything = await u.join_applications.page(enterprise.id, status=None, first=1, after=None)
        rest = await u.join_applications.page(enterprise.id, status=None, first=1, after=everything.end_cursor)
        pending_only = await u.join_applications.page(enterprise.id, status=JoinApplicationStatus.PENDING, first=10,
                                                      after=None)
    assert everything.has_next and [a.reason for a in everything.items + rest.items] == ["入职", "再次申请"]
    assert [a.reason for a in pending_only.items] == ["再次申请"]


async def test_invitations_are_found_by_phone_key_and_one_is_open_per_phone(container):
    uow = container.uow
    enterprise = await _enterprise_with_members(uow, 1)
    admin = enterprise.created_by

    def invitation():
        return MemberInvitation.issue(enterprise_id=enterprise.id, name="王五", phone_index="key-1",
                                      phone_masked="137****7000", role=MemberRole.ADMIN, invited_by=admin, now=T0)

    async with uow() as u:
        u.member_invitations.add(invitation())
        await u.commit()
    with pytest.raises(Conflict):
        async with uow() as u:
            u.member_invitations.add(invitation())
            await u.commit()
    async with uow() as u:
        found = await u.member_invitations.pending_for_phone("key-1")
        assert [i.role for i in found] == [MemberRole.ADMIN]
        assert (await u.member_invitations.pending_of(enterprise.id, "key-1")).id == found[0].id
        assert await u.member_invitations.pending_for_phone("key-2") == []
        found[0].cancel()
        await u.commit()
    async with uow() as u:
        assert await u.member_invitations.pending_for_phone("key-1") == []
        assert [e.id for e in await u.enterprises.certified_named("北京数信科技有限公司")] == [enterprise.id]


async def test_the_admins_invitation_list_pages_and_keeps_the_encrypted_phone_and_who_cancelled(container):
    uow, cipher = container.uow, container.cipher()
    enterprise = await _enterprise_with_members(uow, 1, first_phone=40)
    admin = enterprise.created_by
    made = []
    for n in range(3):
        inv = MemberInvitation.issue(enterprise_id=enterprise.id, name=f"受邀{n}", phone_index=f"list-{uuid4()}",
                                     phone_masked="137****7000", role=MemberRole.MEMBER, invited_by=admin,
                                     now=T0 + timedelta(minutes=n))
        inv.phone_ciphertext = cipher.encrypt(b"13700137000", inv.id.bytes)
        made.append(inv)
    async with uow() as u:
        for inv in made:
            u.member_invitations.add(inv)
        await u.commit()
    async with uow() as u:
        got = await u.member_invitations.get(made[1].id)
        assert cipher.decrypt(got.phone_ciphertext, got.id.bytes) == b"13700137000"
        assert (got.send_count, got.last_sent_at) == (1, T0 + timedelta(minutes=1))
        got.withdraw(admin, T0 + timedelta(hours=1))
        first = await u.member_invitations.get(made[0].id)
        first.resend(T0 + timedelta(hours=1))
        await u.commit()
    async with uow() as u:
        page = await u.member_invitations.page(enterprise.id, pending_only=False, first=2, after=None)
        rest = await u.member_invitations.page(enterprise.id, pending_only=False, first=2, after=page.end_cursor)
        pending = await u.member_invitations.page(enterprise.id, pending_only=True, first=10, after=None)
        assert page.has_next and not rest.has_next
        assert [i.name for i in page.items + rest.items] == ["受邀0", "受邀1", "受邀2"]
        assert [i.name for i in pending.items] == ["受邀0", "受邀2"]
        cancelled = page.items[1]
        assert (cancelled.status.value, cancelled.cancelled_by, cancelled.cancelled_at, cancelled.pending_key) == (
            "CANCELLED", admin, T0 + timedelta(hours=1), None)
        assert (page.items[0].send_count, page.items[0].expires_at) == (2, T0 + timedelta(hours=1, days=30))
        key = made[2].phone_index
        assert await u.member_invitations.count_since(enterprise.id, key, T0 + timedelta(minutes=2)) == 1
        assert await u.member_invitations.count_since(enterprise.id, key, T0 + timedelta(minutes=3)) == 0
        assert await u.member_invitations.count_since(uuid4(), key, T0) == 0
