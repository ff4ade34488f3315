"""Scan-service mutations: createScanSession (a signed platform); scanQrCode, confirmScanSession,
declineScanSession (the app)."""

from __future__ import annotations

import strawberry

from application.scans.confirm_scan_session import ConfirmScanSessionCommand
from application.scans.create_scan_session import CreateScanSessionCommand, DocumentInput, EnvelopeInput
from application.scans.decline_scan_session import DeclineScanSessionCommand
from application.scans.scan_qr_code import ScanQrCodeCommand
from application.signing.cosigning import NeedsCoSignature
from domain.errors import DomainError
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import local_id, optional_local_id
from graphql_schema.scans import inputs as i
from graphql_schema.scans import types as t
from graphql_schema.scans.queries import platform_of
from graphql_schema.signing.types import SigningRequestType, co_signatures


@strawberry.type
class CreateScanSessionPayload:
    session: t.NewScanSession | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ScanQrCodePayload:
    session: t.ScanSessionType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ConfirmScanSessionPayload:
    signing_requests: list[SigningRequestType] | None = strawberry.field(
        default=None, description="The first call's answer: what the phone must co-sign for this choice of "
                                  "certificate and seal.")
    session: t.ScanSessionType | None = None
    pin_attempts_left: int | None = strawberry.field(default=None, description="After a wrong PIN: tries left "
                                                                               "before the PIN locks.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeclineScanSessionPayload:
    session: t.ScanSessionType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ScanMutations:
    @strawberry.mutation(description="A signed trading platform opens a scan session (api/platform.graphql).")
    async def create_scan_session(self, info: Info, input: i.CreateScanSessionInput) -> CreateScanSessionPayload:
        ctx = info.context

        async def act() -> CreateScanSessionPayload:
            created = await ctx.use_cases.scans.create_scan_session(CreateScanSessionCommand(
                platform=platform_of(info), operation=input.operation,
                documents=[DocumentInput(d.doc_id, d.file_name, d.sm3_hex) for d in input.documents]
                if input.documents is not None else None,
                seal_owner=input.seal_owner, seal_use=input.seal_kind, continuous=bool(input.continuous),
                envelopes=[EnvelopeInput(e.envelope_id, e.sm2_cipher_der) for e in input.envelopes]
                if input.envelopes is not None else None))
            return CreateScanSessionPayload(session=t.NewScanSession.of(created))
        return await run_mutation(CreateScanSessionPayload, act, input)

    @strawberry.mutation(description="The app scanned a platform's QR: binds the session to this account.")
    async def scan_qr_code(self, info: Info, input: i.ScanQrCodeInput) -> ScanQrCodePayload:
        ctx = info.context

        async def act() -> ScanQrCodePayload:
            view = await ctx.use_cases.scans.scan_qr_code(ScanQrCodeCommand(ctx.principal, input.qr_content))
            now = ctx.use_cases.scans.clock.now()
            return ScanQrCodePayload(session=t.ScanSessionType.of(view.session, view.status, now,
                                                                  view.usable_certificates, view.usable_seals))
        return await run_mutation(ScanQrCodePayload, act, input)

    @strawberry.mutation(description="Confirms a scanned session with a certificate, a seal (SIGN) and the phone's "
                                     "co-signatures: two calls with the same input (SPEC §C).")
    async def confirm_scan_session(self, info: Info, input: i.ConfirmScanSessionInput) -> ConfirmScanSessionPayload:
        ctx = info.context

        async def act() -> ConfirmScanSessionPayload:
            try:
                done = await ctx.use_cases.scans.confirm_scan_session(ConfirmScanSessionCommand(
                    ctx.principal, local_id(input.session_id, "ScanSession", "sessionId"),
                    local_id(input.certificate_id, "Certificate", "certificateId"),
                    optional_local_id(input.seal_id, "Seal", "sealId"), co_signatures(input.co_signatures),
                    ctx.meta))
            except DomainError as err:
                if "attemptsLeft" not in err.details:
                    raise
                return ConfirmScanSessionPayload(pin_attempts_left=err.details["attemptsLeft"],
                                                 user_errors=[UserError.from_domain(err)])
            if isinstance(done, NeedsCoSignature):
                return ConfirmScanSessionPayload(signing_requests=[SigningRequestType.of(r) for r in done.requests])
            session = done
            now = ctx.use_cases.scans.clock.now()
            return ConfirmScanSessionPayload(session=t.ScanSessionType.of(session, session.status_at(now), now))
        return await run_mutation(ConfirmScanSessionPayload, act, input)

    @strawberry.mutation(description="Declines a scanned session; the platform hears DECLINED.")
    async def decline_scan_session(self, info: Info, input: i.DeclineScanSessionInput) -> DeclineScanSessionPayload:
        ctx = info.context

        async def act() -> DeclineScanSessionPayload:
            session = await ctx.use_cases.scans.decline_scan_session(DeclineScanSessionCommand(
                ctx.principal, local_id(input.session_id, "ScanSession", "sessionId")))
            now = ctx.use_cases.scans.clock.now()
            return DeclineScanSessionPayload(session=t.ScanSessionType.of(session, session.status_at(now), now))
        return await run_mutation(DeclineScanSessionPayload, act, input)
