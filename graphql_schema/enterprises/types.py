"""GraphQL types of enterprises, memberships and authorisation letters."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from application.enterprises.queries import MemberView
from domain.enterprises.enterprise import (
    AuthorizationLetter,
    CertificationMethod,
    CertificationStatus,
    Enterprise,
    EnterpriseRole,
)
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError
from graphql_schema.common.links import LINK_NOTE, signed_file_link
from graphql_schema.common.lists import AFTER, FIRST
from graphql_schema.common.node import Node, to_global_id
from graphql_schema.seals.types import SealType, SignatureAppearanceType

if TYPE_CHECKING:
    from graphql_schema.certificates.types import CertificateType
    from graphql_schema.commerce.types import ServiceApplication, ServiceApplicationConnection
    from graphql_schema.enterprises.admin_transfers import AdminTransferConnection, AdminTransferType
    from graphql_schema.enterprises.bank_transfers import BankTransferType, EnterpriseChangeType
    from graphql_schema.enterprises.legal_rep_invitations import LegalRepInvitationType
    from graphql_schema.enterprises.member_types import (
        JoinApplicationConnection,
        JoinApplicationStatusEnum,
        MemberConnection,
        MemberInvitationConnection,
    )
    from graphql_schema.grants.types import CertificateGrantConnection, CertificateGrantType

EnterpriseRoleEnum = strawberry.enum(EnterpriseRole, name="EnterpriseRole")
_MEMBER_TYPES = "graphql_schema.enterprises.member_types"
_TRANSFER_TYPES = "graphql_schema.enterprises.bank_transfers"
PENDING_ONLY = strawberry.argument(description="Only the items still waiting for the legal rep.")
_GRANT_TYPES = "graphql_schema.grants.types"
_COMMERCE_TYPES = "graphql_schema.commerce.types"
CertificationStatusEnum = strawberry.enum(CertificationStatus, name="EnterpriseCertificationStatus")
CertificationMethodEnum = strawberry.enum(CertificationMethod, name="EnterpriseCertificationMethod")


@strawberry.type(name="Enterprise", description="A company (企业). Visible to its members only.")
class EnterpriseType(Node):
    name: str
    credit_code: str
    legal_rep_name: str
    certification_status: CertificationStatusEnum  # type: ignore[valid-type]
    certification_method: CertificationMethodEnum | None  # type: ignore[valid-type]
    available_methods: list[CertificationMethodEnum]  # type: ignore[valid-type]
    four_element_check_passed: bool | None
    my_role: EnterpriseRoleEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The caller's role in this enterprise (LEGAL_REP > ADMIN > MEMBER).")
    created_at: datetime
    certified_at: datetime | None
    rejection_reason: str | None = strawberry.field(
        default=None, description="Why an operator refused the last bank-transfer or manual-review certification.")

    @classmethod
    def of(cls, e: Enterprise, role: EnterpriseRole | None) -> EnterpriseType:
        return cls(id=to_global_id("Enterprise", e.id), name=e.name, credit_code=e.credit_code,
                   legal_rep_name=e.legal_rep_name, certification_status=e.status, certification_method=e.method,
                   available_methods=list(e.available_methods), four_element_check_passed=e.four_element_passed,
                   my_role=role, created_at=e.created_at, certified_at=e.certified_at,
                   rejection_reason=e.rejection_reason)

    @classmethod
    def of_view(cls, view: MemberView) -> EnterpriseType:
        return cls.of(view.enterprise, view.role)

    # §5.1.2 / §8.6 what to resume (graphql_schema/enterprises/bank_transfers.py).
    @strawberry.field(description="The bank transfer awaiting its code, for the ADMIN or legal rep (null otherwise).")
    async def open_bank_transfer(self, info: Info
                                 ) -> Annotated[BankTransferType, strawberry.lazy(_TRANSFER_TYPES)] | None:
        from graphql_schema.enterprises.bank_transfers import enterprise_open_transfer

        return await enterprise_open_transfer(info, self.id)

    @strawberry.field(description="The §8.6 change in progress, for the ADMIN or legal rep (null otherwise).")
    async def open_change(self, info: Info
                          ) -> Annotated[EnterpriseChangeType, strawberry.lazy(_TRANSFER_TYPES)] | None:
        from graphql_schema.enterprises.bank_transfers import enterprise_open_change

        return await enterprise_open_change(info, self.id)

    # §8.1 members and §8.1.2 join applications (graphql_schema/enterprises/member_types.py).
    @strawberry.field(description="Members by joining time, for members of this enterprise (null to anyone else). "
                                  "At most 100 a page.")
    async def members(self, info: Info, first: int = 20, after: str | None = None
                      ) -> Annotated[MemberConnection, strawberry.lazy(_MEMBER_TYPES)] | None:
        from graphql_schema.enterprises.member_types import enterprise_members

        return await enterprise_members(info, self.id, first, after)

    @strawberry.field(description="Applications to join, oldest first: for the admins and the legal rep (null to a "
                                  "plain member). At most 100 a page.")
    async def join_applications(
        self, info: Info,
        status: Annotated[JoinApplicationStatusEnum, strawberry.lazy(_MEMBER_TYPES)] | None = None,  # type: ignore[valid-type]
        first: int = 20, after: str | None = None,
    ) -> Annotated[JoinApplicationConnection, strawberry.lazy(_MEMBER_TYPES)] | None:
        from graphql_schema.enterprises.member_types import enterprise_join_applications

        return await enterprise_join_applications(info, self.id, status, first, after)

    @strawberry.field(description="§8.1.1 the invitations addMember sent to phones without a verified account, "
                                  "oldest first: for the admins and the legal rep (null to a plain member). "
                                  "pendingOnly (default): those that may still activate or be resent (PENDING, "
                                  "EXPIRED); false: every one. At most 100 a page.")
    async def member_invitations(self, info: Info, pending_only: bool = True, first: int = 20,
                                 after: str | None = None
                                 ) -> Annotated[MemberInvitationConnection, strawberry.lazy(_MEMBER_TYPES)] | None:
        from graphql_schema.enterprises.member_types import enterprise_member_invitations

        return await enterprise_member_invitations(info, self.id, pending_only, first, after)

    @strawberry.field(description="§5.1.1.2 the legal-rep invitations, newest first: for the admins and the legal rep "
                                  "(null to anyone else). liveOnly (default): the one that may still be opened or "
                                  "signed (PENDING, ACCEPTED, or EXPIRED); false: the latest 20 of any status.")
    async def legal_rep_invitations(
        self, info: Info, live_only: bool = True,
    ) -> list[Annotated[LegalRepInvitationType, strawberry.lazy("graphql_schema.enterprises.legal_rep_invitations")]
              ] | None:
        from graphql_schema.enterprises.legal_rep_invitations import enterprise_legal_rep_invitations

        return await enterprise_legal_rep_invitations(info, self.id, live_only)

    # §8.3 enterprise certificate management.
    @strawberry.field(description="The enterprise's org certificates, oldest first: for the admins and the legal rep "
                                  "(empty for anyone else).")
    async def certificates(self, info: Info) -> list[Annotated[
            CertificateType, strawberry.lazy("graphql_schema.certificates.types")]]:
        from graphql_schema.certificates.types import CertificateType
        from graphql_schema.common.node import from_global_id

        ref = from_global_id(self.id, "Enterprise")
        if ref is None:
            return []
        ctx = info.context
        return [CertificateType.of(v) for v in await ctx.use_cases.list_enterprise_certificates(ctx.principal, ref[1])]

    # §8.5 证书授权: the grant list (graphql_schema/grants/types.py).
    @strawberry.field(description="The enterprise's certificate grants, newest first, for the ADMIN or legal rep "
                                  "(empty for anyone else).")
    async def certificate_grants(self, info: Info
                                 ) -> list[Annotated[CertificateGrantType, strawberry.lazy(_GRANT_TYPES)]]:
        from graphql_schema.grants.types import enterprise_grants

        return await enterprise_grants(info, self.id)

    # §8.5.3 法人审批申请证书授权: the members' service applications (§6.3).
    @strawberry.field(description="The members' applications for enterprise certificate services (§6.3, §8.5.3), "
                                  "newest first, for the ADMIN and the legal rep (empty for anyone else); only the "
                                  "legal rep approves them. pendingOnly: those still waiting for the legal rep.")
    async def service_applications(self, info: Info, pending_only: bool = False
                                   ) -> list[Annotated[ServiceApplication, strawberry.lazy(_COMMERCE_TYPES)]]:
        from graphql_schema.enterprises.service_applications import enterprise_service_applications

        return await enterprise_service_applications(info, self.id, pending_only)

    # §8.4 管理员转授: where the legal rep finds the transfer he is asked to sign, and the admin follows it.
    @strawberry.field(description="The enterprise's admin transfers (§8.4), newest first, for the ADMIN and the legal "
                                  "rep (empty for anyone else); only the legal rep signs them. pendingOnly: the one "
                                  "still waiting for the legal rep's signature.")
    async def admin_transfers(self, info: Info, pending_only: bool = False
                              ) -> list[Annotated[AdminTransferType,
                                                  strawberry.lazy("graphql_schema.enterprises.admin_transfers")]]:
        from graphql_schema.enterprises.admin_transfers import enterprise_admin_transfers

        return await enterprise_admin_transfers(info, self.id, pending_only)

    # The same three lists as connections, for apps that page them like every other list (totalCount included).
    @strawberry.field(description="certificateGrants as a connection, newest first (same visibility).")
    async def certificate_grants_connection(
            self, info: Info, first: Annotated[int, FIRST] = 20, after: Annotated[str | None, AFTER] = None
    ) -> Annotated[CertificateGrantConnection, strawberry.lazy(_GRANT_TYPES)]:
        from graphql_schema.grants.types import enterprise_grants_connection

        return await enterprise_grants_connection(info, self.id, first, after)

    @strawberry.field(description="serviceApplications as a connection, newest first (same visibility).")
    async def service_applications_connection(
            self, info: Info, pending_only: Annotated[bool, PENDING_ONLY] = False,
            first: Annotated[int, FIRST] = 20, after: Annotated[str | None, AFTER] = None
    ) -> Annotated[ServiceApplicationConnection, strawberry.lazy(_COMMERCE_TYPES)]:
        from graphql_schema.enterprises.service_applications import enterprise_service_applications_connection

        return await enterprise_service_applications_connection(info, self.id, pending_only, first, after)

    @strawberry.field(description="adminTransfers as a connection, newest first (same visibility).")
    async def admin_transfers_connection(
            self, info: Info, pending_only: Annotated[bool, PENDING_ONLY] = False,
            first: Annotated[int, FIRST] = 20, after: Annotated[str | None, AFTER] = None
    ) -> Annotated[AdminTransferConnection, strawberry.lazy("graphql_schema.enterprises.admin_transfers")]:
        from graphql_schema.enterprises.admin_transfers import enterprise_admin_transfers_connection

        return await enterprise_admin_transfers_connection(info, self.id, pending_only, first, after)

    # §8.2 印章管理.
    @strawberry.field(description="The enterprise's seals, oldest first: all of them for the admins and the legal rep, "
                                  "the ones they administer for a seal admin, empty for anyone else. Revoked and "
                                  "expired seals only with includeInvalid.")
    async def seals(self, info: Info, include_invalid: bool | None = False) -> list[SealType]:
        from graphql_schema.seals.enterprise_seals import enterprise_seals

        return await enterprise_seals(info, self.id, bool(include_invalid))


@strawberry.type
class Membership:
    role: EnterpriseRoleEnum  # type: ignore[valid-type]
    enterprise: EnterpriseType

    @classmethod
    def of(cls, view: MemberView) -> Membership:
        return cls(role=view.role, enterprise=EnterpriseType.of_view(view))


def letter_url(letter_id: UUID, *, signed: bool = False) -> str:
    return f"/files/letters/{to_global_id('AuthorizationLetter', letter_id)}" + ("/signed" if signed else "")


@strawberry.type(name="AuthorizationLetter", description="企业认证授权书 (§5.1.1.1). Its files are served to members only.")
class AuthorizationLetterType(Node):
    document_url: str = strawberry.field(extensions=signed_file_link(), description="The letter (PDF)." + LINK_NOTE)
    sha256: str = strawberry.field(description="SHA-256 (hex) of the unsigned PDF.")
    signed_document_url: str | None = strawberry.field(
        extensions=signed_file_link(), description="The letter with the legal rep's signature." + LINK_NOTE)
    signed_at: datetime | None

    @classmethod
    def of(cls, letter: AuthorizationLetter) -> AuthorizationLetterType:
        return cls(id=to_global_id("AuthorizationLetter", letter.id), document_url=letter_url(letter.id),
                   sha256=letter.sha256,
                   signed_document_url=letter_url(letter.id, signed=True) if letter.is_signed else None,
                   signed_at=letter.signed_at)


def _errors() -> list[UserError]:
    return []


@strawberry.type
class CreateEnterprisePayload:
    enterprise: EnterpriseType | None = None
    four_element_check_passed: bool | None = strawberry.field(
        default=None, description="false → only MANUAL_REVIEW is offered.")
    available_methods: list[CertificationMethodEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class PrepareAuthorizationLetterPayload:
    letter: AuthorizationLetterType | None = None
    signature_appearances: list[SignatureAppearanceType] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class SignAuthorizationLetterPayload:
    letter: AuthorizationLetterType | None = None
    enterprise: EnterpriseType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)
