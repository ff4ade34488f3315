"""GraphQLDriver's acts of §8.4 (管理员转授) with the contract documents RequestAdminTransfer and
ApproveAdminTransfer: a mixin of GraphQLDriver, which provides `_app`, `_mutate`, `_op`, `_query`, `_local_id`
and `_enterprise`.

Until joining (§5.2) and adding members (§8.1) land, a plain member is put into the enterprise through the
container's unit of work (`add_member_directly`) and leaving deletes the row; member IDs are the Member global
IDs of those memberships, read from the store."""

from __future__ import annotations

from sqlalchemy import delete

from adapters.persistence import tables_enterprises
from features.driver_admin_transfer import TransferInfo, TransferView
from graphql_schema.common.node import to_global_id

MY_ACCOUNT = "query DriverMyAccount { me { id } }"
TRANSFER_NODE = """query($id: ID!) {
  node(id: $id) { ... on AdminTransfer { id status fromAdminName toAdminName } }
}"""
ENTERPRISE_TRANSFERS = """query($id: ID!, $pending: Boolean!) {
  enterprise(id: $id) { adminTransfers(pendingOnly: $pending) { id status fromAdminName toAdminName } }
}"""


def _view(t: dict) -> TransferView:
    return TransferView(t["id"], t["status"], t["fromAdminName"], t["toAdminName"])


class AdminTransferGraphQLDriver:
    async def _my_account_id(self, session):
        me = (await self._query(MY_ACCOUNT, session=session))["me"]
        return self._local_id(me["id"], "Account")

    async def add_member_directly(self, session, enterprise_id: str) -> None:
        from domain.enterprises.enterprise import Membership

        container, _ = await self._app()
        account_id = await self._my_account_id(session)
        async with container.uow() as uow:
            uow.memberships.add(Membership(enterprise_id=self._local_id(enterprise_id, "Enterprise"),
                                           account_id=account_id, joined_at=self.clock.now()))
            await uow.commit()

    async def remove_member_directly(self, session, enterprise_id: str) -> None:
        container, _ = await self._app()
        account_id = await self._my_account_id(session)
        c = tables_enterprises.memberships.c
        async with container.engine().begin() as conn:
            await conn.execute(delete(tables_enterprises.memberships).where(
                c.enterprise_id == self._local_id(enterprise_id, "Enterprise"), c.account_id == account_id))

    async def member_ids(self, session) -> dict[str, str]:
        container, _ = await self._app()
        account_id = await self._my_account_id(session)
        async with container.uow() as uow:
            found = await uow.memberships.for_account(account_id)
        return {to_global_id("Enterprise", m.enterprise_id): to_global_id("Member", m.id) for m in found}

    async def request_admin_transfer(self, session, enterprise_id: str, member_id: str) -> TransferInfo:
        r = await self._mutate("RequestAdminTransfer", "requestAdminTransfer",
                               {"enterpriseId": enterprise_id, "toMemberId": member_id}, session)
        t = r["transfer"]
        return TransferInfo(t["id"], t["status"], t["letter"]["id"])

    async def approve_admin_transfer(self, session, transfer_id: str, appearance_kind: str, code: str):
        found = (await self._op("MySignatureAppearances", session=session))["me"]["signatureAppearances"]
        appearance = next(a["id"] for a in found if a["kind"] == appearance_kind)
        r = await self._mutate("ApproveAdminTransfer", "approveAdminTransfer",
                               {"transferId": transfer_id, "appearanceId": appearance, "smsCode": code}, session)
        e = r["enterprise"]
        return self._enterprise(e, e["myRole"], [])

    async def admin_transfer_letter(self, session, letter_id: str, *, signed: bool) -> bytes | None:
        return await self._file(session, f"/files/letters/{letter_id}" + ("/signed" if signed else ""))

    async def open_admin_transfer_link(self, session, url: str) -> TransferView | None:
        """The legal rep's page passes the ID the link carries to node(id), as it is."""
        from urllib.parse import parse_qs, urlparse

        [carried] = parse_qs(urlparse(url).query)["id"]
        return await self.admin_transfer(session, carried)

    async def admin_transfer(self, session, transfer_id: str) -> TransferView | None:
        t = (await self._query(TRANSFER_NODE, {"id": transfer_id}, session))["node"]
        return _view(t) if t else None

    async def enterprise_admin_transfers(self, session, enterprise_id: str, *, pending_only: bool
                                         ) -> list[TransferView]:
        e = (await self._query(ENTERPRISE_TRANSFERS, {"id": enterprise_id, "pending": pending_only},
                               session))["enterprise"]
        return [_view(t) for t in (e or {}).get("adminTransfers", [])]
