"""The SealImages port over the Pillow renderers: personal name seal faces in their template styles, org seals,
the legal-rep seal and the name signature (the verified legal name written out in black, for signing letters)."""

from __future__ import annotations

from adapters.documents.fonts import CjkFont
from adapters.seals.drawing import SUPERSAMPLE, glyph, new_mask, paste_rotated, to_png
from adapters.seals.faces import (
    LegalRepSealFace,
    OrgSealFace,
    OrgSealStyle,
    PersonalSealFace,
    PersonalSealStyle,
)
from adapters.seals.org_seal import render_org_seal
from adapters.seals.person_seals import render_legal_rep_seal, render_personal_seal
from domain.seals.seal import SealStyle

INK_BLACK = (20, 20, 20)
NAME_SIGNATURE_HEIGHT_PX = 96


class PillowSealImages:
    def __init__(self, font: CjkFont | None = None) -> None:
        self._font = font

    def personal_seal(self, name: str, style: SealStyle) -> bytes:
        return render_personal_seal(PersonalSealFace(name, PersonalSealStyle(style.value)), font=self._font)

    def org_seal(self, surrounding_text: str, face_text: str, info_code: str | None, style: SealStyle) -> bytes:
        return render_org_seal(OrgSealFace(surrounding_text, face_text, info_code, OrgSealStyle(style.value)),
                               font=self._font)

    def legal_rep_seal(self, name: str) -> bytes:
        return render_legal_rep_seal(LegalRepSealFace(name), font=self._font)

    def name_signature(self, name: str) -> bytes:
        height = NAME_SIGNATURE_HEIGHT_PX
        char_w = height * 0.8
        width = round(char_w * len(name) + height * 0.4)
        mask, _ = new_mask(width, height)
        cw, ch = char_w * SUPERSAMPLE, height * SUPERSAMPLE * 0.78
        x0 = mask.width / 2 - cw * len(name) / 2 + cw / 2
        for i, char in enumerate(name):
            # A slight forward lean reads as written rather than typeset.
            paste_rotated(mask, glyph(char, cw * 0.86, ch, self._font), (x0 + i * cw, mask.height / 2), 6.0)
        return to_png(mask, INK_BLACK)
