"""§8.2.4 印章注销 for org seals: final, by the enterprise's admins or legal rep with their own PIN (a seal admin uses
the seal but does not decide its end). Every SEAL_REVOKED_HOOKS entry runs in the same transaction, so the grants
that name the seal end with it or the seal stays. Reached through RevokeSeal, which hands org seals here."""

from __future__ import annotations

from collections.abc import Sequence

from application.audit import audit
from application.certificates.pin_gate import PinGate
from application.context import require_account
from application.ports import Clock, UnitOfWorkFactory
from application.seals.list_my_seals import SealView
from application.seals.org_seal_access import SEAL_REVOKED_HOOKS, SealRevokedHook, org_seal_for
from domain.seals.seal import SealNotActive, SealStatus


class RevokeOrgSeal:
    def __init__(self, uow: UnitOfWorkFactory, gate: PinGate, clock: Clock,
                 hooks: Sequence[SealRevokedHook] = SEAL_REVOKED_HOOKS) -> None:
        # The list itself, not a copy: hooks appended after wiring still run.
        self._uow, self._gate, self._clock, self._hooks = uow, gate, clock, hooks

    async def __call__(self, cmd) -> SealView:  # cmd: application.seals.revoke_seal.RevokeSealCommand
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            seal, _ = await org_seal_for(uow, p.id, cmd.seal_id, seal_admin_may=False)
        if seal.status is SealStatus.REVOKED:
            raise SealNotActive("该印章已注销", field="sealId")
        await self._gate.prove(p.id, cmd.pin)
        async with self._uow() as uow:
            now = self._clock.now()
            seal, _ = await org_seal_for(uow, p.id, cmd.seal_id, seal_admin_may=False)
            seal.revoke(now)
            for hook in self._hooks:
                await hook(uow, seal, now)
            audit(uow, "seal.revoked", now, cmd.meta, account_id=p.id, seal=str(seal.id),
                  enterprise_id=str(seal.holder_enterprise_id), seal_kind=seal.kind.value)
            await uow.commit()
        return SealView(seal, seal.status_at(now))
