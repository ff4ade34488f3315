"""ClaimEnterpriseCertificate (§6.2.1 领取企业证书): the admin or legal rep of a certified enterprise with an active
enterprise entitlement gets the enterprise's dual SM2 org pair (CN and O = the enterprise's name,
organizationIdentifier = NTRCN-<credit code>, ETSI EN 319 412-1 semantics).

The claimer's own certificate PIN confirms the claim (the first PIN is set here, as on a personal claim), but it
does not protect the org keys: they are wrapped under the enterprise's key (see the key vault), so admins, the
legal rep and granted members each prove their own PIN to use them and nobody shares one. One pair serves every
platform of the enterprise: a later claim for another entitlement proves the PIN and returns the same pair, unless
it was revoked or lapsed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.audit import audit
from application.certificates.issue_dual_certificates import (
    IssueDualCertificates,
    IssueDualCertificatesCommand,
)
from application.certificates.personal import verified_identity
from application.certificates.pin_gate import PinGate
from application.certificates.ports import SubjectInfo
from application.context import Principal, RequestMeta, require_account
from application.enterprises.certified_access import certified_and_administered
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.certificates.certificate import (
    Certificate,
    CertificateStatus,
    CertificateUsage,
    HolderKind,
    RevocationReason,
)
from domain.certificates.claim import EntitlementRequired
from domain.certificates.pin import Pin
from domain.commerce.entitlement import HolderKind as EntitlementHolder
from domain.enterprises.enterprise import Enterprise

ORG_VALIDITY = timedelta(days=365)
MAX_VALIDITY = timedelta(days=5 * 365)
ORG_PROFILES = frozenset({"ORG_SIGNING", "ORG_ENCRYPTION"})


def org_subject(enterprise: Enterprise) -> SubjectInfo:
    return SubjectInfo(HolderKind.ORGANIZATION, enterprise.name, f"NTRCN-{enterprise.credit_code}", enterprise.name)


async def active_org_certificates(uow: UnitOfWork, enterprise_id: UUID, now: datetime) -> list[Certificate]:
    return [c for c in await uow.certificates.for_enterprise(enterprise_id)
            if c.profile in ORG_PROFILES and c.status_at(now) is CertificateStatus.ACTIVE]


async def current_org_pair(uow: UnitOfWork, enterprise_id: UUID, now: datetime
                           ) -> tuple[Certificate | None, Certificate | None]:
    """The newest active org signing and encryption certificates of the enterprise (either may be missing)."""
    active = await active_org_certificates(uow, enterprise_id, now)
    signing = [c for c in active if c.usage is CertificateUsage.SIGNING]
    encryption = [c for c in active if c.usage is CertificateUsage.ENCRYPTION]
    return (signing[-1] if signing else None), (encryption[-1] if encryption else None)


@dataclass(frozen=True)
class ClaimEnterpriseCertificateCommand:
    principal: Principal | None
    enterprise_id: UUID
    entitlement_id: UUID
    pin: str
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class ClaimedOrgCertificates:
    enterprise: Enterprise
    signing: Certificate
    encryption: Certificate
    reused: bool


class ClaimEnterpriseCertificate:
    def __init__(self, uow: UnitOfWorkFactory, issue: IssueDualCertificates, gate: PinGate, clock: Clock) -> None:
        self._uow, self._issue, self._gate, self._clock = uow, issue, gate, clock

    async def __call__(self, cmd: ClaimEnterpriseCertificateCommand) -> ClaimedOrgCertificates:
        p = require_account(cmd.principal)
        # Everything that can be refused without the PIN is refused first: no attempt is spent on it.
        async with self._uow() as uow:
            now = self._clock.now()
            await verified_identity(uow, p.id)
            enterprise = await certified_and_administered(uow, p.id, cmd.enterprise_id)
            entitlement = await uow.entitlements.get(cmd.entitlement_id)
            if (entitlement is None or entitlement.holder_kind is not EntitlementHolder.ENTERPRISE
                    or entitlement.holder_id != enterprise.id):
                raise EntitlementRequired("未找到该企业可用的证书服务，请先为企业购买证书服务", field="entitlementId")
            if not entitlement.is_active(now):
                raise EntitlementRequired("该企业证书服务已过期或已失效", field="entitlementId")
            pin_set = await uow.certificate_pins.get(p.id) is not None
            signing, encryption = await current_org_pair(uow, enterprise.id, now)
        if not pin_set:
            Pin(cmd.pin)  # the claimer's first PIN is set here: a weak one is refused before anything is made

        if signing is not None and encryption is not None:
            await self._gate.prove(p.id, cmd.pin)
            async with self._uow() as uow:
                self._audit(uow, p.id, enterprise, cmd, reused=True)
                await uow.commit()
            return ClaimedOrgCertificates(enterprise, signing, encryption, reused=True)

        not_after = min(max(entitlement.valid_until, now + ORG_VALIDITY), now + MAX_VALIDITY)
        issue_cmd = IssueDualCertificatesCommand(account_id=p.id, subject=org_subject(enterprise), pin=cmd.pin,
                                                 not_after=not_after, enterprise_id=enterprise.id)
        prepared = await self._issue.prepare_keys(issue_cmd)  # the PIN proof (or first PIN) and both key pairs
        async with self._uow() as uow:
            # The rights are read again in the issuing transaction: a claimer demoted meanwhile gets nothing.
            enterprise = await certified_and_administered(uow, p.id, cmd.enterprise_id)
            pair = await self._issue.record(uow, issue_cmd, prepared)
            now = self._clock.now()
            for cert in await active_org_certificates(uow, enterprise.id, now):
                if cert.pair_id != pair.pair_id:  # a lone survivor of an older pair
                    cert.revoke(RevocationReason.SUPERSEDED, now)
            self._audit(uow, p.id, enterprise, cmd, reused=False, serial=pair.signing.serial)
            await self._issue.commit(uow, prepared)
        return ClaimedOrgCertificates(enterprise, pair.signing, pair.encryption, reused=False)

    def _audit(self, uow: UnitOfWork, account_id: UUID, enterprise: Enterprise,
               cmd: ClaimEnterpriseCertificateCommand, **detail) -> None:
        audit(uow, "certificate.claimed", self._clock.now(), cmd.meta, account_id=account_id,
              enterprise_id=str(enterprise.id), entitlement=str(cmd.entitlement_id), **detail)
