"""Query limits, masking of unexpected errors, SMS caps, and the audit trail, over HTTP."""

from __future__ import annotations

from sqlalchemy import select

from adapters.persistence import tables as t


async def test_depth_limit():
    # Today's deepest path is me → memberships → enterprise → id (depth 3 as strawberry counts); a limit of 2
    # must refuse it before any resolver runs (no context is even given).
    from graphql_schema.schema import build_schema

    result = await build_schema(max_depth=2).execute("{ me { memberships { enterprise { id } } } }")
    assert result.errors and "depth" in result.errors[0].message


async def test_alias_limit(gql):
    q = "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"
    body = await gql.raw(q)
    assert body["errors"] and "alias" in body["errors"][0]["message"].lower()


async def test_token_limit(gql):
    q = "{ " + " ".join("__typename" for _ in range(3000)) + " }"
    body = await gql.raw(q)
    assert body["errors"] and "token" in body["errors"][0]["message"].lower()


async def test_unexpected_errors_are_masked(gql, container):
    uc = container.use_cases()
    original = uc.get_me.__class__.__call__

    async def boom(self, principal):
        raise RuntimeError("secret internals: db password is hunter2")

    await gql.register("13500000000")
    uc.get_me.__class__.__call__ = boom
    try:
        body = await gql.raw(gql.document("Me"))
    finally:
        uc.get_me.__class__.__call__ = original
    assert body["errors"][0]["message"] == "服务器内部错误，请稍后重试"
    assert "hunter2" not in str(body)


async def test_daily_cap_per_phone(gql, clock):
    phone = "13500000001"
    for _ in range(10):
        r = (await gql.op("RequestSmsCode", {"phone": phone, "purpose": "REGISTER"}))["requestSmsCode"]
        assert r["userErrors"] == []
        clock.advance(seconds=61)
    r = (await gql.op("RequestSmsCode", {"phone": phone, "purpose": "REGISTER"}))["requestSmsCode"]
    assert r["userErrors"][0]["code"] == "SMS_DAILY_LIMIT"
    clock.advance(hours=24)
    r = (await gql.op("RequestSmsCode", {"phone": phone, "purpose": "REGISTER"}))["requestSmsCode"]
    assert r["userErrors"] == []


async def test_daily_cap_per_ip(gql, clock):
    # 50 different numbers from one client address, then the 51st is refused.
    for i in range(50):
        r = (await gql.op("RequestSmsCode", {"phone": f"135{i:08d}", "purpose": "REGISTER"}))["requestSmsCode"]
        assert r["userErrors"] == [], i
    r = (await gql.op("RequestSmsCode", {"phone": "13599999999", "purpose": "REGISTER"}))["requestSmsCode"]
    assert r["userErrors"][0]["code"] == "SMS_DAILY_LIMIT"


async def test_audit_records_logins_failures_lockouts_and_sms(gql, container):
    await gql.register("13500000002")
    for _ in range(5):
        await gql.op("LoginWithPassword", {"phone": "13500000002", "password": "Wrong0ne"})
    async with container.engine().connect() as conn:
        rows = (await conn.execute(select(t.audit_events).order_by(t.audit_events.c.at))).all()
    kinds = [(r.kind, r.outcome.value if hasattr(r.outcome, "value") else r.outcome) for r in rows]
    assert ("sms.sent", "SUCCESS") in kinds
    assert ("account.registered", "SUCCESS") in kinds
    assert kinds.count(("login.password", "FAILURE")) == 5
    assert ("login.locked", "FAILURE") in kinds
    assert all(r.client_ip == "203.0.113.7" for r in rows)
    assert all(r.at is not None for r in rows)
    # Nothing secret lands in the audit log.
    assert "13500000002" not in str([r.detail for r in rows])


async def test_sms_code_is_not_kept_after_delivery(gql, container):
    await gql.op("RequestSmsCode", {"phone": "13500000003", "purpose": "REGISTER"})
    code = await gql.latest_code("13500000003")
    async with container.engine().connect() as conn:
        payloads = (await conn.execute(select(t.outbox_messages.c.payload, t.outbox_messages.c.delivered_at))).all()
        hashes = (await conn.execute(select(t.sms_challenges.c.code_hash))).scalars().all()
    assert payloads and all(p.delivered_at is not None for p in payloads)
    assert code not in str([p.payload for p in payloads])
    assert code not in str(hashes)


async def test_validation_is_cached_across_requests():
    """The limits must not defeat strawberry's validation cache (they did: ~25% of every request)."""
    from strawberry.extensions.validation_cache import _get_validate_cache

    from graphql_schema.schema import build_schema

    schema = build_schema()
    query = "query CacheProbe { __typename }"
    await schema.execute(query)
    before = _get_validate_cache(256).cache_info().hits
    for _ in range(3):
        assert (await schema.execute(query)).errors is None
    assert _get_validate_cache(256).cache_info().hits - before == 3
