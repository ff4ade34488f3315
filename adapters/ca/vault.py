"""The key vault: subscriber private keys at rest.

- Signing keys: SM4-GCM under K_pin = HKDF-SM3(master-derived wrap key ‖ scrypt(PIN, salt)). Neither a
  database dump (no master key) nor the PIN (no master key, no salt) opens them, and a dump does not even
  allow guessing PINs offline: the PIN check value is keyed by K_pin too.
- Encryption keys: escrowed under SM4-GCM with a key derived from the master key alone, so bids
  encrypted to them still open after a PIN reset.
- Org signing keys: SM4-GCM under the enterprise's key, HKDF-SM3(master-derived org wrap key, enterprise id).
  They are opened only inside a use case that has proven the acting person's own PIN and their right to act
  for the enterprise (admin, legal rep, or an active grant), so members never share a PIN.
- Every wrapped key is bound (as GCM associated data) to its kind, its holder and its public key:
  a blob copied to another row or another account does not open.

Verifier (stored on the CertificatePin, opaque to the domain):
    0x01 ‖ log2(N) ‖ r ‖ p ‖ salt(16) ‖ HMAC-SM3(K_pin, "pin-check")(32)
Wrapped key:
    0x01 ‖ public key(65) ‖ SM4-GCM blob (version ‖ nonce ‖ ciphertext ‖ tag)
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac as std_hmac
import os
import struct
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from adapters.security.crypto import Sm4GcmCipher, hmac_sm3
from adapters.security.keys import KeyRing
from application.certificates.ports import KeyUnwrapError, NewKeyPair, WrappedKeyKind
from application.crypto.ports import Sm2Backend

_VERIFIER_VERSION = 1
_WRAP_VERSION = b"\x01"
_SALT = 16


class VaultPinKey:
    """What a proven PIN yields; opaque to the use cases, never logged."""

    __slots__ = ("_cipher", "_verifier")

    def __init__(self, cipher: Sm4GcmCipher, verifier: bytes) -> None:
        self._cipher = cipher
        self._verifier = verifier

    def __repr__(self) -> str:
        return "VaultPinKey(***)"


class Sm2KeyVault:
    def __init__(self, ring: KeyRing, backend: Sm2Backend, *, scrypt_n: int = 2**15, scrypt_r: int = 8,
                 scrypt_p: int = 1) -> None:
        if scrypt_n & (scrypt_n - 1) or not 2**10 <= scrypt_n <= 2**20:
            raise ValueError("scrypt N must be a power of two in [2^10, 2^20]")
        self._pin_wrap_base = ring.derive("ca/signing-key-wrap", 32)
        self._escrow = Sm4GcmCipher(ring.derive("ca/escrow-key-wrap", 16))
        self._org_base = ring.derive("ca/org-key-wrap", 32)
        self._backend = backend
        self._n, self._r, self._p = scrypt_n, scrypt_r, scrypt_p

    # ------------------------------------------------------------------ PIN

    def _pin_key(self, pin: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, bytes]:
        stretched = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=256 * 1024 * 1024)
        k = HKDF(algorithm=hashes.SM3(), length=48, salt=salt, info=b"sxq/pin-key/v1").derive(
            self._pin_wrap_base + stretched)
        return k[:16], k[16:]  # (SM4 key that wraps signing keys, key of the PIN check value)

    async def new_pin(self, pin: str) -> tuple[bytes, VaultPinKey]:
        salt = os.urandom(_SALT)
        wrap, check_key = await asyncio.to_thread(self._pin_key, pin, salt, self._n, self._r, self._p)
        verifier = (struct.pack(">BBBB", _VERIFIER_VERSION, self._n.bit_length() - 1, self._r, self._p) + salt
                    + hmac_sm3(check_key, b"pin-check"))
        return verifier, VaultPinKey(Sm4GcmCipher(wrap), verifier)

    async def unlock(self, pin: str, verifier: bytes) -> VaultPinKey | None:
        if len(verifier) != 4 + _SALT + 32 or verifier[0] != _VERIFIER_VERSION:
            return None
        log_n, r, p = verifier[1], verifier[2], verifier[3]
        if not (10 <= log_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4):
            return None  # a verifier edited to demand absurd work is refused, not computed
        salt, check = verifier[4:4 + _SALT], verifier[4 + _SALT:]
        wrap, check_key = await asyncio.to_thread(self._pin_key, pin, salt, 1 << log_n, r, p)
        if not std_hmac.compare_digest(hmac_sm3(check_key, b"pin-check"), check):
            return None
        return VaultPinKey(Sm4GcmCipher(wrap), verifier)

    # ------------------------------------------------------------------ wrapping

    @staticmethod
    def _context(kind: WrappedKeyKind, holder: UUID | None, public_key: bytes) -> bytes:
        who = holder.bytes if holder is not None else b"\x00" * 16
        return b"sxq/wrapped-key/v1/" + kind.value.encode() + b"/" + who + public_key

    @staticmethod
    def _split(wrapped: bytes, public_key: bytes) -> bytes:
        if len(wrapped) < 66 or wrapped[:1] != _WRAP_VERSION or wrapped[1:66] != public_key:
            raise KeyUnwrapError("the wrapped key is not for this public key")
        return wrapped[66:]

    def _wrap(self, cipher: Sm4GcmCipher, kind: WrappedKeyKind, holder: UUID | None, private_key: bytes,
              public_key: bytes) -> bytes:
        return _WRAP_VERSION + public_key + cipher.encrypt(private_key, self._context(kind, holder, public_key))

    def _unwrap(self, cipher: Sm4GcmCipher, kind: WrappedKeyKind, holder: UUID | None, wrapped: bytes,
                public_key: bytes) -> bytes:
        body = self._split(wrapped, public_key)
        try:
            private_key = cipher.decrypt(body, self._context(kind, holder, public_key))
        except ValueError:
            raise KeyUnwrapError("the wrapped key does not open with this key") from None
        if len(private_key) != 32:
            raise KeyUnwrapError("the wrapped key is not an SM2 private key")
        return private_key

    @staticmethod
    def _cipher_of(pin_key: object) -> Sm4GcmCipher:
        if not isinstance(pin_key, VaultPinKey):
            raise KeyUnwrapError("not a PIN key of this vault")
        return pin_key._cipher

    def new_signing_key_pair(self, pin_key: VaultPinKey, holder: UUID | None) -> NewKeyPair:
        private_key = self._backend.generate_private_key()
        public_key = self._backend.public_key(private_key)
        return NewKeyPair(public_key, self._wrap(self._cipher_of(pin_key), WrappedKeyKind.SIGNING, holder,
                                                 private_key, public_key))

    def open_signing_key(self, wrapped: bytes, pin_key: VaultPinKey, holder: UUID | None, public_key: bytes) -> bytes:
        return self._unwrap(self._cipher_of(pin_key), WrappedKeyKind.SIGNING, holder, wrapped, public_key)

    def rewrap_signing_key(self, wrapped: bytes, old: VaultPinKey, new: VaultPinKey, holder: UUID | None,
                           public_key: bytes) -> bytes:
        private_key = self.open_signing_key(wrapped, old, holder, public_key)
        return self._wrap(self._cipher_of(new), WrappedKeyKind.SIGNING, holder, private_key, public_key)

    def new_escrowed_key_pair(self, holder: UUID | None) -> NewKeyPair:
        private_key = self._backend.generate_private_key()
        public_key = self._backend.public_key(private_key)
        return NewKeyPair(public_key, self._wrap(self._escrow, WrappedKeyKind.ESCROWED, holder, private_key,
                                                 public_key))

    def open_escrowed_key(self, wrapped: bytes, holder: UUID | None, public_key: bytes) -> bytes:
        return self._unwrap(self._escrow, WrappedKeyKind.ESCROWED, holder, wrapped, public_key)

    # ------------------------------------------------------------------ organisation keys
    def _org_cipher(self, enterprise_id: UUID) -> Sm4GcmCipher:
        # One key per enterprise (HKDF-SM3 over the enterprise id): a blob moved to another enterprise's row
        # fails twice over, by key and by associated data.
        key = HKDF(algorithm=hashes.SM3(), length=16, salt=b"sxq/org-key/v1",
                   info=enterprise_id.bytes).derive(self._org_base)
        return Sm4GcmCipher(key)

    def new_org_signing_key_pair(self, enterprise_id: UUID) -> NewKeyPair:
        private_key = self._backend.generate_private_key()
        public_key = self._backend.public_key(private_key)
        return NewKeyPair(public_key, self._wrap(self._org_cipher(enterprise_id), WrappedKeyKind.ORGANIZATION,
                                                 enterprise_id, private_key, public_key))

    def open_org_signing_key(self, wrapped: bytes, enterprise_id: UUID, public_key: bytes) -> bytes:
        return self._unwrap(self._org_cipher(enterprise_id), WrappedKeyKind.ORGANIZATION, enterprise_id, wrapped,
                            public_key)
