"""PruneSigningRequests: drops signing requests that were spent or lapsed a day ago or more. Nothing needs them
then: a spent one holds no nonce and its statement and signature are in the audit event of the act."""

from __future__ import annotations

from datetime import timedelta

from application.ports import Clock, UnitOfWorkFactory

KEEP = timedelta(days=1)


class PruneSigningRequests:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self) -> int:
        """How many were dropped (one statement: the sweeping loop's next round finds none)."""
        async with self._uow() as uow:
            gone = await uow.signing_requests.delete_spent_before(self._clock.now() - KEEP)
            await uow.commit()
        return gone
