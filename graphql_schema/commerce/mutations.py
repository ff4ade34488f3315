"""Commerce mutations: orders, payment, invoices (accounts); platforms and plans (operators)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from application.commerce.cancel_order import CancelOrderCommand
from application.commerce.create_service_plan import CreateServicePlanCommand
from application.commerce.invoices import RequestInvoiceCommand
from application.commerce.pay_order import PayOrderCommand
from application.commerce.place_order import PlaceOrderCommand
from application.commerce.register_platform import RegisterPlatformCommand
from graphql_schema.commerce import inputs as i
from graphql_schema.commerce import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import from_global_id, local_id


def _optional_ref(global_id: str | None, type_name: str):
    """placeOrder's enterpriseId / grantId / serviceApplicationId: an ID of another type is answered like an object
    that does not exist (the nil UUID matches nothing), so the use case gives its usual NOT_FOUND."""
    if global_id is None:
        return None
    ref = from_global_id(global_id, type_name)
    return ref[1] if ref else UUID(int=0)


@strawberry.type
class PlaceOrderPayload:
    order: t.OrderType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PayOrderPayload:
    payment: t.PaymentType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CancelOrderPayload:
    order: t.OrderType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RequestInvoicePayload:
    invoice: t.InvoiceType_ | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegisterPlatformPayload:
    platform: t.TradingPlatformType | None = None
    callback_signing_certificate_pem: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateServicePlanPayload:
    plan: t.ServicePlanType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CommerceMutations:
    @strawberry.mutation(description="Orders personal plans, or with enterpriseId enterprise plans for that certified "
                                     "enterprise (its admin or legal rep only); the order waits 30 minutes for payment.")
    async def place_order(self, info: Info, input: i.PlaceOrderInput) -> PlaceOrderPayload:
        ctx = info.context

        async def act():
            cmd = PlaceOrderCommand(
                ctx.principal, [local_id(p, "ServicePlan", "planIds") for p in input.plan_ids],
                enterprise_id=_optional_ref(input.enterprise_id, "Enterprise"),
                grant_id=_optional_ref(input.grant_id, "CertificateGrant"),
                service_application_id=_optional_ref(input.service_application_id, "ServiceApplication"))
            order = await ctx.use_cases.commerce.place_order(cmd)
            return PlaceOrderPayload(order=t.OrderType.of(order, ctx.use_cases.commerce.clock.now()))
        return await run_mutation(PlaceOrderPayload, act, input)

    @strawberry.mutation(description="Opens a payment with a channel; the client opens payUrl in the wallet.")
    async def pay_order(self, info: Info, input: i.PayOrderInput) -> PayOrderPayload:
        ctx = info.context

        async def act():
            payment = await ctx.use_cases.commerce.pay_order(
                PayOrderCommand(ctx.principal, local_id(input.order_id, "Order", "orderId"), input.channel))
            return PayOrderPayload(payment=t.PaymentType.of(payment))
        return await run_mutation(PayOrderPayload, act, input)

    @strawberry.mutation(description="Cancels an order that waits for payment.")
    async def cancel_order(self, info: Info, input: i.CancelOrderInput) -> CancelOrderPayload:
        ctx = info.context

        async def act():
            order = await ctx.use_cases.commerce.cancel_order(
                CancelOrderCommand(ctx.principal, local_id(input.order_id, "Order", "orderId")))
            return CancelOrderPayload(order=t.OrderType.of(order, ctx.use_cases.commerce.clock.now()))
        return await run_mutation(CancelOrderPayload, act, input)

    @strawberry.mutation(description="Requests the e-invoice of a paid order (one per order; an order whose invoice "
                                     "FAILED may ask again, with corrected details).")
    async def request_invoice(self, info: Info, input: i.RequestInvoiceInput) -> RequestInvoicePayload:
        ctx = info.context

        async def act():
            invoice = await ctx.use_cases.commerce.request_invoice(RequestInvoiceCommand(
                ctx.principal, local_id(input.order_id, "Order", "orderId"), input.invoice_type, input.title_type,
                input.title, input.tax_number, input.email))
            return RequestInvoicePayload(invoice=t.InvoiceType_.of(invoice, info))
        return await run_mutation(RequestInvoicePayload, act, input)


@strawberry.type
class CatalogueMutations:
    @strawberry.mutation(description="Operators: registers a trading platform and certifies its callback key.")
    async def register_platform(self, info: Info, input: i.RegisterPlatformInput) -> RegisterPlatformPayload:
        ctx = info.context

        async def act():
            done = await ctx.use_cases.commerce.register_platform(RegisterPlatformCommand(
                ctx.principal, input.platform_code, input.name, input.region, input.callback_url,
                input.public_key_pem))
            return RegisterPlatformPayload(platform=t.TradingPlatformType.of(done.platform),
                                           callback_signing_certificate_pem=done.certificate_pem)
        return await run_mutation(RegisterPlatformPayload, act, input)

    @strawberry.mutation(description="Operators: adds a service plan to a platform.")
    async def create_service_plan(self, info: Info, input: i.CreateServicePlanInput) -> CreateServicePlanPayload:
        ctx = info.context

        async def act():
            plan = await ctx.use_cases.commerce.create_service_plan(CreateServicePlanCommand(
                ctx.principal, local_id(input.platform_id, "TradingPlatform", "platformId"), input.subject_type,
                input.name, list(input.operations), input.validity_months, input.price_fen, input.sign_quota))
            return CreateServicePlanPayload(plan=t.ServicePlanType.of(plan))
        return await run_mutation(CreateServicePlanPayload, act, input)
