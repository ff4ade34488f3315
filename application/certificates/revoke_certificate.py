"""RevokeCertificate: the holder or an operator revokes a certificate (and its dual partner) with an
RFC 5280 reason; the next CRL and every OCSP answer from then on say so. An org certificate's holder is its
enterprise: its admin or legal rep revokes it (§8.3), whoever claimed it. Among operators only a supervisor (or an
admin) revokes; each revocation is audited with who did it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_operator
from application.grants.lifecycle import end_grants_of_revoked_certificates
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.certificates.certificate import Certificate, CertificateStatus, RevocationReason
from domain.errors import NotFound, NotSignedIn
from domain.operators.operator import OperatorRole


@dataclass(frozen=True)
class RevokeCertificateCommand:
    principal: Principal | None
    certificate_id: UUID
    reason: RevocationReason | str | int = RevocationReason.UNSPECIFIED
    with_pair: bool = True
    meta: RequestMeta | None = None


class RevokeCertificate:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: RevokeCertificateCommand) -> list[Certificate]:
        if cmd.principal is None:
            raise NotSignedIn("请先登录")
        if cmd.principal.is_operator:
            require_operator(cmd.principal, OperatorRole.SUPERVISOR)
        reason = cmd.reason if isinstance(cmd.reason, RevocationReason) else RevocationReason.parse(cmd.reason)
        async with self._uow() as uow:
            cert = await uow.certificates.get(cmd.certificate_id)
            # Someone else's certificate is "not found", not "forbidden": no probing for ids.
            if cert is None or (cmd.principal.is_account and not await self._holds(uow, cmd.principal.id, cert)):
                raise NotFound("证书不存在", field="certificateId")
            now = self._clock.now()
            cert.revoke(reason, now)
            revoked = [cert]
            if cmd.with_pair and cert.pair_id is not None:
                for other in await uow.certificates.for_pair(cert.pair_id):
                    if other.id != cert.id and other.status_at(now) is CertificateStatus.ACTIVE:
                        other.revoke(reason, now)
                        revoked.append(other)
            await end_grants_of_revoked_certificates(uow, revoked, now)  # §8.5: grants end with the org certificate
            p = cmd.principal
            audit(uow, "certificate.revoked", now, cmd.meta, account_id=p.id if p.is_account else None,
                  operator_id=p.id if p.is_operator else None, serials=[c.serial for c in revoked],
                  reason=reason.name, holder_account=str(cert.holder_account_id) if cert.holder_account_id else None,
                  holder_enterprise=str(cert.holder_enterprise_id) if cert.holder_enterprise_id else None)
            await uow.commit()
        return revoked

    @staticmethod
    async def _holds(uow: UnitOfWork, account_id: UUID, cert: Certificate) -> bool:
        if cert.holder_enterprise_id is None:
            return cert.holder_account_id == account_id
        membership = await uow.memberships.of(cert.holder_enterprise_id, account_id)
        return membership is not None and membership.may_administer
