"""ApplicationDriver's acts of §6.2 (企业证书服务购买), §6.2.1 (领取企业证书) and §8.3 (证书管理): a mixin of
features.driver.ApplicationDriver, which provides `app`, `_call` and `_principal`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from application.context import RequestMeta

_META = RequestMeta(client_ip="198.51.100.20", user_agent="数信签/1.0 (features)")


@dataclass(frozen=True)
class EnterpriseServiceInfo:
    id: Any
    holder_name: str | None  # the enterprise's name, or None for a personal service
    platform_name: str | None
    plan_name: str | None
    status: str


@dataclass(frozen=True)
class OrgCertificateInfo:
    id: Any
    usage: str
    subject_dn: str
    status: str


@dataclass(frozen=True)
class CertificateServiceInfo:
    platform_name: str | None
    plan_name: str | None
    status: str
    valid_from: datetime
    valid_until: datetime


@dataclass(frozen=True)
class OrgCertificateServices:
    certificate: OrgCertificateInfo
    services: list[CertificateServiceInfo]


class EnterpriseServicesDriver:
    async def place_enterprise_order(self, session, enterprise_id: Any, plan_ids: list[Any]):
        from application.commerce.place_order import PlaceOrderCommand

        order = await self._call(self.app.commerce.place_order(
            PlaceOrderCommand(await self._principal(session), list(plan_ids), enterprise_id=enterprise_id)))
        return self._order_view(order)

    async def services_with_holders(self, session) -> list[EnterpriseServiceInfo]:
        from domain.commerce.entitlement import HolderKind

        c, now = self.app.commerce, self.app.clock.now()
        principal = await self._principal(session)
        ents = await self._call(c.list_my_entitlements(principal))
        platforms = await c.catalogue.platforms([e.platform_id for e in ents])
        plans = await c.catalogue.plans([e.plan_id for e in ents])
        found = []
        for e, pf, pl in zip(ents, platforms, plans, strict=True):
            holder = None
            if e.holder_kind is HolderKind.ENTERPRISE:
                view = await self.app.enterprises.get_enterprise(principal, e.holder_id)
                holder = view.enterprise.name if view else None
            found.append(EnterpriseServiceInfo(e.id, holder, pf.name if pf else None, pl.name if pl else None,
                                               e.status(now).value))
        return found

    async def claim_enterprise_certificate(self, session, enterprise_id: Any, entitlement_id: Any,
                                           pin: str) -> list[OrgCertificateInfo]:
        from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificateCommand

        p = await self._principal(session)
        r = await self._cosigned(session, lambda co: self.app.claim_enterprise_certificate(
            ClaimEnterpriseCertificateCommand(p, enterprise_id, entitlement_id, co, _META)),
            "certificate.claim_enterprise", pin)
        return [OrgCertificateInfo(c.id, c.usage.value, c.subject_dn, c.status.value)
                for c in (r.signing, r.encryption)]

    async def enterprise_certificates(self, session, enterprise_id: Any) -> list[OrgCertificateInfo]:
        views = await self.app.list_enterprise_certificates(await self._principal(session), enterprise_id)
        return [OrgCertificateInfo(v.certificate.id, v.certificate.usage.value, v.certificate.subject_dn,
                                   v.status.value) for v in views]

    async def enterprise_certificates_with_services(self, session, enterprise_id: Any
                                                    ) -> list[OrgCertificateServices]:
        """§8.3: the enterprise's certificates, each with the services it carries."""
        c, now = self.app.commerce, self.app.clock.now()
        principal = await self._principal(session)
        found = []
        for v in await self.app.list_enterprise_certificates(principal, enterprise_id):
            ents = await self.app.certificate_services(principal, v.certificate.id)
            platforms = await c.catalogue.platforms([e.platform_id for e in ents])
            plans = await c.catalogue.plans([e.plan_id for e in ents])
            services = [CertificateServiceInfo(pf.name if pf else None, pl.name if pl else None, e.status(now).value,
                                               e.valid_from, e.valid_until)
                        for e, pf, pl in zip(ents, platforms, plans, strict=True)]
            cert = OrgCertificateInfo(v.certificate.id, v.certificate.usage.value, v.certificate.subject_dn,
                                      v.status.value)
            found.append(OrgCertificateServices(cert, services))
        return found
