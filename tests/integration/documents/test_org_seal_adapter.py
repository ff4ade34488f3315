"""The org-seal half of the SealImages port (PillowSealImages.org_seal / legal_rep_seal) with the bundled CJK font,
and the SES_Seal of an org seal from CaSealMaker: real PNGs a reviewer could print, and a structure that parses."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from adapters.seals import SEAL_TYPE_ORG, parse_ses_seal
from adapters.seals.images import PillowSealImages
from adapters.seals.maker import CaSealMaker
from application.seals.ports import SesSealRequest
from domain.seals.seal import SealStyle

COMPANY = "北京数信科技有限公司"


def _rgba(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.mode == "RGBA"
    return image


def _ink(image: Image.Image) -> list[tuple[int, int, int, int]]:
    raw = image.tobytes()
    return [tuple(raw[i:i + 4]) for i in range(0, len(raw), 4) if raw[i + 3] > 200]


@pytest.mark.parametrize("style", [SealStyle.CLASSIC, SealStyle.DOUBLE_RING, SealStyle.AGED])
def test_the_round_org_seal_is_a_red_disc_on_transparent_paper(style):
    image = _rgba(PillowSealImages().org_seal(COMPANY, "合同专用章", "1101080012345", style))
    assert image.size == (420, 420)  # 42 mm at 10 px/mm
    w, h = image.size
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((w - 1, h - 1))[3] == 0
    ink = _ink(image)
    assert len(ink) > w * h * 0.05
    assert all(r > 180 and g < 80 and b < 80 for r, g, b, _ in ink)
    # The star sits in the centre (mostly inked even where the aged style wore specks off).
    centre = [image.getpixel((x, y))[3] for x in range(w // 2 - 10, w // 2 + 10) for y in range(h // 2 - 10, h // 2 + 10)]
    assert sum(centre) / len(centre) > 180


def test_the_legal_rep_seal_is_square():
    image = _rgba(PillowSealImages().legal_rep_seal("张三"))
    assert image.width == image.height == 240
    assert len(_ink(image)) > image.width * image.height * 0.05


def test_the_font_draws_chinese_not_tofu():
    """Missing glyphs all draw the same box: two different names would then give the same arc. Compared with a
    name of unassigned code points (certain tofu), a real name must differ, and so must two real names."""
    images = PillowSealImages()
    real = images.org_seal(COMPANY, "", None, SealStyle.CLASSIC)
    other = images.org_seal("上海云签网络有限公司", "", None, SealStyle.CLASSIC)
    tofu = images.org_seal("\U000e0100" * len(COMPANY), "", None, SealStyle.CLASSIC)
    tofu2 = images.org_seal("\U000e0101" * len(COMPANY), "", None, SealStyle.CLASSIC)
    assert tofu == tofu2  # the .notdef box, whatever the code point
    assert real != tofu and real != other


def test_what_changes_on_the_face_changes_the_image():
    images = PillowSealImages()
    base = images.org_seal(COMPANY, "合同专用章", None, SealStyle.CLASSIC)
    assert images.org_seal(COMPANY, "合同专用章", "1101080012345", SealStyle.CLASSIC) != base
    assert images.org_seal(COMPANY, "财务专用章", None, SealStyle.CLASSIC) != base
    assert images.org_seal(COMPANY, "合同专用章", None, SealStyle.DOUBLE_RING) != base


async def test_the_seal_maker_signs_an_org_ses_seal(container):
    ca = container.certificate_authority()
    await ca.ensure_ready()
    holder, _ = await ca.service_signer("ocsp")  # stands in for the enterprise's org signing certificate
    now = container.clock().now()
    image = PillowSealImages().org_seal(COMPANY, "", None, SealStyle.CLASSIC)
    der = await CaSealMaker(ca, container.sm2_backend()).ses_seal(SesSealRequest(
        es_id="ORG1", personal=False, name="北京数信科技有限公司公章", holder_certificates=[holder.dump()],
        created=now, valid_start=now, valid_end=now + timedelta(days=365), image=image))
    parsed = parse_ses_seal(der, container.sm2_backend(), maker_issuer=await ca.ca_certificate("issuing"))
    assert parsed.seal_type == SEAL_TYPE_ORG and parsed.name == "北京数信科技有限公司公章"
    assert parsed.names_holder(holder) and parsed.picture.data == image
    assert parsed.picture.width_mm == parsed.picture.height_mm == 42
