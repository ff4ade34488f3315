"""Two outbox workers (two processes' worth: two engines, two pools) on one database: every message is delivered
exactly once, and both share the work (issue 16; `FOR UPDATE SKIP LOCKED` and the lease on PostgreSQL, the
compare-and-set lease on SQLite)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

from adapters.clock import SystemClock
from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.uow import SqlAlchemyUnitOfWork
from application.outbox import OutboxDispatcher

TOPIC = "test.race"


async def test_two_workers_racing_deliver_each_message_once(container, migrated_database):
    clock = SystemClock()
    delivered: Counter = Counter()
    by_worker: Counter = Counter()

    async with container.uow() as uow:
        ids = [uow.outbox.put(TOPIC, {"n": n}) for n in range(120)]
        await uow.commit()

    def handler(worker: str):
        async def deliver(payload):
            delivered[payload["n"]] += 1
            by_worker[worker] += 1
            await asyncio.sleep(0.002)  # a delivery takes time: the other worker claims meanwhile
            return None
        return deliver

    engines = [make_engine(migrated_database) for _ in range(2)]
    try:
        dispatchers = []
        for i, engine in enumerate(engines):
            factory = make_session_factory(engine)
            dispatchers.append(OutboxDispatcher(lambda f=factory: SqlAlchemyUnitOfWork(f, clock), clock,
                                                {TOPIC: handler(f"w{i}")}))

        async def work(d: OutboxDispatcher) -> None:
            # Both keep claiming until everything is delivered (a pass that lost every race claims nothing).
            for _ in range(2000):
                if len(delivered) == len(ids):
                    return
                await d.dispatch_due(limit=7)
                await asyncio.sleep(0)

        await asyncio.gather(*(work(d) for d in dispatchers))
    finally:
        for engine in engines:
            await engine.dispose()

    assert sorted(delivered) == list(range(120))
    assert set(delivered.values()) == {1}, [n for n, k in delivered.items() if k > 1]
    assert by_worker["w0"] > 0 and by_worker["w1"] > 0
    async with container.uow() as uow:
        for i in ids:
            assert (await uow.outbox.get(i)).delivered_at is not None


async def test_the_sandbox_phone_only_delivers_sms(container):
    """Reading the sandbox's SMS inbox delivers due SMS at once, and nothing else: a platform's callback receiver
    that hangs must not hold the read up (found by bench/soak.py)."""
    from application.accounts.sms_codes import SMS_TOPIC
    from application.scans.callbacks import CALLBACK_TOPIC

    async with container.uow() as uow:
        callback = uow.outbox.put(CALLBACK_TOPIC, {"url": "http://127.0.0.1:1/cb", "eventId": "e", "body": "{}",
                                                   "platformId": "p", "tId": "t", "type": "SCANNED"})
        sms = uow.outbox.put(SMS_TOPIC, {"phone": "13800138000", "text": "验证码 123456", "purpose": "LOGIN",
                                         "code": "123456"})
        await uow.commit()
    messages = await container.sandbox_console().sms_messages("13800138000", 10)
    assert [m.code for m in messages] == ["123456"]
    async with container.uow() as uow:
        assert (await uow.outbox.get(sms)).delivered_at is not None
        untouched = await uow.outbox.get(callback)
        assert untouched.delivered_at is None and untouched.attempts == 0


async def test_a_hanging_receiver_holds_up_only_its_own_subject(container):
    """One pass delivers different subjects at once and one subject's messages in the order written: a platform
    that hangs until the timeout does not stall every other callback behind it (found by bench/soak.py)."""
    clock = SystemClock()
    fast_done = asyncio.Event()
    order: list[str] = []

    async def deliver(payload):
        if payload["tId"] == "slow":
            await asyncio.wait_for(fast_done.wait(), 5)  # sequential delivery would wait here for ever
        order.append(f"{payload['tId']}-{payload['n']}")
        if payload["tId"] == "fast" and payload["n"] == 2:
            fast_done.set()
        return None

    async with container.uow() as uow:
        uow.outbox.put(TOPIC, {"tId": "slow", "n": 1})
        uow.outbox.put(TOPIC, {"tId": "slow", "n": 2})
        uow.outbox.put(TOPIC, {"tId": "fast", "n": 1})
        uow.outbox.put(TOPIC, {"tId": "fast", "n": 2})
        await uow.commit()
    dispatcher = OutboxDispatcher(container.uow, clock, {TOPIC: deliver})
    assert await dispatcher.dispatch_due() == 4
    assert order.index("fast-2") < order.index("slow-1")
    assert order.index("slow-1") < order.index("slow-2") and order.index("fast-1") < order.index("fast-2")


async def test_the_worker_keeps_delivering_while_one_delivery_hangs(container):
    """The worker runs several claim-and-deliver loops: while one waits on a platform that hangs, the others go on
    (one loop waited for the slowest delivery of each batch: 5 callbacks a second in the soak)."""
    from adapters.http.worker import run_outbox_worker
    from adapters.persistence.uow import OutboxSignal

    clock = SystemClock()
    others_done = asyncio.Event()
    delivered: list[int] = []

    async def deliver(payload):
        if payload["n"] == 0:
            await asyncio.wait_for(others_done.wait(), 10)  # hangs until every other message is through
        delivered.append(payload["n"])
        if len(delivered) == 5:
            others_done.set()
        return None

    async with container.uow() as uow:
        for n in range(6):
            uow.outbox.put(TOPIC, {"tId": f"s{n}", "n": n})
        await uow.commit()
    dispatcher = OutboxDispatcher(container.uow, clock, {TOPIC: deliver})
    worker = asyncio.create_task(run_outbox_worker(dispatcher, OutboxSignal(), 0.05, loops=2, batch=1))
    try:
        for _ in range(200):
            if len(delivered) == 6:
                break
            await asyncio.sleep(0.05)
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
    assert sorted(delivered) == list(range(6)) and delivered[-1] == 0
