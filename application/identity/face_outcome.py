"""CompleteFaceVerification (client polls) and RecordFaceCallback (vendor pushes): whichever comes first wins."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.get_me import AccountView, load_account_view
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.identity.evidence import ensure_document_free
from application.ports import (
    Clock,
    ExternalServiceUnavailable,
    FaceVerifier,
    InvalidCallback,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.errors import (
    Conflict,
    DocumentAlreadyUsed,
    FaceFailed,
    FacePending,
    FaceTokenInvalid,
    ServiceUnavailable,
)
from domain.identity.face import FaceCheck, FaceCheckStatus, FacePurpose
from domain.identity.identity import RealNameStatus


async def apply_face_result(uow: UnitOfWork, check: FaceCheck, clock: Clock, meta: RequestMeta | None) -> None:
    """Moves the account's identity according to a known face verdict; a no-op when already applied."""
    if check.purpose is not FacePurpose.REAL_NAME:
        return
    identity = await uow.identities.for_account(check.account_id)
    if identity is None or identity.status is not RealNameStatus.PENDING_FACE:
        return
    # A later start (same transaction stamps both) superseded this session: its face was compared with
    # another claimed name and number, so its verdict must not settle the current claim.
    if identity.updated_at is not None and check.created_at < identity.updated_at:
        return
    now = clock.now()
    if check.status is FaceCheckStatus.PASSED:
        await ensure_document_free(uow, identity.number_index or "", check.account_id, "token")
        identity.face_passed(now)
        audit(uow, "identity.verified", now, meta, account_id=check.account_id, method="FACE")
    elif check.status is FaceCheckStatus.FAILED:
        identity.face_failed(now, check.failure_reason or "人脸核验未通过")
        audit(uow, "identity.face_failed", now, meta, ok=False, account_id=check.account_id)


@dataclass(frozen=True)
class CompleteFaceVerificationCommand:
    principal: Principal | None
    token: str
    meta: RequestMeta


class CompleteFaceVerification:
    def __init__(self, uow: UnitOfWorkFactory, faces: FaceVerifier, clock: Clock) -> None:
        self._uow, self._faces, self._clock = uow, faces, clock

    async def __call__(self, cmd: CompleteFaceVerificationCommand) -> AccountView:
        p = require_account(cmd.principal)
        token = (cmd.token or "").strip()
        if not token or len(token) > 128:
            raise FaceTokenInvalid(field="token")
        async with self._uow() as uow:
            check = await uow.face_checks.by_token(token)
            if check is None:
                raise FaceTokenInvalid(field="token")
            check.ensure_usable_by(p.id, FacePurpose.REAL_NAME, self._clock.now())
            if check.status is FaceCheckStatus.PENDING:
                try:
                    outcome = await self._faces.result(token)
                except ExternalServiceUnavailable:
                    raise ServiceUnavailable("人脸核验服务暂不可用，请稍后重试")
                if outcome.status == "PENDING":
                    raise FacePending(field="token")
                check.record_outcome(outcome.status == "PASSED", self._clock.now(), outcome.reason)
            await apply_face_result(uow, check, self._clock, cmd.meta)
            try:
                await uow.commit()
            except Conflict:
                raise DocumentAlreadyUsed(field="token")
        if check.status is FaceCheckStatus.FAILED:
            raise FaceFailed(check.failure_reason or None, field="token")
        async with self._uow() as uow:
            return await load_account_view(uow, p.id)


class RecordFaceCallback:
    """The vendor's signed notification. Idempotent: a repeated or late callback changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory, faces: FaceVerifier, clock: Clock) -> None:
        self._uow, self._faces, self._clock = uow, faces, clock

    async def __call__(self, body: bytes, headers: dict[str, str]) -> bool:
        outcome = self._faces.parse_callback(body, headers)  # raises InvalidCallback
        if outcome.status not in ("PASSED", "FAILED"):
            raise InvalidCallback("unexpected status")
        async with self._uow() as uow:
            check = await uow.face_checks.by_token(outcome.token)
            if check is None:
                raise InvalidCallback("unknown token")
            changed = check.record_outcome(outcome.status == "PASSED", self._clock.now(), outcome.reason)
            try:
                await apply_face_result(uow, check, self._clock, None)
            except DocumentAlreadyUsed:
                identity = await uow.identities.for_account(check.account_id)
                if identity is not None:
                    identity.face_failed(self._clock.now(), "该证件已被其他账号认证")
            await uow.commit()
            return changed
