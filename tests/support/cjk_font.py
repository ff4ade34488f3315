"""A CJK font for the test session: the bundled Noto Sans CJK SC cut down to the characters this repository's
code and tests can put on a page, so that each letter, seal and signature appearance the suite draws (hundreds)
does not parse the 19 MB collection again. Production always uses the configured font; only tests use this one,
as they use a cheap scrypt cost.

The cut-down font is also converted from CFF to TrueType outlines: embedding a subset of a TrueType font (fpdf2 for
every letter, pyhanko for every signature appearance) is about three times cheaper than of a CFF one, whose
charstrings fontTools has to execute and recompile. What the suite checks of a document does not depend on the
outline format; production keeps the configured (CFF) font.

Built once per machine and character set (a file lock keeps parallel workers from building it twice) in the
temporary directory, and handed to the code under test through SXQ_CJK_FONT."""

from __future__ import annotations

import fcntl
import hashlib
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_CJK = re.compile(r"[\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_SOURCES = ("adapters", "application", "domain", "graphql_schema", "tests", "features", "examples")


def _characters() -> str:
    found = {chr(c) for c in range(0x20, 0x7F)} | {"\u3000"}  # the paragraph indent, written as an escape
    for folder in _SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".feature", ".graphql") and path.is_file():
                found.update(_CJK.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return "".join(sorted(found))


def cut_down_font() -> str:
    """`path#0` of the cut-down font, building it if this machine has not yet."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from adapters.documents.fonts import _bundled_font

    source = _bundled_font()
    assert source is not None, "the bundled CJK font (noto-cjk-sans-otc) is not installed"
    text = _characters()
    digest = hashlib.sha256(f"{source.path}#{source.index}:{source.path.stat().st_size}:{text}".encode()).hexdigest()
    target = Path(tempfile.gettempdir()) / f"sxq-test-font-{digest[:16]}.ttf"
    if not target.exists():
        with open(f"{target}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.exists():
                font = TTFont(str(source.path), fontNumber=source.index)
                options = subset.Options()
                options.name_IDs = ["*"]
                options.notdef_outline = True
                subsetter = subset.Subsetter(options)
                subsetter.populate(text=text)
                subsetter.subset(font)
                _to_truetype(font)
                partial = target.with_suffix(".part")
                font.save(str(partial))
                partial.rename(target)
    return f"{target}#0"


def _to_truetype(font) -> None:
    """CFF outlines → quadratic TrueType outlines (glyf/loca), in place: fontTools' own otf2ttf recipe."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    font.sfntVersion = "\x00\x01\x00\x00"
