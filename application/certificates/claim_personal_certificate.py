"""ClaimPersonalCertificate (§6.1.1 领取证书): a verified person with an active personal entitlement and an enrolled
signing key (SPEC §C) gets the dual SM2 pair; the signing certificate certifies that key. Two calls: the first
answers a signing request over the claim's statement, the second brings the phone's co-signature, which approves
the claim and proves possession of the key. One pair serves every platform: a later claim for another
entitlement returns the same certificates, unless they were revoked or lapsed (then a new pair is issued). The
first personal certificate brings the personal name seal along."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.audit import audit
from application.certificates.issue_dual_certificates import (
    IssueDualCertificates,
    IssueDualCertificatesCommand,
)
from application.certificates.personal import (
    active_personal,
    current_personal_pair,
    personal_subject,
    verified_identity,
)
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.seals.personal_name_seal import PersonalNameSeals
from application.signing.cosigning import Act, Approval, CoSigning, NeedsCoSignature, live_key
from domain.certificates.certificate import Certificate, RevocationReason
from domain.certificates.claim import EntitlementRequired
from domain.commerce.entitlement import Entitlement
from domain.commerce.entitlement import HolderKind as EntitlementHolder
from domain.identity.identity import Identity
from domain.seals.seal import Seal
from domain.signing.cosignature import CoSignature
from domain.signing.signing_key import SigningKeyRequired
from domain.signing.signing_request import SigningPurpose

PERSONAL_VALIDITY = timedelta(days=365)
MAX_VALIDITY = timedelta(days=5 * 365)


@dataclass(frozen=True)
class ClaimPersonalCertificateCommand:
    principal: Principal | None
    entitlement_id: UUID
    co_signature: CoSignature | None = None
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class ClaimedCertificates:
    signing: Certificate
    encryption: Certificate
    personal_seal: Seal | None
    reused: bool


class ClaimPersonalCertificate:
    def __init__(self, uow: UnitOfWorkFactory, issue: IssueDualCertificates, cosigning: CoSigning,
                 hasher: SecretHasher, seals: PersonalNameSeals, clock: Clock) -> None:
        self._uow, self._issue, self._cosigning, self._hasher = uow, issue, cosigning, hasher
        self._seals, self._clock = seals, clock

    @staticmethod
    def act(cmd: ClaimPersonalCertificateCommand, identity: Identity) -> Act:
        return Act("certificate.claim_personal", SigningPurpose.CLAIM_PERSONAL_CERTIFICATE,
                   {"entitlementId": str(cmd.entitlement_id)},
                   f"领取个人数字证书：{identity.legal_name}（签名证书与加密证书）")

    async def _check(self, uow: UnitOfWork, account_id: UUID, cmd: ClaimPersonalCertificateCommand
                     ) -> tuple[Identity, Entitlement]:
        """Everything that can be refused without the co-signature, so no attempt is spent on it."""
        now = self._clock.now()
        identity = await verified_identity(uow, account_id)
        entitlement = await uow.entitlements.get(cmd.entitlement_id)
        if (entitlement is None or entitlement.holder_kind is not EntitlementHolder.ACCOUNT
                or entitlement.holder_id != account_id):
            raise EntitlementRequired(field="entitlementId")
        if not entitlement.is_active(now):
            raise EntitlementRequired("该证书服务已过期或已失效", field="entitlementId")
        await live_key(uow, account_id)
        return identity, entitlement

    async def __call__(self, cmd: ClaimPersonalCertificateCommand) -> ClaimedCertificates | NeedsCoSignature:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            identity, entitlement = await self._check(uow, p.id, cmd)
            act = self.act(cmd, identity)
            if cmd.co_signature is None:
                return await self._cosigning.first_call(uow, p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        key = approval.key
        async with self._uow() as uow:
            now = self._clock.now()
            signing, encryption = await current_personal_pair(uow, p.id, now)
        legal_name = identity.legal_name or ""
        if signing is not None and encryption is not None and signing.public_key == key.public_key:
            async with self._uow() as uow:
                seal, _ = await self._seals.ensure_in(uow, p.id, legal_name, signing.not_after, None)
                self._audit(uow, p.id, cmd, approval, reused=True)
                await uow.commit()
            if seal is None:  # the pair predates seals or its seal was revoked: make one (its own change)
                seal = await self._seals.ensure(p.id, legal_name, signing.not_after)
            return ClaimedCertificates(signing, encryption, seal, reused=True)

        not_after = min(max(entitlement.valid_until, now + PERSONAL_VALIDITY), now + MAX_VALIDITY)
        issue_cmd = IssueDualCertificatesCommand(account_id=p.id, subject=personal_subject(identity, self._hasher),
                                                 not_after=not_after, signing_public_key=key.public_key)
        prepared = self._issue.prepare_keys(issue_cmd)  # the escrowed encryption pair, outside the transaction
        async with self._uow() as uow:
            blob = await self._seals.render(legal_name) if await self._seals.needs_face(uow, p.id) else None
        used = committed = False
        try:
            # One transaction: the pair, the superseded survivors, the seal, the audit with the evidence.
            async with self._uow() as uow:
                if (await live_key(uow, p.id)).id != key.id:
                    raise SigningKeyRequired("签名密钥已更换，请重新领取", field="coSignature")
                pair = await self._issue.record(uow, issue_cmd, prepared)
                now = self._clock.now()
                # Survivors of an older pair (a partner revoked, or over a key that was replaced) are superseded.
                for cert in await active_personal(uow, p.id, now):
                    if cert.pair_id != pair.pair_id:
                        cert.revoke(RevocationReason.SUPERSEDED, now)
                seal, used = await self._seals.ensure_in(uow, p.id, legal_name, pair.signing.not_after, blob)
                self._audit(uow, p.id, cmd, approval, reused=False, serial=pair.signing.serial)
                await uow.commit()
                committed = True
        finally:
            if not (committed and used):  # a picture no committed seal points at is not kept
                await self._seals.forget(blob)
        return ClaimedCertificates(pair.signing, pair.encryption, seal, reused=False)

    def _audit(self, uow: UnitOfWork, account_id: UUID, cmd: ClaimPersonalCertificateCommand, approval: Approval,
               **detail) -> None:
        audit(uow, "certificate.claimed", self._clock.now(), cmd.meta, account_id=account_id,
              entitlement=str(cmd.entitlement_id), evidence=approval.evidence(), **detail)
