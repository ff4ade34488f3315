"""GraphQLDriver's acts of §8.5 (证书授权) with the contract documents (CreateCertificateGrant,
ApproveCertificateGrant, RevokeCertificateGrant, PlaceOrder with grantId, MyCertificates'
usableEnterpriseCertificates): a mixin of GraphQLDriver, which provides `_mutate`, `_op` and `_query`."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from features.driver import OrderView
from features.driver_grants import GrantedCertificateInfo, GrantInfo
from graphql_schema.common.node import to_global_id

ENTERPRISE_GRANTS = """query($id: ID!) {
  enterprise(id: $id) { certificateGrants { id status } }
}"""


class CertificateGrantGraphQLDriver:
    @staticmethod
    def _grant_info(g: dict[str, Any]) -> GrantInfo:
        return GrantInfo(g["id"], g["status"], g.get("approvalUrl"))

    async def create_certificate_grant(self, session, enterprise_id: str, member_id: str, platform_id: UUID,
                                       operations: list[str], valid_until: date) -> GrantInfo:
        r = await self._mutate("CreateCertificateGrant", "createCertificateGrant", {
            "enterpriseId": enterprise_id, "memberId": member_id,
            "platformId": to_global_id("TradingPlatform", platform_id), "operations": operations,
            "validUntil": valid_until.isoformat()}, session)
        return self._grant_info(r["grant"])

    async def approve_certificate_grant(self, session, grant_id: str, appearance_kind: str, code: str) -> GrantInfo:
        found = (await self._op("MySignatureAppearances", session=session))["me"]["signatureAppearances"]
        appearance = next(a["id"] for a in found if a["kind"] == appearance_kind)
        r = await self._mutate("ApproveCertificateGrant", "approveCertificateGrant",
                               {"grantId": grant_id, "appearanceId": appearance, "smsCode": code}, session)
        return self._grant_info(r["grant"])

    async def revoke_certificate_grant(self, session, grant_id: str) -> GrantInfo:
        r = await self._mutate("RevokeCertificateGrant", "revokeCertificateGrant", {"grantId": grant_id}, session)
        return self._grant_info(r["grant"])

    async def grant_status(self, session, enterprise_id: str, grant_id: str) -> str | None:
        found = (await self._query(ENTERPRISE_GRANTS, {"id": enterprise_id}, session))["enterprise"]
        return next((g["status"] for g in (found or {}).get("certificateGrants", []) if g["id"] == grant_id), None)

    async def place_grant_order(self, session, grant_id: str, plan_ids: list[str]) -> OrderView:
        o = (await self._mutate("PlaceOrder", "placeOrder", {"planIds": plan_ids, "grantId": grant_id},
                                session))["order"]
        return OrderView(o["id"], o["status"], o["amountFen"])

    async def usable_enterprise_certificates(self, session) -> list[GrantedCertificateInfo]:
        me = (await self._op("MyCertificates", session=session))["me"]
        return [GrantedCertificateInfo(u["certificate"]["id"], u["enterprise"]["name"])
                for u in me["usableEnterpriseCertificates"]]
