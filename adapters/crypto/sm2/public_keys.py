"""The PublicKeyParser port over keyfiles: SM2 SubjectPublicKeyInfo PEM → 65-byte point, curve-checked."""

from __future__ import annotations

from adapters.crypto.sm2.keyfiles import public_key_from_spki


class Sm2PublicKeyParser:
    def sm2_spki_from_pem(self, pem: str) -> bytes:
        if "-----BEGIN PUBLIC KEY-----" not in (pem or ""):
            raise ValueError("not a PEM public key")
        try:
            return public_key_from_spki(pem)
        except Exception as exc:  # Sm2Error and parse errors alike: the input is not an SM2 point
            raise ValueError(str(exc)) from None
