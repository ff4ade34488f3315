"""The seal acts a person approves with a co-signature (SPEC §C): each one's action, purpose and canonical input.

The input is built from the command alone, the same way in both calls, so the second call's binding matches the
request of the first; an uploaded picture enters as the SHA-256 of its bytes (the statement names the very image).
`display` is only what the app shows and may name what the server looked up."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from uuid import UUID

from application.signing.cosigning import Act
from domain.seals.seal import SealKind
from domain.signing.signing_request import SigningPurpose

if TYPE_CHECKING:
    from application.seals.change_seal_face import ChangeSealFaceCommand

CAPTURE_HANDWRITTEN = "seal.capture_handwritten"
CHANGE_FACE = "seal.change_face"
REVOKE = "seal.revoke"
CREATE_ENTERPRISE = "seal.create_enterprise"


def sha256_hex(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def capture_handwritten_act(image: bytes, legal_name: str | None) -> Act:
    return Act(CAPTURE_HANDWRITTEN, SigningPurpose.CAPTURE_HANDWRITTEN_SIGNATURE, {"imageSha256": sha256_hex(image)},
               f"采集手写签名：{legal_name or '本人'}")


def change_face_act(cmd: ChangeSealFaceCommand, seal_name: str) -> Act:
    """One act for personal and org seals: the command's choices as sent, the picture by its SHA-256."""
    return Act(CHANGE_FACE, SigningPurpose.CHANGE_SEAL_FACE,
               {"sealId": str(cmd.seal_id), "style": cmd.style.value if cmd.style is not None else None,
                "surroundingText": cmd.surrounding_text, "infoCode": cmd.info_code,
                "imageSha256": sha256_hex(cmd.image.data if cmd.image is not None else None)},
               f"变更印章印模：{seal_name}")


def revoke_act(seal_id: UUID, seal_name: str) -> Act:
    return Act(REVOKE, SigningPurpose.REVOKE_SEAL, {"sealId": str(seal_id)}, f"注销印章：{seal_name}")


def create_enterprise_act(enterprise_id: UUID, name: str, kind: SealKind, seal_admin_member_id: UUID | None,
                          enterprise_name: str) -> Act:
    return Act(CREATE_ENTERPRISE, SigningPurpose.CREATE_ENTERPRISE_SEAL,
               {"enterpriseId": str(enterprise_id), "name": name, "kind": kind.value,
                "sealAdminMemberId": str(seal_admin_member_id) if seal_admin_member_id is not None else None},
               f"制作印章：{name}（{enterprise_name}）")
