"""ClaimEnterpriseCertificate (§6.2.1 领取企业证书): the admin or legal rep of a certified enterprise with an active
enterprise entitlement gets the enterprise's dual SM2 org pair (CN and O = the enterprise's name,
organizationIdentifier = NTRCN-<credit code>, ETSI EN 319 412-1 semantics).

The claim is approved by the claimer's own co-signature (SPEC §C), two calls like every act a PIN approves. The org
keys stay with us under the enterprise's key (see the key vault): admins, the legal rep and granted members each
approve every use with their own co-signature, and nobody shares a PIN. One pair serves every platform of the
enterprise: a later claim for another entitlement returns the same pair, unless it was revoked or lapsed."""

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
from application.certificates.ports import SubjectInfo
from application.context import Principal, RequestMeta, require_account
from application.enterprises.certified_access import certified_and_administered
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.signing.cosigning import Act, Approval, CoSigning, NeedsCoSignature, live_key
from domain.certificates.certificate import (
    Certificate,
    CertificateStatus,
    CertificateUsage,
    HolderKind,
    RevocationReason,
)
from domain.certificates.claim import EntitlementRequired
from domain.commerce.entitlement import Entitlement
from domain.commerce.entitlement import HolderKind as EntitlementHolder
from domain.enterprises.enterprise import Enterprise
from domain.signing.cosignature import CoSignature
from domain.signing.signing_request import SigningPurpose

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
    co_signature: CoSignature | None = None
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class ClaimedOrgCertificates:
    enterprise: Enterprise
    signing: Certificate
    encryption: Certificate
    reused: bool


class ClaimEnterpriseCertificate:
    def __init__(self, uow: UnitOfWorkFactory, issue: IssueDualCertificates, cosigning: CoSigning,
                 clock: Clock) -> None:
        self._uow, self._issue, self._cosigning, self._clock = uow, issue, cosigning, clock

    @staticmethod
    def act(cmd: ClaimEnterpriseCertificateCommand, enterprise: Enterprise) -> Act:
        return Act("certificate.claim_enterprise", SigningPurpose.CLAIM_ENTERPRISE_CERTIFICATE,
                   {"enterpriseId": str(cmd.enterprise_id), "entitlementId": str(cmd.entitlement_id)},
                   f"为{enterprise.name}（{enterprise.credit_code}）领取企业数字证书")

    async def _check(self, uow: UnitOfWork, account_id: UUID, cmd: ClaimEnterpriseCertificateCommand
                     ) -> tuple[Enterprise, Entitlement]:
        """Everything that can be refused without the co-signature, so no attempt is spent on it."""
        now = self._clock.now()
        await verified_identity(uow, account_id)
        enterprise = await certified_and_administered(uow, account_id, cmd.enterprise_id)
        entitlement = await uow.entitlements.get(cmd.entitlement_id)
        if (entitlement is None or entitlement.holder_kind is not EntitlementHolder.ENTERPRISE
                or entitlement.holder_id != enterprise.id):
            raise EntitlementRequired("未找到该企业可用的证书服务，请先为企业购买证书服务", field="entitlementId")
        if not entitlement.is_active(now):
            raise EntitlementRequired("该企业证书服务已过期或已失效", field="entitlementId")
        await live_key(uow, account_id)
        return enterprise, entitlement

    async def __call__(self, cmd: ClaimEnterpriseCertificateCommand) -> ClaimedOrgCertificates | NeedsCoSignature:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            enterprise, entitlement = await self._check(uow, p.id, cmd)
            act = self.act(cmd, enterprise)
            if cmd.co_signature is None:
                return await self._cosigning.first_call(uow, p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        async with self._uow() as uow:
            now = self._clock.now()
            signing, encryption = await current_org_pair(uow, enterprise.id, now)
        if signing is not None and encryption is not None:
            async with self._uow() as uow:
                self._audit(uow, p.id, enterprise, cmd, approval, reused=True)
                await uow.commit()
            return ClaimedOrgCertificates(enterprise, signing, encryption, reused=True)

        not_after = min(max(entitlement.valid_until, now + ORG_VALIDITY), now + MAX_VALIDITY)
        issue_cmd = IssueDualCertificatesCommand(account_id=p.id, subject=org_subject(enterprise),
                                                 not_after=not_after, enterprise_id=enterprise.id)
        prepared = self._issue.prepare_keys(issue_cmd)  # both org key pairs, outside the transaction
        async with self._uow() as uow:
            # The rights are read again in the issuing transaction: a claimer demoted meanwhile gets nothing.
            enterprise = await certified_and_administered(uow, p.id, cmd.enterprise_id)
            pair = await self._issue.record(uow, issue_cmd, prepared)
            now = self._clock.now()
            for cert in await active_org_certificates(uow, enterprise.id, now):
                if cert.pair_id != pair.pair_id:  # a lone survivor of an older pair
                    cert.revoke(RevocationReason.SUPERSEDED, now)
            self._audit(uow, p.id, enterprise, cmd, approval, reused=False, serial=pair.signing.serial)
            await uow.commit()
        return ClaimedOrgCertificates(enterprise, pair.signing, pair.encryption, reused=False)

    def _audit(self, uow: UnitOfWork, account_id: UUID, enterprise: Enterprise,
               cmd: ClaimEnterpriseCertificateCommand, approval: Approval, **detail) -> None:
        audit(uow, "certificate.claimed", self._clock.now(), cmd.meta, account_id=account_id,
              enterprise_id=str(enterprise.id), entitlement=str(cmd.entitlement_id), evidence=approval.evidence(),
              **detail)
