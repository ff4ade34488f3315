"""The key vault: private keys we hold for others, at rest.

- Encryption keys: escrowed under SM4-GCM with a key derived from the master key alone (the dual-certificate
  system requires escrow), so bids encrypted to them still open after a person's signing key is reset.
- Org signing keys: SM4-GCM under the enterprise's key, HKDF-SM3(master-derived org wrap key, enterprise id).
  They are opened only inside a use case that has the acting person's verified co-signature over the use and
  their right to act for the enterprise (admin, legal rep, or an active grant), so members never share a PIN.
- Every wrapped key is bound (as GCM associated data) to its kind, its holder and its public key:
  a blob copied to another row or another account does not open.

A person's signing key is not here at all: it exists only as two shares (SPEC §C; adapters/crypto/cosigning_hsm.py
holds the server's share).

Wrapped key:
    0x01 ‖ public key(65) ‖ SM4-GCM blob (version ‖ nonce ‖ ciphertext ‖ tag)
"""

from __future__ import annotations

from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from adapters.security.crypto import Sm4GcmCipher
from adapters.security.keys import KeyRing
from application.certificates.ports import KeyUnwrapError, NewKeyPair, WrappedKeyKind
from application.crypto.ports import Sm2Backend

_WRAP_VERSION = b"\x01"


class Sm2KeyVault:
    def __init__(self, ring: KeyRing, backend: Sm2Backend) -> None:
        self._escrow = Sm4GcmCipher(ring.derive("ca/escrow-key-wrap", 16))
        self._org_base = ring.derive("ca/org-key-wrap", 32)
        self._backend = backend

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
