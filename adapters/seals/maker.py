"""The SealMaker port: SES_Seal structures signed with the CA's seal-maker service certificate."""

from __future__ import annotations

from asn1crypto import x509

from adapters.ca.authority import SEAL_MAKER, Sm2CertificateAuthority
from adapters.seals.ses import SealPicture, SesSealSpec, build_ses_seal
from adapters.seals.ses_asn1 import SEAL_TYPE_ORG, SEAL_TYPE_PERSONAL
from application.crypto.ports import Sm2Backend
from application.seals.ports import SesSealRequest

_PICTURE_TYPES = {"image/png": "PNG", "image/jpeg": "JPG"}
_PX_PER_MM = 10  # the renderers draw at 10 px/mm


class CaSealMaker:
    def __init__(self, ca: Sm2CertificateAuthority, backend: Sm2Backend) -> None:
        self._ca, self._backend = ca, backend

    async def ses_seal(self, request: SesSealRequest) -> bytes:
        maker_cert, maker_key = await self._ca.service_signer(SEAL_MAKER)
        width, height = _size_mm(request.image)
        spec = SesSealSpec(
            es_id=request.es_id, seal_type=SEAL_TYPE_PERSONAL if request.personal else SEAL_TYPE_ORG,
            name=request.name, holder_certs=[x509.Certificate.load(der) for der in request.holder_certificates],
            created=request.created, valid_start=request.valid_start, valid_end=request.valid_end,
            picture=SealPicture(request.image, width, height, _PICTURE_TYPES.get(request.content_type, "PNG")))
        return build_ses_seal(spec, maker_cert, maker_key, self._backend)


def _size_mm(image: bytes) -> tuple[int, int]:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(image)) as img:
        w, h = img.size
    return max(1, round(w / _PX_PER_MM)), max(1, round(h / _PX_PER_MM))
