"""ApplicationDriver's acts of §6.3 (成员申请企业证书服务) and §8.1 赠送服务: a mixin of features.driver.ApplicationDriver,
which provides `app`, `_call`, `_principal` and `_order_view`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.context import RequestMeta

_META = RequestMeta(client_ip="198.51.100.21", user_agent="数信签/1.0 (features)")


@dataclass(frozen=True)
class ServiceApplicationInfo:
    id: Any
    status: str
    plan_name: str | None = None
    enterprise_name: str | None = None
    approval_url: str | None = None
    approval_qr_content: str | None = None
    applicant_name: str | None = None


class ServiceApplicationsDriver:
    async def apply_for_enterprise_service(self, session, enterprise_id: Any, plan_id: Any) -> ServiceApplicationInfo:
        from application.enterprises.apply_for_enterprise_service import ApplyForEnterpriseServiceCommand

        r = await self._call(self.app.enterprises.services.apply_for_enterprise_service(
            ApplyForEnterpriseServiceCommand(await self._principal(session), enterprise_id, plan_id, _META)))
        status = r.application.effective_status(self.app.clock.now()).value
        return ServiceApplicationInfo(r.application.id, status, approval_url=r.approval_url,
                                      approval_qr_content=r.qr_content)

    async def open_service_application_link(self, session, url: str) -> ServiceApplicationInfo | None:
        """What the legal rep's page shows for the link of his SMS: the application named by the ID the link
        carries (a global ID, as the API takes), or None."""
        from urllib.parse import parse_qs, urlparse

        from graphql_schema.common.node import from_global_id

        [carried] = parse_qs(urlparse(url).query)["id"]
        ref = from_global_id(carried, "ServiceApplication")
        v = (await self.app.enterprises.services.get_service_application(await self._principal(session), ref[1])
             if ref is not None else None)
        return (ServiceApplicationInfo(v.application.id, v.status.value, applicant_name=v.application.applicant_name)
                if v is not None else None)

    async def approve_service_application(self, session, application_id: Any, appearance_kind: str,
                                          code: str) -> ServiceApplicationInfo:
        from application.enterprises.approve_service_application import ApproveServiceApplicationCommand
        from application.seals.signature_appearances import AppearanceKind

        principal = await self._principal(session)
        found = {a.kind.value: a for a in await self.app.list_signature_appearances(principal)}
        a = found[appearance_kind]
        ref = (AppearanceKind.NAME_SIGNATURE, a.account_id) if a.seal is None else (None, a.seal.id)
        r = await self._call(self.app.enterprises.services.approve_service_application(
            ApproveServiceApplicationCommand(principal, application_id, ref, code, _META)))
        return ServiceApplicationInfo(r.id, r.effective_status(self.app.clock.now()).value)

    async def reject_service_application(self, session, application_id: Any) -> ServiceApplicationInfo:
        from application.enterprises.reject_service_application import RejectServiceApplicationCommand

        r = await self._call(self.app.enterprises.services.reject_service_application(
            RejectServiceApplicationCommand(await self._principal(session), application_id, _META)))
        return ServiceApplicationInfo(r.id, r.status.value)

    async def my_service_applications(self, session) -> list[ServiceApplicationInfo]:
        principal = await self._principal(session)
        found = await self._call(self.app.enterprises.services.my_service_applications(principal))
        out = []
        for v in found:
            view = await self.app.enterprises.get_enterprise(principal, v.application.enterprise_id)
            out.append(ServiceApplicationInfo(v.application.id, v.status.value, v.plan.name if v.plan else None,
                                              view.enterprise.name if view else None))
        return out

    async def enterprise_service_applications(self, session, enterprise_id: Any, *, pending_only: bool
                                              ) -> list[ServiceApplicationInfo]:
        found = await self._call(self.app.enterprises.services.list_enterprise_service_applications(
            await self._principal(session), enterprise_id, pending_only=pending_only))
        return [ServiceApplicationInfo(v.application.id, v.status.value, v.plan.name if v.plan else None,
                                       v.application.enterprise_name, applicant_name=v.application.applicant_name)
                for v in found]

    async def service_application_letter(self, session, application_id: Any, *, signed: bool) -> bytes | None:
        return await self.app.enterprises.services.read_service_application_letter(
            await self._principal(session), application_id, signed=signed)

    async def place_application_order(self, session, application_id: Any, plan_ids: list[Any]):
        from application.commerce.place_order import PlaceOrderCommand

        order = await self._call(self.app.commerce.place_order(PlaceOrderCommand(
            await self._principal(session), list(plan_ids), service_application_id=application_id)))
        return self._order_view(order)

    async def gift_service(self, session, enterprise_id: Any, member_id: Any, plan_ids: list[Any]):
        from application.enterprises.gift_service import GiftServiceCommand

        order = await self._call(self.app.enterprises.services.gift_service(GiftServiceCommand(
            await self._principal(session), enterprise_id, member_id, list(plan_ids), _META)))
        return self._order_view(order)
