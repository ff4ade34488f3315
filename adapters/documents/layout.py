"""A4 pages set in the CJK font with fpdf2: the few building blocks our letters and notices are made of.

Units are PDF points with fpdf2's top-left origin; `SignatureBox` converts to PDF's bottom-left user space,
which is what pyhanko expects for a visible signature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from adapters.documents.fonts import CjkFont, default_font

A4_WIDTH, A4_HEIGHT = 595.28, 841.89
MARGIN = 72.0  # one inch, the margin of a printed 公文-style letter
_FAMILY = "cjk"


@dataclass(frozen=True)
class SignatureBox:
    """Where a seal or signature goes: page index and (x1, y1, x2, y2) in PDF user space (origin bottom-left)."""

    page: int
    box: tuple[int, int, int, int]


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class ChineseDocument:
    """One document under construction. Deterministic: the creation date is the document's own date,
    so the same data gives the same bytes (fpdf2 derives /ID from the content and that date)."""

    def __init__(self, *, title: str, created: datetime, font: CjkFont | None = None) -> None:
        font = font or default_font()
        self._pdf = FPDF(unit="pt", format="A4")
        self._pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self._pdf.set_auto_page_break(True, margin=MARGIN)
        # Subsetting keeps a one-page letter near 20 KB although the collection is 19 MB.
        self._pdf.add_font(_FAMILY, fname=str(font.path), collection_font_number=font.index)
        self._pdf.set_title(title)
        self._pdf.set_lang("zh-CN")
        self._pdf.set_creator("数信签")
        self._pdf.set_creation_date(created)
        self._pdf.add_page()

    @property
    def content_width(self) -> float:
        return A4_WIDTH - 2 * MARGIN

    def title(self, text: str, size: float = 22) -> None:
        self._pdf.set_font(_FAMILY, size=size)
        self._pdf.cell(0, size * 1.6, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.space(size * 0.6)

    def paragraph(self, text: str, size: float = 12, indent: bool = True) -> None:
        self._pdf.set_font(_FAMILY, size=size)
        # Chinese prose has no spaces to break at, so wrap on characters; two ideographic spaces indent.
        body = ("\u3000\u3000" + text) if indent else text
        self._pdf.multi_cell(0, size * 1.8, body, wrapmode=WrapMode.CHAR,
                             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.space(size * 0.4)

    def fields(self, rows: list[tuple[str, str]], size: float = 12) -> None:
        """Label/value rows in a ruled table, as forms in Chinese offices are laid out."""
        self._pdf.set_font(_FAMILY, size=size)
        label_w = self.content_width * 0.32
        height = size * 2.2
        for label, value in rows:
            self._pdf.cell(label_w, height, label, border=1, align=Align.C)
            self._pdf.cell(0, height, " " + value, border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.space(size)

    def space(self, points: float) -> None:
        self._pdf.ln(points)

    def signature_block(self, labels: list[str], size: float = 12, box_height: float = 110) -> list[SignatureBox]:
        """Side-by-side labelled areas for seals; returns their boxes so signing can place appearances there."""
        pdf = self._pdf
        pdf.set_font(_FAMILY, size=size)
        if pdf.will_page_break(box_height + size * 2):
            pdf.add_page()
        column = self.content_width / len(labels)
        top = pdf.get_y()
        boxes = []
        for i, label in enumerate(labels):
            x = MARGIN + i * column
            pdf.set_xy(x, top)
            pdf.cell(column, size * 1.8, label)
            box_top = top + size * 2
            # Square boxes: a round seal is as tall as it is wide.
            side = min(column - 12, box_height)
            boxes.append(SignatureBox(pdf.page - 1, (round(x), round(A4_HEIGHT - box_top - side),
                                                     round(x + side), round(A4_HEIGHT - box_top))))
        pdf.set_xy(MARGIN, top + size * 2 + box_height)
        return boxes

    def right_aligned(self, text: str, size: float = 12) -> None:
        self._pdf.set_font(_FAMILY, size=size)
        self._pdf.cell(0, size * 1.8, text, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def to_bytes(self) -> bytes:
        return bytes(self._pdf.output())


@dataclass(frozen=True)
class RenderedLetter:
    """A letter laid out, with the boxes its two seals go in. The PDF bytes are made on first use: embedding the
    CJK font subset is most of a render's cost, and signing only needs the legal rep's box (the layout is
    deterministic for the same content, so laying it out again finds the stored PDF's box)."""

    document: ChineseDocument
    enterprise_seal: SignatureBox
    legal_rep_seal: SignatureBox

    @cached_property
    def pdf(self) -> bytes:
        return self.document.to_bytes()
