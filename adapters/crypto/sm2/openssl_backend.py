"""SM2 verification through the system's OpenSSL 3 libcrypto (EVP, cffi ABI mode: nothing to compile).

Verification is the request path's SM2 cost (the co-signature check of every confirm, the platform's signed
requests): this backend verifies with libcrypto's constant-time, assembly-backed P-256-style code for the SM2
curve, and leaves every other operation to the gmalglib backend (native_backend.py), whose signing is already
at OpenSSL's speed (bench/sm2.py). Chosen by measurement in bench/sm2.py; cross-checked against the gmalglib and
gmssl backends by tests/integration/crypto (every backend must agree on every vector and every tampering).

Per call, EVP_DigestVerifyInit fetches the SM3 and SM2 implementations from the provider and copies contexts:
that overhead halved the rate. So e = SM3(Z || M) is computed here (gmalglib's SM3, Z cached per key and signer
ID) and libcrypto verifies e with EVP_PKEY_verify on a context initialised once per key and thread.
A signature is strictly parsed by our DER decoder (encoding.decode_signature) before libcrypto sees it, so the
two backends accept exactly the same encodings. libcrypto releases no Python state; calls hold the GIL.
"""

from __future__ import annotations

import ctypes.util
import functools
import threading

from cffi import FFI
from gmalglib.sm3 import SM3

from application.crypto.ports import DEFAULT_SIGNER_ID

from . import encoding as enc
from .keyfiles import public_key_to_spki_der
from .native_backend import NativeSm2Backend

_ffi = FFI()
_ffi.cdef("""
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;
unsigned long OpenSSL_version_num(void);
EVP_PKEY *d2i_PUBKEY(EVP_PKEY **a, const unsigned char **pp, long length);
void EVP_PKEY_free(EVP_PKEY *pkey);
EVP_PKEY_CTX *EVP_PKEY_CTX_new(EVP_PKEY *pkey, ENGINE *e);
void EVP_PKEY_CTX_free(EVP_PKEY_CTX *ctx);
int EVP_PKEY_CTX_set1_id(EVP_PKEY_CTX *ctx, const void *id, int len);
int EVP_PKEY_verify_init(EVP_PKEY_CTX *ctx);
int EVP_PKEY_verify(EVP_PKEY_CTX *ctx, const unsigned char *sig, size_t siglen,
                    const unsigned char *tbs, size_t tbslen);
EVP_MD_CTX *EVP_MD_CTX_new(void);
void EVP_MD_CTX_free(EVP_MD_CTX *ctx);
void EVP_MD_CTX_set_pkey_ctx(EVP_MD_CTX *ctx, EVP_PKEY_CTX *pctx);
const EVP_MD *EVP_sm3(void);
int EVP_DigestVerifyInit(EVP_MD_CTX *ctx, EVP_PKEY_CTX **pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey);
int EVP_DigestVerify(EVP_MD_CTX *ctx, const unsigned char *sig, size_t siglen,
                     const unsigned char *tbs, size_t tbslen);
void ERR_clear_error(void);
""")


def _load():
    name = ctypes.util.find_library("crypto") or "libcrypto.so.3"
    lib = _ffi.dlopen(name)
    if lib.OpenSSL_version_num() < 0x30000000:
        raise ImportError("libcrypto older than OpenSSL 3.0 (no EVP_PKEY_CTX_set1_id function)")
    if lib.EVP_sm3() == _ffi.NULL:
        raise ImportError("libcrypto without SM3")
    return lib


_lib = _load()  # ImportError here: the package falls back to the other backends


class _PublicKey:
    """An EVP_PKEY for one public key, freed with this object."""

    def __init__(self, public_key: bytes) -> None:
        enc.check_public_key(public_key)
        der = public_key_to_spki_der(public_key)
        buf = _ffi.new("unsigned char[]", der)
        pp = _ffi.new("const unsigned char **", buf)
        pkey = _lib.d2i_PUBKEY(_ffi.NULL, pp, len(der))
        if pkey == _ffi.NULL:
            _lib.ERR_clear_error()
            raise ValueError("libcrypto refused the SM2 public key")
        self.pkey = _ffi.gc(pkey, _lib.EVP_PKEY_free)


@functools.lru_cache(maxsize=1024)
def _public(public_key: bytes) -> _PublicKey | None:
    try:
        return _PublicKey(public_key)
    except (ValueError, enc.Sm2Error):
        return None


@functools.lru_cache(maxsize=1024)
def _z(public_key: bytes, signer_id: bytes) -> bytes:
    return enc.z_value(public_key, signer_id)


class _VerifyContext:
    """EVP_PKEY_verify_init done once per key: a context verifies any number of digests. cffi releases the GIL
    during calls, so contexts are per thread (_local), never shared."""

    def __init__(self, key: _PublicKey) -> None:
        self.key = key  # keeps the EVP_PKEY alive as long as its context
        ctx = _lib.EVP_PKEY_CTX_new(key.pkey, _ffi.NULL)
        if ctx == _ffi.NULL or _lib.EVP_PKEY_verify_init(ctx) != 1:
            if ctx != _ffi.NULL:
                _lib.EVP_PKEY_CTX_free(ctx)
            _lib.ERR_clear_error()
            raise ValueError("libcrypto cannot verify with this SM2 key")
        self.ctx = _ffi.gc(ctx, _lib.EVP_PKEY_CTX_free)

    def verify(self, digest: bytes, signature: bytes) -> bool:
        ok = _lib.EVP_PKEY_verify(self.ctx, signature, len(signature), digest, 32) == 1
        if not ok:
            _lib.ERR_clear_error()
        return ok


_local = threading.local()
_CONTEXTS_PER_THREAD = 1024


def _context(public_key: bytes) -> _VerifyContext | None:
    cache: dict[bytes, _VerifyContext] = getattr(_local, "contexts", None) or {}
    _local.contexts = cache
    ctx = cache.get(public_key)
    if ctx is None:
        key = _public(public_key)
        if key is None:
            return None
        if len(cache) >= _CONTEXTS_PER_THREAD:
            cache.clear()
        ctx = cache[public_key] = _VerifyContext(key)
    return ctx


class OpenSslSm2Backend(NativeSm2Backend):
    """gmalglib for keys, signing and encryption; libcrypto's EVP for verification: e = SM3(Z || M) with Z
    cached per key and signer ID, then EVP_PKEY_verify of e on the key's cached context."""

    name = "libcrypto"

    def verify(self, public_key: bytes, message: bytes, signature: bytes, *,
               signer_id: bytes = DEFAULT_SIGNER_ID) -> bool:
        if not _strict(signature) or len(signer_id) >= 8192:
            return False
        public_key = bytes(public_key)
        ctx = _context(public_key)
        if ctx is None:
            return False
        return ctx.verify(_sm3(_z(public_key, bytes(signer_id)) + bytes(message)), bytes(signature))

    def verify_digest(self, public_key: bytes, digest: bytes, signature: bytes) -> bool:
        if not _strict(signature) or len(digest) != 32:
            return False
        ctx = _context(bytes(public_key))
        return ctx is not None and ctx.verify(bytes(digest), bytes(signature))


def _sm3(data: bytes) -> bytes:
    return SM3(data).digest()


def _strict(signature: bytes) -> bool:
    """Our DER rules (minimal integers, 0 < r, s < n), the same as the other backends apply."""
    try:
        enc.decode_signature(signature)
    except enc.Sm2Error:
        return False
    return True
