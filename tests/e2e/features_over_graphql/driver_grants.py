"""GraphQLDriver's acts of §8.5 (证书授权) with the contract documents (CreateCertificateGrant,
ApproveCertificateGrant, RevokeCertificateGrant, PlaceOrder with grantId, MyCertificates'
usableEnterpriseCertificates): a mixin of GraphQLDriver, which provides `_mutate`, `_op` and `_query`."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from features.driver import OrderView, Refused
from features.driver_grants import GrantedCertificateInfo, GrantInfo, MyGrantInfo
from graphql_schema.common.node import to_global_id

ENTERPRISE_GRANTS = """query($id: ID!) {
  enterprise(id: $id) { certificateGrants { id status } }
}"""


CREATE_NAMING_SEALS = """mutation($input: CreateCertificateGrantInput!) {
  createCertificateGrant(input: $input) { grant { id status approvalUrl } userErrors { code field message } }
}"""
MY_GRANTS = """query { me { certificateGrants { id status platform { id } operations validUntil endReason } } }"""
GRANT_LETTER = """query($id: ID!) {
  node(id: $id) { ... on CertificateGrant { letter { documentUrl signedDocumentUrl } } }
}"""


class CertificateGrantGraphQLDriver:
    @staticmethod
    def _grant_info(g: dict[str, Any]) -> GrantInfo:
        return GrantInfo(g["id"], g["status"], g.get("approvalUrl"))

    async def create_certificate_grant(self, session, enterprise_id: str, member_id: str, platform_id: UUID,
                                       operations: list[str], valid_until: date,
                                       seal_ids: list[str] | None = None) -> GrantInfo:
        grant = {"enterpriseId": enterprise_id, "memberId": member_id,
                 "platformId": to_global_id("TradingPlatform", platform_id), "operations": operations,
                 "validUntil": valid_until.isoformat()}
        if seal_ids:  # beyond the contract document, which names no seal
            data = await self._query(CREATE_NAMING_SEALS, {"input": {**grant, "sealIds": seal_ids}}, session)
            payload = data["createCertificateGrant"]
            if payload["userErrors"]:
                e = payload["userErrors"][0]
                raise Refused(e["code"], e["message"], e["field"])
            return self._grant_info(payload["grant"])
        r = await self._mutate("CreateCertificateGrant", "createCertificateGrant", grant, session)
        return self._grant_info(r["grant"])

    async def grant_letter(self, session, grant_id: str, *, signed: bool) -> bytes | None:
        """Read from node(id).letter's URLs, then fetched over HTTP like a client; None on 404 or no such URL."""
        node = (await self._query(GRANT_LETTER, {"id": grant_id}, session))["node"]
        url = (node or {}).get("letter", {}).get("signedDocumentUrl" if signed else "documentUrl")
        return await self._file(session, url)

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

    async def my_certificate_grants(self, session) -> list[MyGrantInfo]:
        found = (await self._query(MY_GRANTS, {}, session))["me"]["certificateGrants"]
        return [MyGrantInfo(g["id"], g["status"], self._local_id(g["platform"]["id"], "TradingPlatform"),
                            g["operations"], date.fromisoformat(g["validUntil"]), g["endReason"]) for g in found]

    async def usable_enterprise_certificates(self, session) -> list[GrantedCertificateInfo]:
        me = (await self._op("MyCertificates", session=session))["me"]
        return [GrantedCertificateInfo(u["certificate"]["id"], u["enterprise"]["name"])
                for u in me["usableEnterpriseCertificates"]]
