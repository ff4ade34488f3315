"""RevokeSeal (§9.1.3 注销印章): final, confirmed with the PIN; the seal stays listed as invalid. Org seals go to
RevokeOrgSeal (§8.2.4), which also ends what names the seal."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.certificates.pin_gate import PinGate
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, UnitOfWorkFactory
from application.seals.list_my_seals import SealView, own_seal
from application.seals.revoke_org_seal import RevokeOrgSeal
from domain.seals.seal import OrgSealsNotAvailable, SealNotActive, SealStatus


@dataclass(frozen=True)
class RevokeSealCommand:
    principal: Principal | None
    seal_id: UUID
    pin: str
    meta: RequestMeta | None = None


class RevokeSeal:
    def __init__(self, uow: UnitOfWorkFactory, gate: PinGate, clock: Clock) -> None:
        self._uow, self._gate, self._clock = uow, gate, clock
        self._org = RevokeOrgSeal(uow, gate, clock)

    async def __call__(self, cmd: RevokeSealCommand) -> SealView:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            found = await uow.seals.get(cmd.seal_id)
        if found is not None and found.is_org:
            return await self._org(cmd)
        async with self._uow() as uow:
            seal = await own_seal(uow, p.id, cmd.seal_id)
        if not seal.kind.is_personal:
            raise OrgSealsNotAvailable("机构印章的注销将随企业印章功能开放", field="sealId")
        if seal.status is SealStatus.REVOKED:
            raise SealNotActive("该印章已注销", field="sealId")
        await self._gate.prove(p.id, cmd.pin)
        async with self._uow() as uow:
            now = self._clock.now()
            seal = await own_seal(uow, p.id, cmd.seal_id)
            seal.revoke(now)
            audit(uow, "seal.revoked", now, cmd.meta, account_id=p.id, seal=str(seal.id))
            await uow.commit()
        return SealView(seal, seal.status_at(now))
