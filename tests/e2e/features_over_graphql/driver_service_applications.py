"""GraphQLDriver's acts of §6.3 and §8.1 赠送服务 with the contract documents (ApplyForEnterpriseService,
ApproveServiceApplication, PlaceOrder with serviceApplicationId, MyServices, and this project's GiftService and
RejectServiceApplication): a
mixin of GraphQLDriver, which provides `_mutate` and `_op`."""

from __future__ import annotations

from features.driver import OrderView
from features.driver_service_applications import ServiceApplicationInfo


class ServiceApplicationsGraphQLDriver:
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

    async def place_application_order(self, session, application_id: str, plan_ids: list[str]) -> OrderView:
        o = (await self._mutate("PlaceOrder", "placeOrder",
                                {"planIds": plan_ids, "serviceApplicationId": application_id}, session))["order"]
        return OrderView(o["id"], o["status"], o["amountFen"])

    async def gift_service(self, session, enterprise_id: str, member_id: str, plan_ids: list[str]) -> OrderView:
        o = (await self._mutate("GiftService", "giftService",
                                {"enterpriseId": enterprise_id, "memberId": member_id, "planIds": plan_ids},
                                session))["order"]
        return OrderView(o["id"], o["status"], o["amountFen"])
