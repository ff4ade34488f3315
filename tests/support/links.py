"""File links as the API hands them out are absolute and signed for the viewer (application/file_links.py)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

SIGNING_PARAMS = {"expires", "session", "signature"}


def unsigned(url: str) -> str:
    """The link without its signature: what a stranger who guessed the path would ask for."""
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in SIGNING_PARAMS])
    return parts.path + (f"?{query}" if query else "")
