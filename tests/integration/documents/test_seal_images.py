"""Seal faces are transparent red PNGs, identical for identical input, and refuse faces they cannot draw."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from adapters.seals import (
    LegalRepSealFace,
    OrgSealFace,
    OrgSealStyle,
    PersonalSealFace,
    PersonalSealStyle,
    SealFaceError,
    SquareSealStyle,
    render_legal_rep_seal,
    render_org_seal,
    render_personal_seal,
    square_text,
)

FACES = [
    *[(render_org_seal, OrgSealFace("北京数信科技有限公司", "合同专用章", "1101080012345", style)) for style in OrgSealStyle],
    (render_org_seal, OrgSealFace("北京数信科技有限公司")),  # the plain 公章: no seal name, no code
    *[(render_legal_rep_seal, LegalRepSealFace("王建国", style)) for style in SquareSealStyle],
    *[(render_personal_seal, PersonalSealFace("李小明", style)) for style in PersonalSealStyle],
]


def _ids(case):
    render, face = case
    return f"{render.__name__}-{face.style.value}"


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("case", FACES, ids=_ids)
def test_faces_are_transparent_red_pngs(case):
    render, face = case
    png = render(face)
    image = _image(png)
    assert image.format == "PNG" and image.mode == "RGBA"
    w, h = image.size
    pixels = image.load()
    # Corners are outside every outline (round, oval) or at most anti-aliased: the paper must show.
    corner_alpha = [pixels[x, y][3] for x, y in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
    assert min(corner_alpha) < 128
    raw = image.tobytes()
    rgba = [raw[i:i + 4] for i in range(0, len(raw), 4)]
    opaque = [p for p in rgba if p[3] > 200]
    assert len(opaque) > w * h * 0.05  # there is a face, not an empty canvas
    assert all(r > 180 and g < 80 and b < 80 for r, g, b, _ in opaque)  # and it is seal red
    assert any(p[3] == 0 for p in rgba)


@pytest.mark.parametrize("case", FACES, ids=_ids)
def test_same_face_same_bytes(case):
    render, face = case
    assert render(face) == render(face)


def test_same_bytes_in_a_fresh_process():
    """Caches inside one process could hide a random or hash-seeded step; another interpreter cannot."""
    code = ("import hashlib, sys; from adapters.seals import *; "
            "sys.stdout.write(hashlib.sha256(render_org_seal(OrgSealFace('北京数信科技有限公司', '合同专用章', "
            "'1101080012345', OrgSealStyle.AGED))).hexdigest())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "random"}, cwd=Path(__file__).parents[3])
    here = render_org_seal(OrgSealFace("北京数信科技有限公司", "合同专用章", "1101080012345", OrgSealStyle.AGED))
    assert out.stdout == hashlib.sha256(here).hexdigest()


def test_what_the_face_says_changes_the_image():
    base = render_org_seal(OrgSealFace("北京数信科技有限公司", "合同专用章"))
    assert render_org_seal(OrgSealFace("北京数信科技有限公司", "财务专用章")) != base
    assert render_org_seal(OrgSealFace("北京数信科技有限公司", "合同专用章", "1101080012345")) != base
    assert render_org_seal(OrgSealFace("北京数信科技股份有限公司", "合同专用章")) != base


def test_sizes_are_what_was_asked():
    assert _image(render_org_seal(OrgSealFace("北京数信科技有限公司"), diameter_px=300)).size == (300, 300)
    assert _image(render_legal_rep_seal(LegalRepSealFace("王建国"), side_px=200)).size == (200, 200)
    w, h = _image(render_personal_seal(PersonalSealFace("李小明"), height_px=90)).size
    assert h == 90 and w > h  # a name in one line is wider than tall


def test_square_seal_wording():
    assert square_text("张三") == "张三之印"
    assert square_text("王建国") == "王建国印"
    assert square_text("欧阳小明") == "欧阳小明"


@pytest.mark.parametrize("bad", [
    lambda: OrgSealFace("  "),
    lambda: OrgSealFace("北京数信科技有限公司", information_code="110108001234"),  # 12 digits
    lambda: OrgSealFace("北京数信科技有限公司", information_code="11010800123４5"),  # a full-width digit
    lambda: OrgSealFace("北京数信科技有限公司", seal_name="超长的印章名称九个字"),
    lambda: LegalRepSealFace(""),
    lambda: PersonalSealFace("名" * 11),
])
def test_faces_that_cannot_be_drawn_are_refused(bad):
    with pytest.raises(SealFaceError):
        bad()
