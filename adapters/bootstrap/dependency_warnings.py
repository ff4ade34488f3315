"""Warnings from dependencies that we know about and cannot act on, filtered where a process starts (the `sxq`
CLI, the ASGI entry point, pytest's configuration), so that start-up output shows only what an operator can act
on. Each filter is narrow: the one message, raised from the one module."""

from __future__ import annotations

import warnings

# pyhanko (pyhanko/sign/signers/pdf_cms.py) imports cryptography's DSA key classes for its generic signer
# dispatch, and cryptography >= 46 warns at that import (CryptographyDeprecationWarning) that DSA is deprecated.
# We never use DSA (SM2 only); the import is pyhanko's to change. The same filter is in pyproject's
# [tool.pytest.ini_options] filterwarnings.
KNOWN = (
    (r"DSA is deprecated", r"pyhanko\."),
)


def filter_known_dependency_warnings() -> None:
    for message, module in KNOWN:
        warnings.filterwarnings("ignore", message=message, module=module)
