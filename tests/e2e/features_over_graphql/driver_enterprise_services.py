"""GraphQLDriver's acts of §6.2, §6.2.1 and §8.3 with the contract documents (PlaceOrder with enterpriseId, MyServices,
ClaimEnterpriseCertificate): a mixin of GraphQLDriver, which provides `_mutate`, `_op` and `_query`."""

from __future__ import annotations

from datetime import datetime

from features.driver import OrderView
from features.driver_enterprise_services import (
    CertificateServiceInfo,
    EnterpriseServiceInfo,
    OrgCertificateInfo,
    OrgCertificateServices,
)

ENTERPRISE_CERTIFICATES = """query($id: ID!) {
  enterprise(id: $id) { certificates { id usage subjectDn status } }
}"""


ENTERPRISE_CERTIFICATE_SERVICES = """query($id: ID!) {
  enterprise(id: $id) {
    certificates {
      id usage subjectDn status
      services { status validFrom validUntil platform { name } plan { name } }
    }
  }
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
        r = await self._cosigned(session, "ClaimEnterpriseCertificate", "claimEnterpriseCertificate",
                                 {"enterpriseId": enterprise_id, "entitlementId": entitlement_id},
                                 "certificate.claim_enterprise", pin)
        return [OrgCertificateInfo(c["id"], c["usage"], c["subjectDn"], c["status"])
                for c in (r["signingCertificate"], r["encryptionCertificate"])]

    async def enterprise_certificates(self, session, enterprise_id: str) -> list[OrgCertificateInfo]:
        found = (await self._query(ENTERPRISE_CERTIFICATES, {"id": enterprise_id}, session))["enterprise"]
        return [OrgCertificateInfo(c["id"], c["usage"], c["subjectDn"], c["status"])
                for c in (found or {}).get("certificates", [])]

    async def enterprise_certificates_with_services(self, session, enterprise_id: str
                                                    ) -> list[OrgCertificateServices]:
        found = (await self._query(ENTERPRISE_CERTIFICATE_SERVICES, {"id": enterprise_id}, session))["enterprise"]
        return [OrgCertificateServices(
            OrgCertificateInfo(c["id"], c["usage"], c["subjectDn"], c["status"]),
            [CertificateServiceInfo((s["platform"] or {}).get("name"), (s["plan"] or {}).get("name"), s["status"],
                                    datetime.fromisoformat(s["validFrom"]), datetime.fromisoformat(s["validUntil"]))
             for s in c["services"]])
            for c in (found or {}).get("certificates", [])]
