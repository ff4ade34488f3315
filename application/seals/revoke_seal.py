"""RevokeSeal (§9.1.3 注销印章): final, approved by the holder's co-signature (two calls, SPEC §C); the seal stays
listed as invalid. Org seals go to RevokeOrgSeal (§8.2.4), which also ends what names the seal."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.seals.list_my_seals import SealView, own_seal
from application.seals.revoke_org_seal import RevokeOrgSeal
from application.seals.seal_acts import revoke_act
from application.signing.cosigning import CoSigning, NeedsCoSignature, live_key
from domain.seals.seal import OrgSealsNotAvailable, Seal, SealNotActive, SealStatus
from domain.signing.cosignature import CoSignature


@dataclass(frozen=True)
class RevokeSealCommand:
    principal: Principal | None
    seal_id: UUID
    co_signature: CoSignature | None = None
    meta: RequestMeta | None = None


class RevokeSeal:
    def __init__(self, uow: UnitOfWorkFactory, cosigning: CoSigning, clock: Clock) -> None:
        self._uow, self._cosigning, self._clock = uow, cosigning, clock
        self._org = RevokeOrgSeal(uow, cosigning, clock)

    @staticmethod
    async def _check(uow: UnitOfWork, account_id: UUID, cmd: RevokeSealCommand) -> Seal:
        """Everything that can be refused without the co-signature, so no attempt is spent on it."""
        seal = await own_seal(uow, account_id, cmd.seal_id)
        if not seal.kind.is_personal:
            raise OrgSealsNotAvailable("机构印章的注销将随企业印章功能开放", field="sealId")
        if seal.status is SealStatus.REVOKED:
            raise SealNotActive("该印章已注销", field="sealId")
        await live_key(uow, account_id)
        return seal

    async def __call__(self, cmd: RevokeSealCommand) -> SealView | NeedsCoSignature:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            found = await uow.seals.get(cmd.seal_id)
        if found is not None and found.is_org:
            return await self._org(cmd)
        async with self._uow() as uow:
            seal = await self._check(uow, p.id, cmd)
            act = revoke_act(cmd.seal_id, seal.name)
            if cmd.co_signature is None:
                return await self._cosigning.first_call(uow, p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        async with self._uow() as uow:
            now = self._clock.now()
            seal = await own_seal(uow, p.id, cmd.seal_id)
            seal.revoke(now)  # revoked meanwhile: refused
            audit(uow, "seal.revoked", now, cmd.meta, account_id=p.id, seal=str(seal.id),
                  evidence=approval.evidence())
            await uow.commit()
        return SealView(seal, seal.status_at(now))
