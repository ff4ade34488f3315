"""The §8.6 cascade (issue 7): what follows an approved change of name or legal rep, inside the approving
transaction (an ENTERPRISE_CHANGE_HOOKS entry), so the enterprise never shows its new name with certificates or
seals that carry the old one — all of it happens, or none.

- Org certificates: the active org pair is revoked (AFFILIATION_CHANGED) and a new pair is issued under the new name
  with fresh keys under the enterprise's key, valid as long as the old one was. No PIN is needed: org keys are the
  enterprise's, not a person's (see the key vault). Grants name the enterprise, platform and operations, not a
  certificate, so they carry over to the new pair as they stand.
- Org seals: every live round seal gets a new face with the new name on its arc (the seal, its admin and the grants
  naming it stay; earlier faces stay for signatures already made) and follows the new certificate's validity.
- The legal-rep seal: when the legal rep changed, the old legal rep's seal is revoked (the SEAL_REVOKED_HOOKS run,
  ending what named it) and a new one is made with the new legal rep's name, administered by the same person.

Seal faces are drawn and stored before anything is written only in the other use cases; here the drawing happens in
the approving transaction (a rare operator action), and a failed approval deletes the pictures it stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from application.audit import audit
from application.certificates.claim_enterprise_certificate import (
    active_org_certificates,
    current_org_pair,
    org_subject,
)
from application.certificates.issue_dual_certificates import (
    IssueDualCertificates,
    IssueDualCertificatesCommand,
)
from application.ports import BlobStore, UnitOfWork
from application.seals.org_seal_access import SEAL_REVOKED_HOOKS, SealRevokedHook
from application.seals.org_seal_faces import store_face
from application.seals.personal_name_seal import PNG
from application.seals.ports import SealImages
from domain.certificates.certificate import RevocationReason
from domain.enterprises.change import EnterpriseInformationChanged
from domain.enterprises.enterprise import Enterprise
from domain.seals.org_seal import (
    DEFAULT_ROUND_STYLE,
    OrgSealFaceSpec,
    apply_face,
    face_text,
    initial_face,
    make_org_seal,
)
from domain.seals.seal import Seal, SealKind, SealStatus


class OrgCascade:
    def __init__(self, issue: IssueDualCertificates, images: SealImages, blobs: BlobStore,
                 seal_revoked: Sequence[SealRevokedHook] = SEAL_REVOKED_HOOKS) -> None:
        self._issue, self._images, self._blobs = issue, images, blobs
        self._seal_revoked = seal_revoked

    async def __call__(self, uow: UnitOfWork, event: EnterpriseInformationChanged) -> None:
        enterprise = await uow.enterprises.get(event.enterprise_id)
        assert enterprise is not None
        now = event.occurred_at
        stored: list[str] = []
        try:
            not_after = await self._reissue_certificates(uow, enterprise, event, now)
            await self._remake_seals(uow, enterprise, event, now, not_after, stored)
        except BaseException:
            for blob in stored:
                await self._blobs.delete(blob)
            raise

    async def _reissue_certificates(self, uow: UnitOfWork, enterprise: Enterprise,
                                    event: EnterpriseInformationChanged, now: datetime) -> datetime | None:
        """The new pair's end (the old one's), or None when the enterprise has no active org pair."""
        signing, _encryption = await current_org_pair(uow, enterprise.id, now)
        if signing is None or event.old_name == event.new_name:
            return signing.not_after if signing is not None else None
        for cert in await active_org_certificates(uow, enterprise.id, now):
            cert.revoke(RevocationReason.AFFILIATION_CHANGED, now)
        claimer = signing.holder_account_id
        assert claimer is not None
        cmd = IssueDualCertificatesCommand(account_id=claimer, subject=org_subject(enterprise),
                                           not_after=signing.not_after, enterprise_id=enterprise.id)
        prepared = self._issue.prepare_keys(cmd)
        pair = await self._issue.record(uow, cmd, prepared)
        audit(uow, "certificate.reissued", now, None, account_id=claimer, enterprise_id=str(enterprise.id),
              change_id=str(event.change_id), serial=pair.signing.serial, replaced=signing.serial)
        return signing.not_after

    async def _remake_seals(self, uow: UnitOfWork, enterprise: Enterprise, event: EnterpriseInformationChanged,
                            now: datetime, not_after: datetime | None, stored: list[str]) -> None:
        live = [s for s in await uow.seals.for_enterprise(enterprise.id) if s.is_usable(now)]
        for seal in live:
            if seal.kind is SealKind.LEGAL_REP:
                if event.legal_rep_changed:
                    await self._replace_legal_rep_seal(uow, enterprise, seal, now, stored)
            elif event.old_name != event.new_name:
                face = OrgSealFaceSpec(seal.kind, seal.style or DEFAULT_ROUND_STYLE, enterprise.name,
                                       face_text(seal.kind, seal.name), seal.info_code)
                await self._reface(uow, seal, face, now, stored)
            if not_after is not None and seal.status_at(now) is SealStatus.ACTIVE:
                seal.valid_until = not_after  # the seals follow the (re-issued) org certificate

    async def _reface(self, uow: UnitOfWork, seal: Seal, face: OrgSealFaceSpec, now: datetime,
                      stored: list[str]) -> None:
        blob = await store_face(self._images, self._blobs, face)
        stored.append(blob)
        uow.seals.add_face(apply_face(seal, face, blob, PNG, now))
        audit(uow, "seal.face_changed", now, None, seal=str(seal.id), enterprise_id=str(seal.holder_enterprise_id),
              reason="enterprise_changed")

    async def _replace_legal_rep_seal(self, uow: UnitOfWork, enterprise: Enterprise, old: Seal, now: datetime,
                                      stored: list[str]) -> None:
        old.revoke(now)
        for hook in self._seal_revoked:
            await hook(uow, old, now)
        face = initial_face(SealKind.LEGAL_REP, old.name, enterprise.name, enterprise.legal_rep_name)
        blob = await store_face(self._images, self._blobs, face)
        stored.append(blob)
        admin: UUID = old.seal_admin_account_id or enterprise.created_by
        seal, first_face = make_org_seal(enterprise_id=enterprise.id, kind=SealKind.LEGAL_REP, name=old.name,
                                         face=face, seal_admin_account_id=admin, face_blob=blob, content_type=PNG,
                                         now=now, valid_until=old.valid_until)
        uow.seals.add(seal)
        uow.seals.add_face(first_face)
        audit(uow, "seal.revoked", now, None, seal=str(old.id), enterprise_id=str(enterprise.id),
              reason="legal_rep_changed")
        audit(uow, "seal.created", now, None, seal=str(seal.id), enterprise_id=str(enterprise.id),
              seal_kind=SealKind.LEGAL_REP.value, reason="legal_rep_changed")
