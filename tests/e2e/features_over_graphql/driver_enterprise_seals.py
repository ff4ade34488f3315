"""GraphQLDriver's acts of §8.2 with the contract documents (CreateEnterpriseSeal, ChangeSealFace, ExportSeal) and
Enterprise.seals: a mixin of GraphQLDriver, which provides `_app`, `_cosigned` (the two calls of an act, the phone
co-signing with the PIN the scenario types), `_op`, `_query` and `_local_id`."""

from __future__ import annotations

from features.driver_enterprise_seals import OrgSealInfo

ENTERPRISE_SEALS = """query($id: ID!, $includeInvalid: Boolean) {
  enterprise(id: $id) { seals(includeInvalid: $includeInvalid) { id name kind status style infoCode surroundingText } }
}"""


class EnterpriseSealsGraphQLDriver:
    async def create_enterprise_seal(self, session, enterprise_id: str, name: str, kind: str, pin: str,
                                     seal_admin_member_id: str | None = None) -> OrgSealInfo:
        r = await self._cosigned(session, "CreateEnterpriseSeal", "createEnterpriseSeal",
                                 {"enterpriseId": enterprise_id, "name": name, "kind": kind,
                                  "sealAdminMemberId": seal_admin_member_id}, "seal.create_enterprise", pin)
        seal = next(s for s in await self.enterprise_seals(session, enterprise_id) if s.id == r["seal"]["id"])
        assert (seal.name, seal.kind, seal.status) == (r["seal"]["name"], r["seal"]["kind"], r["seal"]["status"])
        return seal

    async def enterprise_seals(self, session, enterprise_id: str, include_invalid: bool = False) -> list[OrgSealInfo]:
        found = (await self._query(ENTERPRISE_SEALS, {"id": enterprise_id, "includeInvalid": include_invalid},
                                   session))["enterprise"]
        seals = []
        for s in (found or {}).get("seals", []):
            exported = (await self._op("ExportSeal", {"sealId": s["id"]}, session))["node"]
            seals.append(OrgSealInfo(s["id"], s["name"], s["kind"], s["status"], s["style"], s["infoCode"],
                                     bool(exported and exported["sesSealDer"]), s["surroundingText"]))
        return seals

    async def change_org_seal_face(self, session, seal_id: str, pin: str, style: str | None = None,
                                   surrounding_text: str | None = None, info_code: str | None = None) -> None:
        await self._cosigned(session, "ChangeSealFace", "changeSealFace",
                             {"sealId": seal_id, "style": style, "surroundingText": surrounding_text,
                              "infoCode": info_code}, "seal.change_face", pin)

    async def seal_face_count(self, seal_id: str) -> int:
        """The face history kept for signatures already made (not on the API: read from storage)."""
        container, _ = await self._app()
        async with container.uow() as uow:
            return len(await uow.seals.faces_of(self._local_id(seal_id, "Seal")))
