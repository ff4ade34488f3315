"""GraphQLDriver's acts of §6.2 and §6.2.1 with the contract documents (PlaceOrder with enterpriseId, MyServices,
ClaimEnterpriseCertificate): a mixin of GraphQLDriver, which provides `_mutate`, `_op` and `_query`."""

from __future__ import annotations

from features.driver import OrderView
from features.driver_enterprise_services import EnterpriseServiceInfo, OrgCertificateInfo

ENTERPRISE_CERTIFICATES = """query($id: ID!) {
  enterprise(id: $id) { certificates { id usage subjectDn status } }
}"""


class EnterpriseServicesGraphQLDriver:
    async def place_enterprise_order(self, session, enterprise_id: str, plan_ids: list[str]) -> OrderView:
        o = (await self._mutate("PlaceOrder", "placeOrder", {"planIds": plan_ids, "enterpriseId": enterprise_id},
                                session))["order"]
        return OrderView(o["id"], o["status"], o["amountFen"])

    async def services_with_holders(self, session) -> list[EnterpriseServiceInfo]:
        ents = (await self._op("MyServices", session=session))["me"]["entitlements"]
        return [EnterpriseServiceInfo(e["id"], (e["holder"] or {}).get("name"),
                                      e["platform"]["name"] if e["platform"] else None,
                                      e["plan"]["name"] if e["plan"] else None, e["status"]) for e in ents]

    async def claim_enterprise_certificate(self, session, enterprise_id: str, entitlement_id: str,
                                           pin: str) -> list[OrgCertificateInfo]:
        r = await self._mutate("ClaimEnterpriseCertificate", "claimEnterpriseCertificate",
                               {"enterpriseId": enterprise_id, "entitlementId": entitlement_id, "pin": pin}, session)
        return [OrgCertificateInfo(c["id"], c["usage"], c["subjectDn"], c["status"])
                for c in (r["signingCertificate"], r["encryptionCertificate"])]

    async def enterprise_certificates(self, session, enterprise_id: str) -> list[OrgCertificateInfo]:
        found = (await self._query(ENTERPRISE_CERTIFICATES, {"id": enterprise_id}, session))["enterprise"]
        return [OrgCertificateInfo(c["id"], c["usage"], c["subjectDn"], c["status"])
                for c in (found or {}).get("certificates", [])]
