"""GraphQL types of accounts, sessions and identity."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from application.accounts.get_me import AccountView
from application.accounts.session_issuer import IssuedSession
from domain.accounts.account import EntryMode
from domain.accounts.session import AuthSession
from domain.accounts.sms import SmsPurpose
from domain.identity.documents import DocumentType
from domain.identity.identity import RealNameStatus, VerificationMethod
from graphql_schema.commerce.queries import AccountCommerceFields
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError
from graphql_schema.common.lists import AFTER, FIRST
from graphql_schema.common.node import Node, to_global_id
from graphql_schema.enterprises.types import EnterpriseType as Enterprise  # noqa: F401  (other contexts' name)
from graphql_schema.signing.types import SigningKeyType

if TYPE_CHECKING:
    from graphql_schema.certificates.types import CertificateType, UsableEnterpriseCertificate  # noqa: F401
    from graphql_schema.enterprises.types import Membership  # noqa: F401
    from graphql_schema.grants.types import CertificateGrantConnection, CertificateGrantType  # noqa: F401
    from graphql_schema.seals.types import SealType, SignatureAppearanceType  # noqa: F401

SmsPurposeEnum = strawberry.enum(SmsPurpose, name="SmsPurpose")

_Certificate = Annotated["CertificateType", strawberry.lazy("graphql_schema.certificates.types")]
_UsableEnterpriseCertificate = Annotated["UsableEnterpriseCertificate",
                                         strawberry.lazy("graphql_schema.certificates.types")]
_Membership = Annotated["Membership", strawberry.lazy("graphql_schema.enterprises.types")]
_Seal = Annotated["SealType", strawberry.lazy("graphql_schema.seals.types")]
_CertificateGrant = Annotated["CertificateGrantType", strawberry.lazy("graphql_schema.grants.types")]
_CertificateGrantConnection = Annotated["CertificateGrantConnection", strawberry.lazy("graphql_schema.grants.types")]
_SignatureAppearance = Annotated["SignatureAppearanceType", strawberry.lazy("graphql_schema.seals.types")]
EntryModeEnum = strawberry.enum(EntryMode, name="EntryMode")
RealNameStatusEnum = strawberry.enum(RealNameStatus, name="RealNameStatus")
DocumentTypeEnum = strawberry.enum(DocumentType, name="DocumentType")
VerificationMethodEnum = strawberry.enum(VerificationMethod, name="VerificationMethod")


@strawberry.type(name="AuthSession", description="Bearer tokens; shown once, stored by us only as keyed hashes.")
class AuthSessionTokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime

    @classmethod
    def of(cls, issued: IssuedSession) -> AuthSessionTokens:
        return cls(access_token=issued.access_token, refresh_token=issued.refresh_token, expires_at=issued.expires_at)


@strawberry.type(name="RealNameIdentity")
class RealNameIdentity:
    status: RealNameStatusEnum  # type: ignore[valid-type]
    method: VerificationMethodEnum | None  # type: ignore[valid-type]
    legal_name: str | None
    document_type: DocumentTypeEnum | None  # type: ignore[valid-type]
    document_number_masked: str | None
    document_expires_on: date | None
    verified_at: datetime | None
    rejected_reason: str | None


@strawberry.type(name="Account")
class AccountType(Node, AccountCommerceFields):
    phone_masked: str
    entry_mode: EntryModeEnum | None  # type: ignore[valid-type]
    real_name_status: RealNameStatusEnum  # type: ignore[valid-type]
    identity: RealNameIdentity | None
    created_at: datetime
    signing_key: SigningKeyType | None = strawberry.field(
        description="The two-share signing key (SPEC §C); null until the phone enrols its key share.")

    @strawberry.field(description="The enterprises this account belongs to, with its role in each.")
    async def memberships(self, info: Info) -> list[_Membership]:
        from graphql_schema.enterprises.queries import my_memberships

        return await my_memberships(info)

    # ---- certificates and seals (SPEC §5, §6): resolved in their own contexts, typed lazily (no import cycle)

    @strawberry.field(description="The account's own certificates, revoked and expired ones included.")
    async def certificates(self, info: Info) -> list[_Certificate]:
        from graphql_schema.certificates.queries import my_certificates

        return await my_certificates(info)

    @strawberry.field(description="Org certificates granted to this account (§8.5).")
    async def usable_enterprise_certificates(self, info: Info) -> list[_UsableEnterpriseCertificate]:
        from graphql_schema.certificates.queries import usable_enterprise_certificates

        return await usable_enterprise_certificates(info)

    @strawberry.field(description="§8.5 the certificate grants made to me, newest first, in every state (pay the "
                                  "AWAITING_PAYMENT ones with placeOrder(grantId)).")
    async def certificate_grants(self, info: Info) -> list[_CertificateGrant]:
        from graphql_schema.grants.types import my_certificate_grants

        return await my_certificate_grants(info)

    @strawberry.field(description="certificateGrants as a connection, newest first.")
    async def certificate_grants_connection(
            self, info: Info, first: Annotated[int, FIRST] = 20, after: Annotated[str | None, AFTER] = None
    ) -> _CertificateGrantConnection:
        from graphql_schema.grants.types import my_certificate_grants_connection

        return await my_certificate_grants_connection(info, first, after)

    @strawberry.field(description="Personal seals and handwritten signatures; invalid ones (revoked, expired) on request.")
    async def seals(self, info: Info, include_invalid: bool | None = False) -> list[_Seal]:
        from graphql_schema.seals.queries import my_seals

        return await my_seals(info, bool(include_invalid))

    @strawberry.field(description="What the account may sign letters with: personal seals, the handwritten "
                                  "signature and a name signature from the verified legal name.")
    async def signature_appearances(self, info: Info) -> list[_SignatureAppearance]:
        from graphql_schema.seals.queries import my_signature_appearances

        return await my_signature_appearances(info)

    @classmethod
    def of(cls, view: AccountView) -> AccountType:
        a, i = view.account, view.identity
        identity = None
        if i is not None and i.legal_name is not None:
            identity = RealNameIdentity(
                status=i.status, method=i.method, legal_name=i.legal_name, document_type=i.document_type,
                document_number_masked=i.number_masked, document_expires_on=i.expires_on,
                verified_at=i.verified_at, rejected_reason=i.rejected_reason)
        return cls(
            id=to_global_id("Account", a.id), phone_masked=f"{a.phone[:3]}****{a.phone[-4:]}",
            entry_mode=a.entry_mode, real_name_status=i.status if i else RealNameStatus.UNVERIFIED,
            identity=identity, created_at=a.created_at,
            signing_key=SigningKeyType.of(view.signing_key) if view.signing_key is not None else None)


@strawberry.type(name="Session", description="A signed-in device, for the security centre.")
class SessionInfo(Node):
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    client_ip: str | None
    user_agent: str | None
    current: bool

    @classmethod
    def of(cls, s: AuthSession, current_id) -> SessionInfo:
        return cls(id=to_global_id("Session", s.id), created_at=s.created_at, last_used_at=s.last_used_at,
                   expires_at=s.refresh_expires_at or s.access_expires_at, client_ip=s.client_ip,
                   user_agent=s.user_agent, current=s.id == current_id)


@strawberry.type
class FaceVerificationTicket:
    token: str
    url: str
    expires_at: datetime


# ---- payloads: every field optional but userErrors, which is always a list


def _errors() -> list[UserError]:
    return []


@strawberry.type
class RequestSmsCodePayload:
    cooldown_seconds: int | None = None
    expires_at: datetime | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class SignInPayload:
    session: AuthSessionTokens | None = None
    account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class RefreshSessionPayload:
    session: AuthSessionTokens | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class AccountPayload:
    account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class EmptyPayload:
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class StartIdCardVerificationPayload:
    face_verification: FaceVerificationTicket | None = None
    account: AccountType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


# One payload type per mutation, so each can grow on its own without touching the others.
@strawberry.type
class RegisterPayload(SignInPayload):
    pass


@strawberry.type
class LoginWithPasswordPayload(SignInPayload):
    pass


@strawberry.type
class LoginWithSmsCodePayload(SignInPayload):
    pass


@strawberry.type
class ChooseEntryModePayload(AccountPayload):
    pass


@strawberry.type
class ChangePhonePayload(AccountPayload):
    pass


@strawberry.type
class CompleteFaceVerificationPayload(AccountPayload):
    pass


@strawberry.type
class LogoutPayload(EmptyPayload):
    pass


@strawberry.type
class EndSessionPayload(EmptyPayload):
    pass


@strawberry.type
class ChangePasswordPayload(EmptyPayload):
    pass


@strawberry.type
class ResetPasswordPayload(EmptyPayload):
    pass


@strawberry.type
class DeleteAccountPayload(EmptyPayload):
    pass
