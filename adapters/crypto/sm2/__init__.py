"""SM2 backends behind `application.crypto.ports.Sm2Backend`, plus the key-file helpers for OpenSSL interop.

`default_backend()` is what the composition root and adapters should call: the OpenSSL one (gmalglib, verifying
through the system's libcrypto) when both import, else the native (gmalglib) backend, else the pure-Python gmssl
one. Chosen by measurement (bench/sm2.py): libcrypto verifies ~1.7x faster than gmalglib here."""

from __future__ import annotations

import functools
import logging

from application.crypto.ports import Sm2Backend

from .keyfiles import (
    SM2_CURVE_OID,
    private_key_from_pkcs8,
    private_key_to_pem,
    private_key_to_pkcs8_der,
    public_key_from_spki,
    public_key_to_pem,
    public_key_to_spki_der,
)

log = logging.getLogger(__name__)


def _native() -> Sm2Backend | None:
    try:
        from .native_backend import NativeSm2Backend
    except ImportError as exc:  # the extension (or this module) is missing on this machine
        log.debug("native SM2 backend unavailable: %s", exc)
        return None
    return NativeSm2Backend()


def _openssl() -> Sm2Backend | None:
    try:
        from .openssl_backend import OpenSslSm2Backend
    except (ImportError, OSError) as exc:  # no gmalglib, no cffi, or no OpenSSL 3 libcrypto with SM3
        log.debug("OpenSSL SM2 backend unavailable: %s", exc)
        return None
    return OpenSslSm2Backend()


def _gmssl() -> Sm2Backend:
    from .gmssl_backend import GmsslSm2Backend

    return GmsslSm2Backend()


@functools.cache
def default_backend() -> Sm2Backend:
    backend = _openssl() or _native() or _gmssl()
    log.info("SM2 backend: %s", backend.name)
    return backend


def available_backends() -> dict[str, Sm2Backend]:
    """Every backend that imports here, by name; tests cross-check them against each other."""
    found = {b.name: b for b in (_openssl(), _native(), _gmssl()) if b is not None}
    return found


__all__ = [
    "SM2_CURVE_OID", "available_backends", "default_backend",
    "private_key_from_pkcs8", "private_key_to_pem", "private_key_to_pkcs8_der",
    "public_key_from_spki", "public_key_to_pem", "public_key_to_spki_der",
]
