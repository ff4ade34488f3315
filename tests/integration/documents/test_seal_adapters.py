"""The seal adapters the use cases reach through ports: PillowSealImages draws real PNGs, and CaSealMaker
makes an SES_Seal that parses and verifies against the CA's issuing certificate."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from adapters.seals import SEAL_TYPE_PERSONAL, parse_ses_seal
from adapters.seals.images import PillowSealImages
from adapters.seals.maker import CaSealMaker
from application.seals.ports import SesSealRequest
from domain.seals.seal import SealStyle


def _png(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    assert img.format == "PNG" and img.mode == "RGBA"
    return img


def test_personal_seal_styles_and_the_name_signature_are_pngs():
    images = PillowSealImages()
    faces = {style: images.personal_seal("张三", style) for style in (SealStyle.SQUARE, SealStyle.RECTANGLE,
                                                                        SealStyle.OVAL)}
    assert len(set(faces.values())) == 3
    square = _png(faces[SealStyle.SQUARE])
    assert square.width == square.height
    signature = _png(images.name_signature("张三"))
    r, g, b, a = signature.getpixel(max(((x, y) for x in range(signature.width) for y in range(signature.height)),
                                        key=lambda p: signature.getpixel(p)[3]))
    assert a > 200 and max(r, g, b) < 60, "the name signature is written in black ink"


async def test_the_seal_maker_signs_an_ses_seal_naming_the_holder(container):
    ca = container.certificate_authority()
    await ca.ensure_ready()
    holder, _ = await ca.service_signer("ocsp")  # any certificate of ours stands in for a holder's
    now = container.clock().now()
    image = PillowSealImages().personal_seal("张三", SealStyle.RECTANGLE)
    der = await CaSealMaker(ca, container.sm2_backend()).ses_seal(SesSealRequest(
        es_id="ABC123", personal=True, name="张三", holder_certificates=[holder.dump()], created=now,
        valid_start=now, valid_end=now + timedelta(days=365), image=image))
    parsed = parse_ses_seal(der, container.sm2_backend(), maker_issuer=await ca.ca_certificate("issuing"))
    assert parsed.seal_type == SEAL_TYPE_PERSONAL and parsed.es_id == "ABC123" and parsed.name == "张三"
    assert parsed.names_holder(holder) and parsed.picture.data == image and parsed.picture.type == "PNG"
    assert parsed.picture.width_mm > parsed.picture.height_mm > 0
