"""CreateEnterprise (§5 创建企业): a verified person registers a company; the four-element check decides which
certification paths it may take. The initiator becomes ADMIN, and LEGAL_REP too when their verified identity
is the legal rep's (same document index and name)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import uuid4

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.ports import EnterpriseVerifier, FourElementResult
from application.identity.evidence import EvidenceSealer
from application.identity.submit_manual_verification import UploadedImage
from application.ports import BlobStore, Clock, ExternalServiceUnavailable, ImageInspector, UnitOfWorkFactory
from application.seals.uploads import checked_image
from domain import canonical
from domain.certificates.claim import IdentityNotVerified
from domain.enterprises.credit_code import CreditCode
from domain.enterprises.enterprise import (
    Enterprise,
    EnterpriseAlreadyCertified,
    Membership,
    founding_membership,
)
from domain.errors import InvalidInput, ServiceUnavailable
from domain.identity.documents import normalize_legal_name
from domain.identity.id_number import IdNumber

# After canonical.enterprise_name: NFKC, brackets in the registry's full-width form.
_NAME = re.compile(r"[\u3400-\u9fffA-Za-z0-9（）·&.\- ]{2,100}")


def normalize_enterprise_name(raw: str | None, *, field: str = "name") -> str:
    text = canonical.enterprise_name(raw, field=field, error=InvalidInput)
    if not _NAME.fullmatch(text):
        raise InvalidInput("请输入营业执照上的企业全称", field=field)
    return text


@dataclass(frozen=True)
class CreateEnterpriseCommand:
    principal: Principal | None
    name: str
    credit_code: str
    legal_rep_name: str
    legal_rep_id_number: str
    licence: UploadedImage | None
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class EnterpriseCreated:
    enterprise: Enterprise
    membership: Membership

    @property
    def four_element_check_passed(self) -> bool:
        return bool(self.enterprise.four_element_passed)


class CreateEnterprise:
    def __init__(self, uow: UnitOfWorkFactory, verifier: EnterpriseVerifier, sealer: EvidenceSealer,
                 blobs: BlobStore, images: ImageInspector, clock: Clock, upload_limit: int) -> None:
        self._uow, self._verifier, self._sealer = uow, verifier, sealer
        self._blobs, self._images, self._clock, self.upload_limit = blobs, images, clock, upload_limit

    async def __call__(self, cmd: CreateEnterpriseCommand) -> EnterpriseCreated:
        p = require_account(cmd.principal)
        name = normalize_enterprise_name(cmd.name)
        code = CreditCode.parse(cmd.credit_code, field="creditCode")
        rep_name = normalize_legal_name(cmd.legal_rep_name, field="legalRepName")
        rep_number = IdNumber.parse(cmd.legal_rep_id_number, field="legalRepIdNumber").value
        licence = checked_image(self._images, cmd.licence, self.upload_limit, "businessLicence")
        content_type = licence.content_type
        async with self._uow() as uow:
            identity = await uow.identities.for_account(p.id)
            if identity is None or not identity.is_verified:
                raise IdentityNotVerified()
            if await uow.enterprises.certified_with_code(code.value) is not None:
                raise EnterpriseAlreadyCertified(field="creditCode")
        try:
            result = await self._verifier.check(name, code.value, rep_name, rep_number)
        except ExternalServiceUnavailable:
            raise ServiceUnavailable("企业信息核验服务暂不可用，请稍后重试") from None
        blob_id = await self._blobs.put(licence.data, content_type)
        enterprise_id = uuid4()
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                enterprise = Enterprise.register(
                    name=name, credit_code=code, legal_rep=self._sealer.legal_rep(enterprise_id, rep_name, rep_number),
                    licence_blob_id=blob_id, licence_content_type=content_type, created_by=p.id, now=now,
                    enterprise_id=enterprise_id)
                enterprise.four_element_checked(result is FourElementResult.MATCH, now)
                identity = await uow.identities.for_account(p.id)
                is_rep = identity is not None and identity.is_verified and enterprise.is_legal_rep(
                    identity.legal_name, identity.number_index)
                membership = founding_membership(enterprise, founder_is_legal_rep=is_rep)
                uow.enterprises.add(enterprise)
                uow.memberships.add(membership)
                audit(uow, "enterprise.created", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                      four_element_passed=enterprise.four_element_passed)
                await uow.commit()
        except BaseException:
            await self._blobs.delete(blob_id)
            raise
        return EnterpriseCreated(enterprise, membership)
