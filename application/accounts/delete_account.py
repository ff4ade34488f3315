"""DeleteAccount (注销账户): erase personal data, end sessions, keep what the law requires."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.outbox import BLOB_DELETE_TOPIC
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.accounts.sms import SmsPurpose
from domain.errors import AccountDeletionBlocked
from domain.identity.review import ReviewKind

# A blocker looks at the account inside the deleting transaction and returns the reason it must stay,
# or None. Later chapters (enterprises, orders, certificates) register theirs in the container.
DeletionBlocker = Callable[[UnitOfWork, UUID], Awaitable[str | None]]
# What the account takes with it elsewhere, run in the deleting transaction once no blocker objects (the
# enterprises chapter: leaving every enterprise as if removed, withdrawing requests to join).
DeletionHook = Callable[[UnitOfWork, UUID, datetime], Awaitable[None]]


@dataclass(frozen=True)
class DeleteAccountCommand:
    principal: Principal | None
    sms_code: str
    meta: RequestMeta


class DeleteAccount:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, clock: Clock,
                 blockers: Sequence[DeletionBlocker] = (), hooks: Sequence[DeletionHook] = ()) -> None:
        self._uow, self._codes, self._clock, self._blockers = uow, codes, clock, tuple(blockers)
        self._hooks = tuple(hooks)

    async def __call__(self, cmd: DeleteAccountCommand) -> None:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            account = await uow.accounts.get(p.id)
            if account is None or not account.is_active:
                raise AccountDeletionBlocked("账号不存在或已注销")
            for blocker in self._blockers:
                reason = await blocker(uow, account.id)
                if reason:
                    raise AccountDeletionBlocked(reason)
            await self._codes.consume(uow, account.phone, SmsPurpose.DELETE_ACCOUNT, cmd.sms_code, cmd.meta)
            now = self._clock.now()
            identity = await uow.identities.for_account(account.id)
            if identity is not None:
                identity.erase()
            for review in await uow.reviews.for_subject(account.id):
                if review.kind is not ReviewKind.IDENTITY:
                    # An enterprise's review is about the enterprise (its licence, its letter), not this person.
                    continue
                review.withdraw(now)
                for blob_id in review.forget_attachments():
                    uow.outbox.put(BLOB_DELETE_TOPIC, {"blobId": blob_id})
            for hook in self._hooks:
                await hook(uow, account.id, now)
            for s in await uow.sessions.active_for(p.kind, account.id, now):
                s.revoke(now)
            account.delete(now)
            audit(uow, "account.deleted", now, cmd.meta, account_id=account.id)
            await uow.commit()
