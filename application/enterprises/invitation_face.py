"""The face gate of an invited legal rep's signature (§5.1.1.2): the letter that came from an invitation is signed
only after the face check started on acceptance PASSED. The verdict arrives by the vendor's callback or, when the
client comes to sign first, by polling the vendor here, as the other face flows do."""

from __future__ import annotations

from uuid import UUID

from application.ports import Clock, ExternalServiceUnavailable, FaceVerifier, UnitOfWorkFactory
from domain.errors import FaceFailed, FacePending, FaceTokenInvalid, ServiceUnavailable
from domain.identity.face import FaceCheckStatus, FacePurpose

RETRY = "请重新打开邀请链接进行人脸核验"


class InvitationFaceGate:
    def __init__(self, uow: UnitOfWorkFactory, faces: FaceVerifier, clock: Clock) -> None:
        self._uow, self._faces, self._clock = uow, faces, clock

    async def ensure_passed(self, face_token: str | None, account_id: UUID, legal_rep_index: str) -> None:
        """Raises FACE_PENDING, FACE_FAILED or FACE_TOKEN_INVALID unless the account's face check against the
        legal rep's identity (`legal_rep_index`) passed."""
        async with self._uow() as uow:
            check = await uow.face_checks.by_token(face_token) if face_token else None
            if check is None:
                raise FaceTokenInvalid(f"人脸核验不存在，{RETRY}")
            try:
                check.ensure_usable_by(account_id, FacePurpose.LEGAL_REP_AUTHORIZATION, self._clock.now())
            except FaceTokenInvalid:
                raise FaceTokenInvalid(f"人脸核验已失效，{RETRY}") from None
            if check.status is FaceCheckStatus.PENDING:
                try:
                    outcome = await self._faces.result(check.token)
                except ExternalServiceUnavailable:
                    raise ServiceUnavailable("人脸核验服务暂不可用，请稍后重试") from None
                if outcome.status == "PENDING":
                    raise FacePending("请先完成人脸核验，再签署授权书")
                check.record_outcome(outcome.status == "PASSED", self._clock.now(), outcome.reason)
                await uow.commit()
        if check.status is FaceCheckStatus.FAILED:
            raise FaceFailed(f"{check.failure_reason or '人脸核验未通过'}，{RETRY}")
        # The face was compared with the identity named when it started; the licence's legal rep must still be it.
        if check.subject_key != legal_rep_index:
            raise FaceTokenInvalid(f"企业法定代表人信息已变更，{RETRY}")
