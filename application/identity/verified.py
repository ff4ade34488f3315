"""What other chapters do, in the same transaction, when a person's identity becomes VERIFIED.

Identity does not know enterprises; the enterprise chapter hands its hooks in at the composition root
(a legal rep named on a company is linked to it, a pending member invitation for this phone activates)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from application.ports import UnitOfWork
from domain.identity.identity import Identity


class IdentityVerifiedHook(Protocol):
    async def __call__(self, uow: UnitOfWork, identity: Identity, now: datetime) -> None: ...


async def identity_verified(uow: UnitOfWork, identity: Identity, now: datetime,
                            hooks: Sequence[IdentityVerifiedHook]) -> None:
    for hook in hooks:
        await hook(uow, identity, now)
