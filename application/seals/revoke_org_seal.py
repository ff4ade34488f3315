"""§8.2.4 印章注销 for org seals: final, by the enterprise's admins or legal rep, approved by their own co-signature
(two calls, SPEC §C; a seal admin uses the seal but does not decide its end). Every SEAL_REVOKED_HOOKS entry runs in
the same transaction, so the grants that name the seal end with it or the seal stays. Reached through RevokeSeal,
which hands org seals here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from uuid import UUID

from application.audit import audit
from application.context import require_account
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.seals.list_my_seals import SealView
from application.seals.org_seal_access import SEAL_REVOKED_HOOKS, SealRevokedHook, org_seal_for
from application.seals.seal_acts import revoke_act
from application.signing.cosigning import CoSigning, NeedsCoSignature, live_key
from domain.seals.seal import Seal, SealNotActive, SealStatus

if TYPE_CHECKING:  # the command lives with RevokeSeal, which imports this module
    from application.seals.revoke_seal import RevokeSealCommand


class RevokeOrgSeal:
    def __init__(self, uow: UnitOfWorkFactory, cosigning: CoSigning, clock: Clock,
                 hooks: Sequence[SealRevokedHook] = SEAL_REVOKED_HOOKS) -> None:
        # The list itself, not a copy: hooks appended after wiring still run.
        self._uow, self._cosigning, self._clock, self._hooks = uow, cosigning, clock, hooks

    @staticmethod
    async def _check(uow: UnitOfWork, account_id: UUID, cmd: RevokeSealCommand) -> Seal:
        """Everything that can be refused without the co-signature, so no attempt is spent on it."""
        seal, _ = await org_seal_for(uow, account_id, cmd.seal_id, seal_admin_may=False)
        if seal.status is SealStatus.REVOKED:
            raise SealNotActive("该印章已注销", field="sealId")
        await live_key(uow, account_id)
        return seal

    async def __call__(self, cmd: RevokeSealCommand) -> SealView | NeedsCoSignature:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            seal = await self._check(uow, p.id, cmd)
            act = revoke_act(cmd.seal_id, seal.name)
            if cmd.co_signature is None:
                return await self._cosigning.first_call(uow, p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        async with self._uow() as uow:
            now = self._clock.now()
            seal, _ = await org_seal_for(uow, p.id, cmd.seal_id, seal_admin_may=False)
            seal.revoke(now)  # revoked meanwhile: refused
            for hook in self._hooks:
                await hook(uow, seal, now)
            audit(uow, "seal.revoked", now, cmd.meta, account_id=p.id, seal=str(seal.id),
                  enterprise_id=str(seal.holder_enterprise_id), seal_kind=seal.kind.value,
                  evidence=approval.evidence())
            await uow.commit()
        return SealView(seal, seal.status_at(now))
