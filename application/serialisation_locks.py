"""PruneSerialisationLocks: drops the lock rows (one per phone, IP, person or bank transfer whose counters were
guarded) not taken for a day. Nothing is lost: the counts live in their own rows, and the next request on a key
writes its row afresh (INSERT ... ON CONFLICT), so the table holds only the keys of the last day."""

from __future__ import annotations

from datetime import timedelta

from application.ports import Clock, UnitOfWorkFactory

KEEP = timedelta(days=1)


class PruneSerialisationLocks:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self) -> int:
        """How many were dropped. A row held right now was just written with the current time, so it stays."""
        async with self._uow() as uow:
            gone = await uow.locks.prune(self._clock.now() - KEEP)
            await uow.commit()
        return gone
