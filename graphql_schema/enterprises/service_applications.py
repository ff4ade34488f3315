"""§6.3 member service applications and §8.1 赠送服务 over GraphQL: applyForEnterpriseService (a member applies),
approveServiceApplication (the legal rep signs), `me.serviceApplications` (progress), giftService (the admin buys a
personal plan for a member). Buying an approved application is placeOrder with serviceApplicationId. Resolvers map
input → command → payload; the use cases decide."""

from __future__ import annotations

from uuid import UUID

import strawberry

from application.enterprises.apply_for_enterprise_service import (
    ApplyForEnterpriseServiceCommand,
    approval_url,
)
from application.enterprises.approve_service_application import ApproveServiceApplicationCommand
from application.enterprises.gift_service import GiftServiceCommand
from application.enterprises.my_service_applications import ServiceApplicationView
from application.enterprises.reject_service_application import RejectServiceApplicationCommand
from domain.enterprises.service_application import ServiceApplication
from graphql_schema.commerce import types as ct
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import from_global_id, local_id, to_global_id
from graphql_schema.enterprises.mutations import _appearance


def _letter(a: ServiceApplication) -> ct.ServiceApplicationLetter:
    signed = a.signed_blob_id is not None
    return ct.ServiceApplicationLetter(
        id=to_global_id("ServiceApplicationLetter", a.id), document_url=ct.service_application_letter_url(a.id),
        sha256=a.letter_sha256,
        signed_document_url=ct.service_application_letter_url(a.id, signed=True) if signed else None,
        signed_sha256=a.signed_sha256, signed_at=a.approved_at if signed else None)


def _application(a: ServiceApplication, status: str, *, url: str | None = None, plan=None) -> ct.ServiceApplication:
    return ct.ServiceApplication(id=to_global_id("ServiceApplication", a.id), status=status,
                                 plan=ct.ServicePlanType.of(plan) if plan is not None else None,
                                 enterprise_id=a.enterprise_id, approval_url=url, approval_qr_content=url,
                                 applicant_name=a.applicant_name, requested_at=a.requested_at,
                                 expires_at=a.expires_at, letter=_letter(a))


def _of_view(info: Info, v: ServiceApplicationView) -> ct.ServiceApplication:
    open_ = v.status.value == "PENDING_APPROVAL"
    return _application(v.application, v.status.value, plan=v.plan,
                        url=approval_url(info.context.use_cases.commerce.base_url, v.application.id) if open_ else None)


async def enterprise_service_applications(info: Info, enterprise_global_id: str, pending_only: bool
                                         ) -> list[ct.ServiceApplication]:
    ref = from_global_id(enterprise_global_id, "Enterprise")
    if ref is None:
        return []
    ctx = info.context
    found = await ctx.use_cases.enterprises.services.list_enterprise_service_applications(
        ctx.principal, ref[1], pending_only=pending_only)
    return [_of_view(info, v) for v in found]


async def enterprise_service_applications_connection(info: Info, enterprise_global_id: str, pending_only: bool,
                                                     first: int, after: str | None):
    return ct.service_application_page(await enterprise_service_applications(info, enterprise_global_id, pending_only),
                                       ct.service_application_key, first, after)


async def service_application_node(info: Info, application_id: UUID) -> ct.ServiceApplication | None:
    """node(id): what the legal rep opens from the approval link; the applicant and the enterprise's admin see it."""
    ctx = info.context
    v = await ctx.use_cases.enterprises.services.get_service_application(ctx.principal, application_id)
    return _of_view(info, v) if v is not None else None


async def my_service_applications(info: Info) -> list[ct.ServiceApplication]:
    """`me.serviceApplications` (§6.3.1): newest first, with the plan and (while a member) the enterprise."""
    ctx = info.context
    found: list[ServiceApplicationView] = await ctx.use_cases.enterprises.services.my_service_applications(
        ctx.principal)
    return [_of_view(info, v) for v in found]


@strawberry.input
class ApplyForEnterpriseServiceInput:
    enterprise_id: strawberry.ID
    plan_id: strawberry.ID = strawberry.field(description="One of the ENTERPRISE plans of the catalogue.")


@strawberry.input
class ApproveServiceApplicationInput:
    application_id: strawberry.ID
    appearance_id: strawberry.ID = strawberry.field(description="One of the caller's signature appearances.")
    sms_code: str = strawberry.field(description="A code of purpose SIGN sent to the caller's phone.")


@strawberry.input
class RejectServiceApplicationInput:
    application_id: strawberry.ID


@strawberry.input
class GiftServiceInput:
    enterprise_id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="The member (Member ID) who receives the service.")
    plan_ids: list[strawberry.ID] = strawberry.field(description="PERSONAL plans, at most 20.")


def _errors() -> list[UserError]:
    return []


@strawberry.type
class ApplyForEnterpriseServicePayload:
    application: ct.ServiceApplication | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class ApproveServiceApplicationPayload:
    application: ct.ServiceApplication | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class RejectServiceApplicationPayload:
    application: ct.ServiceApplication | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class GiftServicePayload:
    order: ct.OrderType | None = strawberry.field(
        default=None, description="The enterprise's order, placed by the caller, to pay with payOrder.")
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class ServiceApplicationMutations:
    @strawberry.mutation(description="§6.3 a member of a certified enterprise applies for one of its ENTERPRISE "
                                     "plans; the legal rep approves at approvalUrl (also the QR code's content).")
    async def apply_for_enterprise_service(self, info: Info, input: ApplyForEnterpriseServiceInput
                                           ) -> ApplyForEnterpriseServicePayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            plan_id = local_id(input.plan_id, "ServicePlan", "planId", "所选套餐不存在或已下架")
            r = await ctx.use_cases.enterprises.services.apply_for_enterprise_service(
                ApplyForEnterpriseServiceCommand(ctx.principal, enterprise_id, plan_id, ctx.meta))
            now = ctx.use_cases.commerce.clock.now()
            return ApplyForEnterpriseServicePayload(application=_application(
                r.application, r.application.effective_status(now).value, url=r.approval_url))
        return await run_mutation(ApplyForEnterpriseServicePayload, act, input)

    @strawberry.mutation(description="§6.3 the legal rep signs the service application letter (SMS code, purpose "
                                     "SIGN); the applicant may then buy the plan with placeOrder(serviceApplicationId).")
    async def approve_service_application(self, info: Info, input: ApproveServiceApplicationInput
                                          ) -> ApproveServiceApplicationPayload:
        ctx = info.context

        async def act():
            application_id = local_id(input.application_id, "ServiceApplication", "applicationId", "服务申请不存在")
            a = await ctx.use_cases.enterprises.services.approve_service_application(
                ApproveServiceApplicationCommand(ctx.principal, application_id, _appearance(input.appearance_id),
                                                 input.sms_code, ctx.meta))
            now = ctx.use_cases.commerce.clock.now()
            return ApproveServiceApplicationPayload(application=_application(a, a.effective_status(now).value))
        return await run_mutation(ApproveServiceApplicationPayload, act, input)

    @strawberry.mutation(description="§6.3 the legal rep declines a member's pending application (final); the "
                                     "applicant hears of it by SMS.")
    async def reject_service_application(self, info: Info, input: RejectServiceApplicationInput
                                         ) -> RejectServiceApplicationPayload:
        ctx = info.context

        async def act():
            application_id = local_id(input.application_id, "ServiceApplication", "applicationId", "服务申请不存在")
            a = await ctx.use_cases.enterprises.services.reject_service_application(
                RejectServiceApplicationCommand(ctx.principal, application_id, ctx.meta))
            return RejectServiceApplicationPayload(application=_application(a, a.status.value))
        return await run_mutation(RejectServiceApplicationPayload, act, input)

    @strawberry.mutation(description="§8.1 赠送服务: the admin or legal rep orders PERSONAL plans for a member of the "
                                     "certified enterprise; the enterprise pays (payOrder), the member holds them.")
    async def gift_service(self, info: Info, input: GiftServiceInput) -> GiftServicePayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            member_id = local_id(input.member_id, "Member", "memberId", "该成员不在本企业中")
            plan_ids = [local_id(p, "ServicePlan", "planIds", "所选套餐不存在或已下架") for p in input.plan_ids]
            order = await ctx.use_cases.enterprises.services.gift_service(
                GiftServiceCommand(ctx.principal, enterprise_id, member_id, plan_ids, ctx.meta))
            return GiftServicePayload(order=ct.OrderType.of(order, ctx.use_cases.commerce.clock.now()))
        return await run_mutation(GiftServicePayload, act, input)
