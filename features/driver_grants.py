"""ApplicationDriver's acts of §8.5 (证书授权), as a mixin of features.driver.ApplicationDriver, which provides
`app`, `_call`, `_principal` and `_order_view`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class GrantInfo:
    id: Any
    status: str
    approval_url: str | None


@dataclass(frozen=True)
class MyGrantInfo:
    """A grant as its member sees it in `me.certificateGrants`."""
    id: Any
    status: str
    platform_id: Any  # the platform's own UUID, as the feature's platforms know it
    operations: list[str]
    valid_until: date
    end_reason: str | None


@dataclass(frozen=True)
class GrantedCertificateInfo:
    certificate_id: Any
    enterprise_name: str


class CertificateGrantDriver:
    app: Any

    def _grant(self, g) -> GrantInfo:
        from application.grants.create_certificate_grant import approval_url
        from domain.grants.grant import GrantStatus

        status = g.status_at(self.app.clock.now())
        return GrantInfo(g.id, status.value, approval_url("https://sxq.example", g.id)
                         if status is GrantStatus.AWAITING_APPROVAL else None)

    async def create_certificate_grant(self, session, enterprise_id: Any, member_id: Any, platform_id: Any,
                                       operations: list[str], valid_until: date,
                                       seal_ids: list[Any] | None = None) -> GrantInfo:
        from application.grants.create_certificate_grant import CreateCertificateGrantCommand
        from domain.commerce.entitlement import ScanOperation
        from features.driver import META

        g = await self._call(self.app.grants.create_certificate_grant(CreateCertificateGrantCommand(
            await self._principal(session), enterprise_id, member_id, platform_id,
            [ScanOperation(o) for o in operations], valid_until, META, seal_ids=list(seal_ids or []))))
        return self._grant(g)

    async def grant_letter(self, session, grant_id: Any, *, signed: bool) -> bytes | None:
        """The grant letter's PDF (or its signed form) as served to the caller; None when they may not read it."""
        return await self.app.grants.read_grant_letter(await self._principal(session), grant_id, signed=signed)

    async def approve_certificate_grant(self, session, grant_id: Any, appearance_kind: str, code: str) -> GrantInfo:
        from application.grants.approve_certificate_grant import ApproveCertificateGrantCommand
        from application.seals.signature_appearances import AppearanceKind
        from features.driver import META

        principal = await self._principal(session)
        found = {a.kind.value: a for a in await self.app.list_signature_appearances(principal)}
        a = found[appearance_kind]
        ref = (AppearanceKind.NAME_SIGNATURE, a.account_id) if a.seal is None else (None, a.seal.id)
        g = await self._call(self.app.grants.approve_certificate_grant(
            ApproveCertificateGrantCommand(principal, grant_id, ref, code, META)))
        return self._grant(g)

    async def revoke_certificate_grant(self, session, grant_id: Any) -> GrantInfo:
        from application.grants.revoke_certificate_grant import RevokeCertificateGrantCommand
        from features.driver import META

        g = await self._call(self.app.grants.revoke_certificate_grant(RevokeCertificateGrantCommand(
            await self._principal(session), grant_id, META)))
        return self._grant(g)

    async def grant_status(self, session, enterprise_id: Any, grant_id: Any) -> str | None:
        """The grant's status in the enterprise's grant list as the caller sees it (None: not listed)."""
        grants = await self.app.grants.list_enterprise_grants(await self._principal(session), enterprise_id)
        now = self.app.clock.now()
        return next((g.status_at(now).value for g in grants if g.id == grant_id), None)

    async def place_grant_order(self, session, grant_id: Any, plan_ids: list[Any]):
        from application.commerce.place_order import PlaceOrderCommand

        order = await self._call(self.app.commerce.place_order(
            PlaceOrderCommand(await self._principal(session), list(plan_ids), grant_id=grant_id)))
        return self._order_view(order)

    async def my_certificate_grants(self, session) -> list[MyGrantInfo]:
        now = self.app.clock.now()
        return [MyGrantInfo(g.id, g.status_at(now).value, g.platform_id, list(g.operations), g.valid_until,
                            g.end_reason)
                for g in await self.app.grants.my_certificate_grants(await self._principal(session))]

    async def usable_enterprise_certificates(self, session) -> list[GrantedCertificateInfo]:
        granted = await self.app.grants.my_granted_certificates(await self._principal(session))
        return [GrantedCertificateInfo(g.certificate.id, g.enterprise.name) for g in granted]

    async def scan_result_holder(self, platform: Any, t_id: str) -> dict[str, Any]:
        view = await self.platform_scan_session(platform, t_id)  # type: ignore[attr-defined]
        assert view is not None and view.result is not None
        return view.result["holder"]
