"""CompleteFaceVerification (client polls) and RecordFaceCallback (vendor pushes): whichever comes first wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from application.accounts.get_me import AccountView, load_account_view
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.identity.verified import IdentityVerifiedHook, identity_verified
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

_RACE_RETRIES = 3


class FaceVerdict(StrEnum):
    APPLIED = "APPLIED"
    NOTHING_TO_DO = "NOTHING_TO_DO"  # already applied, or the identity is not waiting for a face
    SUPERSEDED = "SUPERSEDED"  # the person started again with another document since
    DOCUMENT_TAKEN = "DOCUMENT_TAKEN"  # another account verified this document meanwhile


async def apply_face_result(uow: UnitOfWork, check: FaceCheck, clock: Clock, meta: RequestMeta | None,
                            on_verified: Sequence[IdentityVerifiedHook] = ()) -> FaceVerdict:
    """Moves the account's identity according to a known face verdict. Both the client's poll and the
    vendor's callback come through here, so they cannot disagree."""
    if check.purpose is not FacePurpose.REAL_NAME or check.status is FaceCheckStatus.PENDING:
        return FaceVerdict.NOTHING_TO_DO
    identity = await uow.identities.for_account(check.account_id)
    if identity is None or identity.status is not RealNameStatus.PENDING_FACE:
        return FaceVerdict.NOTHING_TO_DO
    # The face was compared with the document of check.subject_key; a verdict on an older claim must not
    # settle a newer one (start with one's own ID, start again with another's, pass the first face).
    if check.subject_key is None or check.subject_key != identity.number_index:
        return FaceVerdict.SUPERSEDED
    # Nor may an earlier attempt's verdict settle a retry with the same document (fail, start again, and the first
    # attempt's callback arrives late).
    if not identity.awaits_face_check(check.id):
        return FaceVerdict.SUPERSEDED
    now = clock.now()
    if check.status is FaceCheckStatus.FAILED:
        identity.face_failed(now, check.failure_reason or "人脸核验未通过")
        audit(uow, "identity.face_failed", now, meta, ok=False, account_id=check.account_id)
        return FaceVerdict.APPLIED
    holder = await uow.identities.claimed(check.subject_key)
    if holder is not None and holder.account_id != check.account_id:
        identity.face_failed(now, DocumentAlreadyUsed.default_message)
        audit(uow, "identity.face_failed", now, meta, ok=False, account_id=check.account_id,
              reason="document_taken")
        return FaceVerdict.DOCUMENT_TAKEN
    identity.face_passed(now)
    audit(uow, "identity.verified", now, meta, account_id=check.account_id, method="FACE")
    await identity_verified(uow, identity, now, on_verified)
    return FaceVerdict.APPLIED


@dataclass(frozen=True)
class CompleteFaceVerificationCommand:
    principal: Principal | None
    token: str
    meta: RequestMeta


class CompleteFaceVerification:
    def __init__(self, uow: UnitOfWorkFactory, faces: FaceVerifier, clock: Clock,
                 on_verified: Sequence[IdentityVerifiedHook] = ()) -> None:
        self._uow, self._faces, self._clock, self._on_verified = uow, faces, clock, tuple(on_verified)

    async def __call__(self, cmd: CompleteFaceVerificationCommand) -> AccountView:
        p = require_account(cmd.principal)
        token = (cmd.token or "").strip()
        if not token or len(token) > 128:
            raise FaceTokenInvalid(field="token")
        # The vendor's callback may settle the same check at the same moment (both write the check and the
        # identity): the loser of that race reads again and finds the verdict applied, rather than answering
        # CONFLICT. A lost race for the document's unique key reads again too, and then finds it taken.
        for attempt in range(1, _RACE_RETRIES + 1):
            try:
                check, verdict = await self._settle(p.id, token, cmd.meta)
                break
            except Conflict:
                if attempt == _RACE_RETRIES:
                    raise
        if verdict is FaceVerdict.SUPERSEDED:
            raise FaceTokenInvalid("该人脸核验已被新的认证申请取代，请使用最新的核验", field="token")
        if verdict is FaceVerdict.DOCUMENT_TAKEN:
            raise DocumentAlreadyUsed(field="token")
        if check.status is FaceCheckStatus.FAILED:
            raise FaceFailed(check.failure_reason or None, field="token")
        async with self._uow() as uow:
            return await load_account_view(uow, p.id)


    async def _settle(self, account_id: UUID, token: str, meta: RequestMeta) -> tuple[FaceCheck, FaceVerdict]:
        async with self._uow() as uow:
            check = await uow.face_checks.by_token(token)
            if check is None:
                raise FaceTokenInvalid(field="token")
            check.ensure_usable_by(account_id, FacePurpose.REAL_NAME, self._clock.now())
            if check.status is FaceCheckStatus.PENDING:
                try:
                    outcome = await self._faces.result(token)
                except ExternalServiceUnavailable:
                    raise ServiceUnavailable("人脸核验服务暂不可用，请稍后重试")
                if outcome.status == "PENDING":
                    raise FacePending(field="token")
                check.record_outcome(outcome.status == "PASSED", self._clock.now(), outcome.reason)
            verdict = await apply_face_result(uow, check, self._clock, meta, self._on_verified)
            await uow.commit()
            return check, verdict


class RecordFaceCallback:
    """The vendor's signed notification. Idempotent: a repeated or late callback changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory, faces: FaceVerifier, clock: Clock,
                 on_verified: Sequence[IdentityVerifiedHook] = ()) -> None:
        self._uow, self._faces, self._clock, self._on_verified = uow, faces, clock, tuple(on_verified)

    async def __call__(self, body: bytes, headers: dict[str, str]) -> bool:
        outcome = self._faces.parse_callback(body, headers)  # raises InvalidCallback
        if outcome.status not in ("PASSED", "FAILED"):
            raise InvalidCallback("unexpected status")
        async with self._uow() as uow:
            check = await uow.face_checks.by_token(outcome.token)
            if check is None:
                raise InvalidCallback("unknown token")
            changed = check.record_outcome(outcome.status == "PASSED", self._clock.now(), outcome.reason)
            await apply_face_result(uow, check, self._clock, None, self._on_verified)
            await uow.commit()
            return changed
