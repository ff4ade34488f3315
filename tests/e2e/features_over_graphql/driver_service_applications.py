"""GraphQLDriver's acts of §6.3 and §8.1 赠送服务 with the contract documents (ApplyForEnterpriseService,
ApproveServiceApplication, PlaceOrder with serviceApplicationId, MyServices, and this project's GiftService and
RejectServiceApplication): a
mixin of GraphQLDriver, which provides `_mutate`, `_op` and `_query`."""

from __future__ import annotations

from features.driver import OrderView
from features.driver_service_applications import ServiceApplicationInfo

ENTERPRISE_APPLICATIONS = """query($id: ID!, $pending: Boolean!) {
  enterprise(id: $id) { serviceApplications(pendingOnly: $pending) {
    id status applicantName plan { name } enterprise { name } } }
}"""
APPLICATION_LETTER = """query($id: ID!) {
  node(id: $id) { ... on ServiceApplication { letter { documentUrl signedDocumentUrl } } }
}"""


APPLICATION_NODE = """query($id: ID!) {
  node(id: $id) { ... on ServiceApplication { id status applicantName } }
}"""


class ServiceApplicationsGraphQLDriver:
    async def open_service_application_link(self, session, url: str) -> ServiceApplicationInfo | None:
        """The legal rep's page passes the ID the link carries to node(id), as it is."""
        from urllib.parse import parse_qs, urlparse

        [carried] = parse_qs(urlparse(url).query)["id"]
        a = (await self._query(APPLICATION_NODE, {"id": carried}, session))["node"]
        return ServiceApplicationInfo(a["id"], a["status"], applicant_name=a["applicantName"]) if a else None

    async def apply_for_enterprise_service(self, session, enterprise_id: str, plan_id: str) -> ServiceApplicationInfo:
        a = (await self._mutate("ApplyForEnterpriseService", "applyForEnterpriseService",
                                {"enterpriseId": enterprise_id, "planId": plan_id}, session))["application"]
        return ServiceApplicationInfo(a["id"], a["status"], approval_url=a["approvalUrl"],
                                      approval_qr_content=a["approvalQrContent"])

    async def approve_service_application(self, session, application_id: str, appearance_kind: str,
                                          code: str) -> ServiceApplicationInfo:
        found = (await self._op("MySignatureAppearances", session=session))["me"]["signatureAppearances"]
        appearance = next(a["id"] for a in found if a["kind"] == appearance_kind)
        a = (await self._mutate("ApproveServiceApplication", "approveServiceApplication",
                                {"applicationId": application_id, "appearanceId": appearance, "smsCode": code},
                                session))["application"]
        return ServiceApplicationInfo(a["id"], a["status"])

    async def reject_service_application(self, session, application_id: str) -> ServiceApplicationInfo:
        a = (await self._mutate("RejectServiceApplication", "rejectServiceApplication",
                                {"applicationId": application_id}, session))["application"]
        return ServiceApplicationInfo(a["id"], a["status"])

    async def my_service_applications(self, session) -> list[ServiceApplicationInfo]:
        found = (await self._op("MyServices", session=session))["me"]["serviceApplications"]
        return [ServiceApplicationInfo(a["id"], a["status"], (a["plan"] or {}).get("name"),
                                       (a["enterprise"] or {}).get("name")) for a in found]

    async def enterprise_service_applications(self, session, enterprise_id: str, *, pending_only: bool
                                              ) -> list[ServiceApplicationInfo]:
        found = (await self._query(ENTERPRISE_APPLICATIONS, {"id": enterprise_id, "pending": pending_only},
                                   session))["enterprise"]
        return [ServiceApplicationInfo(a["id"], a["status"], (a["plan"] or {}).get("name"),
                                       (a["enterprise"] or {}).get("name"), applicant_name=a["applicantName"])
                for a in (found or {}).get("serviceApplications", [])]

    async def service_application_letter(self, session, application_id: str, *, signed: bool) -> bytes | None:
        """From node(id).letter's URLs, fetched over HTTP like a client; None on 404 or no such URL."""
        node = (await self._query(APPLICATION_LETTER, {"id": application_id}, session))["node"]
        url = ((node or {}).get("letter") or {}).get("signedDocumentUrl" if signed else "documentUrl")
        return await self._file(session, url)

    async def place_application_order(self, session, application_id: str, plan_ids: list[str]) -> OrderView:
        o = (await self._mutate("PlaceOrder", "placeOrder",
                                {"planIds": plan_ids, "serviceApplicationId": application_id}, session))["order"]
        return OrderView(o["id"], o["status"], o["amountFen"])

    async def gift_service(self, session, enterprise_id: str, member_id: str, plan_ids: list[str]) -> OrderView:
        o = (await self._mutate("GiftService", "giftService",
                                {"enterpriseId": enterprise_id, "memberId": member_id, "planIds": plan_ids},
                                session))["order"]
        return OrderView(o["id"], o["status"], o["amountFen"])
