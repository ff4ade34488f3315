"""ClaimPersonalCertificate (§6.1.1 领取证书): a verified person with an active personal entitlement gets
the dual SM2 pair. One pair serves every platform: a later claim for another entitlement proves the PIN
and returns the same certificates, unless they were revoked or lapsed (then a new pair is issued). The
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
from application.certificates.pin_gate import PinGate
from application.context import Principal, RequestMeta, require_account
from application.ports import Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.seals.personal_name_seal import PersonalNameSeals
from domain.certificates.certificate import Certificate, RevocationReason
from domain.certificates.claim import EntitlementRequired
from domain.certificates.pin import Pin
from domain.commerce.entitlement import HolderKind as EntitlementHolder
from domain.seals.seal import Seal

PERSONAL_VALIDITY = timedelta(days=365)
MAX_VALIDITY = timedelta(days=5 * 365)


@dataclass(frozen=True)
class ClaimPersonalCertificateCommand:
    principal: Principal | None
    entitlement_id: UUID
    pin: str
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class ClaimedCertificates:
    signing: Certificate
    encryption: Certificate
    personal_seal: Seal | None
    reused: bool


class ClaimPersonalCertificate:
    def __init__(self, uow: UnitOfWorkFactory, issue: IssueDualCertificates, gate: PinGate,
                 hasher: SecretHasher, seals: PersonalNameSeals, clock: Clock) -> None:
        self._uow, self._issue, self._gate, self._hasher = uow, issue, gate, hasher
        self._seals, self._clock = seals, clock

    async def __call__(self, cmd: ClaimPersonalCertificateCommand) -> ClaimedCertificates:
        p = require_account(cmd.principal)
        # Everything that can be refused without the PIN is refused first: no attempt is spent on it.
        async with self._uow() as uow:
            now = self._clock.now()
            identity = await verified_identity(uow, p.id)
            entitlement = await uow.entitlements.get(cmd.entitlement_id)
            if (entitlement is None or entitlement.holder_kind is not EntitlementHolder.ACCOUNT
                    or entitlement.holder_id != p.id):
                raise EntitlementRequired(field="entitlementId")
            if not entitlement.is_active(now):
                raise EntitlementRequired("该证书服务已过期或已失效", field="entitlementId")
            pin_set = await uow.certificate_pins.get(p.id) is not None
            signing, encryption = await current_personal_pair(uow, p.id, now)
        if not pin_set:
            Pin(cmd.pin)  # the first claim sets the PIN: a weak one is refused before anything is made

        legal_name = identity.legal_name or ""
        if signing is not None and encryption is not None:
            await self._gate.prove(p.id, cmd.pin)
            async with self._uow() as uow:
                seal, _ = await self._seals.ensure_in(uow, p.id, legal_name, signing.not_after, None)
                self._audit(uow, p.id, cmd, reused=True)
                await uow.commit()
            if seal is None:  # the pair predates seals or its seal was revoked: make one (its own change)
                seal = await self._seals.ensure(p.id, legal_name, signing.not_after)
            return ClaimedCertificates(signing, encryption, seal, reused=True)

        not_after = min(max(entitlement.valid_until, now + PERSONAL_VALIDITY), now + MAX_VALIDITY)
        issue_cmd = IssueDualCertificatesCommand(
            account_id=p.id, subject=personal_subject(identity, self._hasher), pin=cmd.pin, not_after=not_after)
        # Slow work first, outside the transaction: the PIN proof (it commits its own attempt counter, which
        # must count even when the claim fails), key generation and the seal's picture.
        prepared = await self._issue.prepare_keys(issue_cmd)
        async with self._uow() as uow:
            blob = await self._seals.render(legal_name) if await self._seals.needs_face(uow, p.id) else None
        used = committed = False
        try:
            # One transaction: the PIN (first claim), the pair, the superseded survivor, the seal, the audit.
            async with self._uow() as uow:
                pair = await self._issue.record(uow, issue_cmd, prepared)
                now = self._clock.now()
                # A lone survivor of an older pair (its partner revoked) is superseded by the new pair.
                for cert in await active_personal(uow, p.id, now):
                    if cert.pair_id != pair.pair_id:
                        cert.revoke(RevocationReason.SUPERSEDED, now)
                seal, used = await self._seals.ensure_in(uow, p.id, legal_name, pair.signing.not_after, blob)
                self._audit(uow, p.id, cmd, reused=False, serial=pair.signing.serial)
                await self._issue.commit(uow, prepared)
                committed = True
        finally:
            if not (committed and used):  # a picture no committed seal points at is not kept
                await self._seals.forget(blob)
        return ClaimedCertificates(pair.signing, pair.encryption, seal, reused=False)

    def _audit(self, uow: UnitOfWork, account_id: UUID, cmd: ClaimPersonalCertificateCommand, **detail) -> None:
        audit(uow, "certificate.claimed", self._clock.now(), cmd.meta, account_id=account_id,
              entitlement=str(cmd.entitlement_id), **detail)
