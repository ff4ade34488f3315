"""ExportSeal: a seal as a GB/T 38540 SES_Seal (DER), naming the holder's active signing certificates
and signed by the CA's seal-maker certificate. Only a usable seal of the caller's is exported; an org seal names
the enterprise's active org signing certificates and is exported to those who may see it (§8.2)."""

from __future__ import annotations

from uuid import UUID

from application.certificates.claim_enterprise_certificate import active_org_certificates
from application.certificates.personal import active_personal
from application.context import Principal, require_account
from application.ports import BlobStore, Clock, UnitOfWorkFactory, reading
from application.seals.org_seal_access import visible_org_seal
from application.seals.ports import SealMaker, SesSealRequest
from domain.certificates.certificate import CertificateUsage


class ExportSeal:
    def __init__(self, uow: UnitOfWorkFactory, blobs: BlobStore, maker: SealMaker, clock: Clock) -> None:
        self._uow, self._blobs, self._maker, self._clock = uow, blobs, maker, clock

    async def __call__(self, principal: Principal | None, seal_id: UUID) -> bytes | None:
        """None when the seal is not the caller's, is no longer usable, or no certificate may sign with it."""
        p = require_account(principal)
        async with reading(self._uow) as uow:
            now = self._clock.now()
            seal = await uow.seals.get(seal_id)
            if seal is not None and seal.is_org:
                seal = await visible_org_seal(uow, p.id, seal_id)
                certs = await active_org_certificates(uow, seal.holder_enterprise_id, now) if seal else []
            elif seal is not None and seal.is_held_by_account(p.id):
                certs = await active_personal(uow, p.id, now)
            else:
                return None
            if seal is None or not seal.is_usable(now):
                return None
            holders = [c.der for c in certs if c.usage is CertificateUsage.SIGNING and c.der is not None]
        if not holders:
            return None
        image, content_type = await self._blobs.get(seal.image_blob_id)
        return await self._maker.ses_seal(SesSealRequest(
            es_id=seal.id.hex.upper(), personal=not seal.is_org, name=seal.name, holder_certificates=holders,
            created=seal.created_at, valid_start=seal.created_at, valid_end=seal.valid_until, image=image,
            content_type=content_type))
