"""Root conftest: nothing heavy here, so the pure unit tests start in milliseconds."""

from __future__ import annotations

import os


def pytest_configure(config) -> None:
    # Every letter, seal and signature appearance drawn in the session uses the cut-down CJK font (see
    # tests/support/cjk_font.py); one set explicitly (say, to test a font) is left alone.
    if not os.environ.get("SXQ_CJK_FONT"):
        from tests.support.cjk_font import cut_down_font

        os.environ["SXQ_CJK_FONT"] = cut_down_font()


def pytest_collection_modifyitems(config, items) -> None:
    """On the PostgreSQL run (SXQ_TEST_DATABASE_URL set) a test that never touches the configured database — no
    `database_url` in its fixtures, and its module never reads the variable — would only repeat the SQLite run
    exactly (local vendor servers, pure adapters, PDFs): it is deselected, to keep `.ci/run` inside its budget."""
    if not os.environ.get("SXQ_TEST_DATABASE_URL"):
        return
    keep, repeat = [], []
    for item in items:
        module = getattr(item, "module", None)
        reads_env = module is not None and "SXQ_TEST_DATABASE_URL" in (getattr(module, "__doc__", "") or "") or (
            module is not None and "SXQ_TEST_DATABASE_URL" in _source(module))
        uses_db = "database_url" in getattr(item, "fixturenames", ())
        (keep if uses_db or reads_env else repeat).append(item)
    if repeat:
        config.hook.pytest_deselected(items=repeat)
        items[:] = keep


def _source(module) -> str:
    import inspect

    try:
        return inspect.getsource(module)
    except (OSError, TypeError):
        return ""
