"""`node(id)`: resolves a global ID only for callers allowed to see the object; to others it is null."""

from __future__ import annotations

import strawberry

from graphql_schema.accounts.types import AccountType
from graphql_schema.commerce.types import COMMERCE_TYPES, commerce_node
from graphql_schema.common.context import Info
from graphql_schema.common.node import Node, from_global_id
from graphql_schema.identity.types import ReviewType


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null when it does not exist or is not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        ctx = info.context
        ref = from_global_id(id)
        if ref is None or ctx.principal is None:
            return None
        type_name, local = ref
        if type_name == "Account":
            if ctx.principal.is_account and ctx.principal.id == local:
                return AccountType.of(await ctx.use_cases.get_me(ctx.principal))
            return None
        if type_name == "Certificate" and ctx.principal.is_account:
            from graphql_schema.certificates.types import CertificateType

            cert = await ctx.use_cases.get_my_certificate(ctx.principal, local)
            return CertificateType.of(cert) if cert else None
        if type_name == "Seal" and ctx.principal.is_account:
            from graphql_schema.seals.types import SealType

            seal = await ctx.use_cases.get_my_seal(ctx.principal, local)
            return SealType.of(seal) if seal else None
        if type_name == "Review":
            review = await ctx.use_cases.get_review(ctx.principal, local)
            return ReviewType.of(review) if review else None
        if type_name == "Enterprise" and ctx.principal.is_account:
            from graphql_schema.enterprises.queries import enterprise_node

            return await enterprise_node(info, local)
        if type_name == "Member" and ctx.principal.is_account:
            from graphql_schema.enterprises.member_types import member_node

            return await member_node(info, local)
        if type_name == "MemberInvitation" and ctx.principal.is_account:
            from graphql_schema.enterprises.member_types import member_invitation_node

            return await member_invitation_node(info, local)
        if type_name == "ScanSession" and ctx.principal.is_account:
            from graphql_schema.scans.types import ScanSessionType

            view = await ctx.use_cases.scans.get_my_scan_session(ctx.principal, local)
            now = ctx.use_cases.scans.clock.now()
            return (ScanSessionType.of(view.session, view.status, now, view.usable_certificates, view.usable_seals)
                    if view is not None else None)
        if type_name == "CertificateGrant" and ctx.principal.is_account:
            from graphql_schema.grants.types import grant_node

            return await grant_node(info, local)
        if type_name == "ServiceApplication" and ctx.principal.is_account:
            from graphql_schema.enterprises.service_applications import service_application_node

            return await service_application_node(info, local)
        if type_name == "AdminTransfer" and ctx.principal.is_account:
            from graphql_schema.enterprises.admin_transfers import admin_transfer_node

            return await admin_transfer_node(info, local)
        if type_name in COMMERCE_TYPES:
            found = await ctx.use_cases.commerce.get_object(ctx.principal, type_name, local)
            return commerce_node(type_name, found, info) if found is not None else None
        return None
