"""SQL statements and connection checkouts per GraphQL request, pinned (issue 17): a constant for `Me` and for a
connection page, whatever the number of memberships or members. Counted with SQLAlchemy event listeners on the
writer and the reader engines (adapters/persistence/engine.py), over the real app (SQLite, or PostgreSQL)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from sqlalchemy import event

from domain.accounts.account import Account
from domain.enterprises.enterprise import CertificationStatus, Enterprise, Membership
from domain.identity.documents import DocumentType
from domain.identity.identity import DocumentEvidence, Identity
from graphql_schema.common.node import to_global_id

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
PHONE = "13912340000"


@contextlib.contextmanager
def counted(container):
    """The statements sent and the connections checked out while the block runs."""
    seen: dict[str, list] = {"statements": [], "checkouts": []}
    writer = container.engine()
    engines = [writer]
    reader = container.read_engine()
    if reader.sync_engine.pool is not writer.sync_engine.pool:
        engines.append(reader)  # SQLite: a pool of its own; PostgreSQL: the writer's pool (its events apply)

    def statement(_conn, _cursor, sql, *_a):
        seen["statements"].append(sql)

    def checkout(*_a):
        seen["checkouts"].append(1)

    for e in engines:
        event.listen(e.sync_engine, "before_cursor_execute", statement)
        event.listen(e.sync_engine.pool, "checkout", checkout)
    try:
        yield seen
    finally:
        for e in engines:
            event.remove(e.sync_engine, "before_cursor_execute", statement)
            event.remove(e.sync_engine.pool, "checkout", checkout)


def _enterprise(founder_id, n: int) -> Enterprise:
    return Enterprise(name=f"数信测试{n}有限公司", credit_code="91110108MA01ABCD1E", legal_rep_name="张三",
                      legal_rep_id_ciphertext=b"c", legal_rep_id_index=f"idx-{uuid4()}", legal_rep_id_masked="4401**",
                      licence_blob_id="blob", licence_content_type="image/png", created_by=founder_id, created_at=T0,
                      status=CertificationStatus.CERTIFIED, certified_at=T0)


async def _account_id(container, phone: str):
    async with container.uow() as u:
        return (await u.accounts.by_phone(phone)).id


async def _join_enterprises(container, account_id, count: int, first: int) -> list[Enterprise]:
    """`count` enterprises the account is a member (the admin) of."""
    made = []
    async with container.uow() as u:
        for i in range(count):
            e = _enterprise(account_id, first + i)
            u.enterprises.add(e)
            u.memberships.add(Membership(enterprise_id=e.id, account_id=account_id, joined_at=T0, is_admin=True))
            made.append(e)
        await u.commit()
    return made


async def _add_members(container, enterprise: Enterprise, count: int, first_phone: int) -> None:
    async with container.uow() as u:
        for i in range(count):
            account = Account(phone=f"1380000{first_phone + i:04d}", password_hash="x", created_at=T0)
            identity = Identity(account_id=account.id)
            identity.start_face(DocumentEvidence(DocumentType.ID_CARD, f"成员{i}", b"c", f"doc-{uuid4()}",
                                                 "1101**"), T0)
            identity.face_passed(T0)
            u.accounts.add(account)
            u.identities.add(identity)
            u.memberships.add(Membership(enterprise_id=enterprise.id, account_id=account.id,
                                         joined_at=T0 + timedelta(seconds=i + 1), is_admin=False))
        await u.commit()


async def _me(gql, container) -> tuple[dict, dict]:
    with counted(container) as seen:
        data = await gql.op("Me")
    return data, seen


async def test_me_costs_one_checkout_and_the_same_statements_with_1_or_6_memberships(gql, container):
    await gql.register(PHONE)
    me_id = await _account_id(container, PHONE)

    data, alone = await _me(gql, container)
    assert data["me"]["memberships"] == []
    # The token with its account in one statement, the identity, the signing key, the memberships.
    assert len(alone["statements"]) == 4, alone["statements"]
    assert len(alone["checkouts"]) == 1

    await _join_enterprises(container, me_id, 1, first=0)
    data, one = await _me(gql, container)
    assert len(data["me"]["memberships"]) == 1

    await _join_enterprises(container, me_id, 5, first=1)
    data, six = await _me(gql, container)
    assert sorted(m["enterprise"]["name"] for m in data["me"]["memberships"]) == [
        f"数信测试{i}有限公司" for i in range(6)]
    # ... and the enterprises of all memberships in one more statement.
    assert len(one["statements"]) == len(six["statements"]) == 5, six["statements"]
    assert len(one["checkouts"]) == len(six["checkouts"]) == 1


async def test_a_members_page_costs_the_same_statements_for_3_and_30_members(gql, container):
    await gql.register(PHONE)
    me_id = await _account_id(container, PHONE)
    few, many = await _join_enterprises(container, me_id, 2, first=0)
    await _add_members(container, few, 2, first_phone=0)
    await _add_members(container, many, 29, first_phone=100)

    async def page(enterprise: Enterprise) -> tuple[dict, dict]:
        with counted(container) as seen:
            node = (await gql.op("EnterpriseMembers", {"enterpriseId": to_global_id("Enterprise", enterprise.id),
                                                       "first": 50}))["node"]
        return node, seen

    few_node, few_seen = await page(few)
    many_node, many_seen = await page(many)
    assert (len(few_node["members"]["edges"]), len(many_node["members"]["edges"])) == (3, 30)
    assert many_node["members"]["edges"][1]["node"]["name"] == "成员0"
    assert len(few_seen["statements"]) == len(many_seen["statements"]), many_seen["statements"]
    # The page, its count (totalCount) and the caller's authentication and membership: not one per member.
    assert len(many_seen["statements"]) <= 9, many_seen["statements"]
    assert len(many_seen["checkouts"]) == 1


# ---------------------------------------------------------------------------------------------- a scan confirm

from tests.contract.test_scan_flows import ask, co_sign, create, finish, holder, pc, platform, scan  # noqa: E402,F401


async def _confirm_counted(gql, container, view, cert_id, seal_id=None) -> tuple[dict, dict, dict]:
    with counted(container) as first:
        requests = await ask(gql, view, cert_id, seal_id)
    co_signatures = co_sign(gql, view, requests)
    with counted(container) as second:
        done = await finish(gql, view, cert_id, co_signatures, seal_id)
    assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done
    return done, first, second


async def test_a_login_confirm_costs_a_fixed_number_of_statements(gql, container, pc, platform):  # noqa: F811
    _account, certs = await holder(gql, container, platform)
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    counts = []
    for _ in range(2):
        view = (await scan(gql, (await create(pc, operation="LOGIN"))["qrContent"]))["session"]
        _done, first, second = await _confirm_counted(gql, container, view, signing["id"])
        counts.append((len(first["statements"]), len(second["statements"]),
                       len(first["checkouts"]), len(second["checkouts"])))
    # (first call, second call) statements and checkouts: before issue 17 the second call was three transactions
    # (the checks, the approval, the confirmation) with 20 statements and 4 checkouts; now one transaction and the
    # request's read unit of work (authentication, and the entitlement read afresh before the commit).
    assert counts == [(12, 17, 2, 2)] * 2, counts


async def test_a_sign_confirm_costs_the_same_statements_for_1_and_4_documents(
        gql, container, pc, platform):  # noqa: F811
    from tests.support.platform import sm3_hex

    await holder(gql, container, platform, sign_quota=10)
    certs = (await gql.op("MyCertificates"))["me"]["certificates"]
    signing = next(c for c in certs if c["usage"] == "SIGNING")
    counts = []
    for n in (1, 4):
        docs = [{"docId": f"D{i}", "fileName": f"标书{i}.pdf", "sm3Hex": sm3_hex(f"doc {n} {i}".encode())}
                for i in range(n)]
        s = await create(pc, operation="SIGN", documents=docs, sealOwner="PERSONAL", sealKind="SIGNATURE",
                         continuous=n > 1)
        view = (await scan(gql, s["qrContent"]))["session"]
        _done, first, second = await _confirm_counted(gql, container, view, signing["id"],
                                                      view["usableSeals"][0]["id"])
        counts.append((len(first["statements"]), len(second["statements"])))
    # Before issue 17 the second call read and wrote each signing request on its own: 25 and 37 statements.
    assert counts == [(13, 20), (13, 20)], counts
