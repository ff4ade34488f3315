"""The CJK font that documents and seal images are set in: where it is, and a start-up check that it is there.

A PDF or seal drawn with a font that lacks Chinese glyphs shows empty boxes (tofu) and still looks like a
success, so a missing or unsuitable font fails loudly when the process starts instead."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError

from domain.canonical import is_ascii_digits

# Characters every template and seal needs; a font without them would render tofu.
_PROBE = "企业认证授权书法定代表人统一社会信用代码合同专用章印年月日0123456789"

# The pip package noto-cjk-sans-otc ships NotoSansCJK-Regular.ttc; face 2 of that collection is Simplified
# Chinese (0 JP, 1 KR, 2 SC, 3 TC, 4 HK), whose glyph shapes are the ones mainland documents expect.
_NOTO_SC_INDEX = 2
ENV_VAR = "SXQ_CJK_FONT"


class MissingCjkFontError(RuntimeError):
    """Raised at start-up: the configured CJK font cannot be read or has no Chinese glyphs."""


@dataclass(frozen=True)
class CjkFont:
    path: Path
    index: int = 0  # face number inside a .ttc/.otc collection

    @classmethod
    def parse(cls, spec: str) -> CjkFont:
        """`/path/font.ttc#2` selects face 2 of a collection; a bare path means face 0."""
        path, sep, index = spec.rpartition("#")
        if sep and is_ascii_digits(index):
            return cls(Path(path), int(index))
        return cls(Path(spec))


def _bundled_font() -> CjkFont | None:
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    return CjkFont(Path(str(FONT_PATH)), _NOTO_SC_INDEX)


def check_font(font: CjkFont) -> CjkFont:
    """Proves the font opens and covers the probe characters; returns it unchanged."""
    if not font.path.is_file():
        raise MissingCjkFontError(
            f"CJK font not found at {font.path} (set {ENV_VAR}=/path/to/font.ttc#index, "
            f"or install the pip package noto-cjk-sans-otc) / 未找到中文字体")
    try:
        # lazy=True reads only the tables asked for: the cmap, not the 19 MB of outlines.
        tt = TTFont(str(font.path), fontNumber=font.index, lazy=True)
        cmap = tt.getBestCmap() or {}
    except (TTLibError, OSError, IndexError, AssertionError) as exc:
        raise MissingCjkFontError(f"CJK font {font.path}#{font.index} cannot be read: {exc}") from exc
    missing = sorted({c for c in _PROBE if ord(c) not in cmap})
    if missing:
        raise MissingCjkFontError(
            f"font {font.path}#{font.index} has no glyphs for {''.join(missing)!r}; "
            f"choose a Chinese font with {ENV_VAR} / 字体缺少中文字形")
    return font


def resolve_font(spec: str | None = None) -> CjkFont:
    """The configured font (argument, else $SXQ_CJK_FONT, else the bundled Noto Sans CJK SC), checked."""
    spec = spec or os.environ.get(ENV_VAR) or None
    font = CjkFont.parse(spec) if spec else _bundled_font()
    if font is None:
        raise MissingCjkFontError(
            f"no CJK font configured: install the pip package noto-cjk-sans-otc or set {ENV_VAR} / 未配置中文字体")
    return check_font(font)


@functools.cache
def default_font() -> CjkFont:
    """Resolved once per process; the composition root calls it at start-up so a bad font fails early."""
    return resolve_font()
