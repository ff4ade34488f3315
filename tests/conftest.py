"""Root conftest: nothing heavy here, so the pure unit tests start in milliseconds."""

from __future__ import annotations

import os


def pytest_configure(config) -> None:
    # Every letter, seal and signature appearance drawn in the session uses the cut-down CJK font (see
    # tests/support/cjk_font.py); one set explicitly (say, to test a font) is left alone.
    if not os.environ.get("SXQ_CJK_FONT"):
        from tests.support.cjk_font import cut_down_font

        os.environ["SXQ_CJK_FONT"] = cut_down_font()
