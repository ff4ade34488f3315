"""ApplicationDriver's acts of §8.2 (印章管理): making org seals, listing the enterprise's seals, changing a face and
reading the face history. A mixin of features.driver.ApplicationDriver, which provides `app`, `_call`, `_principal`
and `_cosigned` (the two calls of an act, the phone co-signing with the PIN the scenario types); revoking goes
through the driver's `revoke_seal`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.context import RequestMeta

_META = RequestMeta(client_ip="198.51.100.21", user_agent="数信签/1.0 (features)")


@dataclass(frozen=True)
class OrgSealInfo:
    id: Any
    name: str
    kind: str
    status: str
    style: str | None
    info_code: str | None
    has_ses_seal: bool  # the SES_Seal export answers for this caller
    surrounding_text: str | None = None  # the arc text (the enterprise's name; the legal rep's on a LEGAL_REP seal)


class EnterpriseSealsDriver:
    async def create_enterprise_seal(self, session, enterprise_id: Any, name: str, kind: str, pin: str,
                                     seal_admin_member_id: Any = None) -> OrgSealInfo:
        from application.seals.create_enterprise_seal import CreateEnterpriseSealCommand
        from domain.seals.seal import SealKind

        principal = await self._principal(session)
        view = await self._cosigned(session, lambda co: self.app.enterprise_seals.create_enterprise_seal(
            CreateEnterpriseSealCommand(principal, enterprise_id, name, SealKind(kind), co, seal_admin_member_id,
                                        _META)), "seal.create_enterprise", pin)
        return await self._org_seal_info(principal, view)

    async def enterprise_seals(self, session, enterprise_id: Any, include_invalid: bool = False) -> list[OrgSealInfo]:
        principal = await self._principal(session)
        views = await self._call(self.app.enterprise_seals.list_enterprise_seals(principal, enterprise_id,
                                                                                 include_invalid))
        return [await self._org_seal_info(principal, v) for v in views]

    async def change_org_seal_face(self, session, seal_id: Any, pin: str, style: str | None = None,
                                   surrounding_text: str | None = None, info_code: str | None = None) -> None:
        from application.seals.change_seal_face import ChangeSealFaceCommand
        from domain.seals.seal import SealStyle

        principal = await self._principal(session)
        await self._cosigned(session, lambda co: self.app.change_seal_face(ChangeSealFaceCommand(
            principal, seal_id, co, style=SealStyle(style) if style else None,
            surrounding_text=surrounding_text, info_code=info_code, meta=_META)), "seal.change_face", pin)

    async def seal_face_count(self, seal_id: Any) -> int:
        """The face history kept for signatures already made (not on the API: read from storage)."""
        async with self.app.uow() as uow:
            return len(await uow.seals.faces_of(seal_id))

    async def _org_seal_info(self, principal, view) -> OrgSealInfo:
        s = view.seal
        der = await self.app.export_seal(principal, s.id)
        return OrgSealInfo(s.id, s.name, s.kind.value, view.status.value, s.style.value if s.style else None,
                           s.info_code, der is not None, s.surrounding_text)
