"""Drawing and storing an org seal face (outside any transaction: Pillow is slow and the blob store is not the
database). The face is drawn from the domain's OrgSealFaceSpec, so what is stored is what the rules allowed."""

from __future__ import annotations

from application.ports import BlobStore
from application.seals.personal_name_seal import PNG
from application.seals.ports import SealImages
from domain.seals.org_seal import OrgSealFaceSpec
from domain.seals.seal import SealKind


async def store_face(images: SealImages, blobs: BlobStore, face: OrgSealFaceSpec) -> str:
    if face.kind is SealKind.LEGAL_REP:
        data = images.legal_rep_seal(face.surrounding_text)
    else:
        data = images.org_seal(face.surrounding_text, face.face_text, face.info_code, face.style)
    return await blobs.put(data, PNG)
