"""The software co-signing module: the server's share of every person's signing key (SPEC §C).

It stands where an HSM will: d_server and every nonce w1 leave it only sealed (SM4-GCM under keys derived from the
master key, bound to the account and the public key as associated data), and it offers no operation that yields a
signature on its own — `finish` needs the phone's (r, s1), and the caller verifies the result under P.

Base-point multiplications (P_server, Q1) use the native SM2 backend; the one multiplication of an arbitrary point,
P = d_server⁻¹·P_device − G at enrolment, uses the curve arithmetic of the phone library (sxq_phone.curve), which
the tests check against an independent implementation. Python integers are not constant-time: the finish is two
modular operations on secrets per signature; an HSM removes that exposure along with the master-key dependency."""

from __future__ import annotations

from uuid import UUID

from adapters.security.crypto import Sm4GcmCipher
from adapters.security.keys import KeyRing
from application.crypto.ports import Sm2Backend
from application.signing.ports import Commitment, EnrolledShare, ShareUnsealError
from domain.signing.signing_key import InvalidKeyShare
from sxq_phone import curve

N = curve.N


class SoftwareCoSigningHsm:
    def __init__(self, ring: KeyRing, backend: Sm2Backend) -> None:
        self._shares = Sm4GcmCipher(ring.derive("cosign/server-share-wrap", 16))
        self._nonces = Sm4GcmCipher(ring.derive("cosign/nonce-wrap", 16))
        self._backend = backend

    @staticmethod
    def _context(kind: bytes, account_id: UUID, public_key: bytes) -> bytes:
        return b"sxq/" + kind + b"/v1/" + account_id.bytes + public_key

    def enrol(self, account_id: UUID, device_public_share: bytes) -> EnrolledShare:
        try:
            device_point = curve.decode_point(bytes(device_public_share))
        except (ValueError, TypeError):
            raise InvalidKeyShare(field="devicePublicShare") from None
        d_server = int.from_bytes(self._backend.generate_private_key(), "big")
        inverse = pow(d_server, -1, N)
        try:
            joint = curve.add(curve.mul(inverse, device_point), curve.neg(curve.G))
        except ValueError:  # the identity: P_device = d_server·G, one chance in n
            raise InvalidKeyShare(field="devicePublicShare") from None
        public_key = curve.encode_point(joint)
        server_public_share = self._backend.public_key(inverse.to_bytes(32, "big"))
        sealed = self._shares.encrypt(d_server.to_bytes(32, "big"),
                                      self._context(b"server-share", account_id, public_key))
        return EnrolledShare(public_key, server_public_share, sealed)

    def commit(self, account_id: UUID, public_key: bytes) -> Commitment:
        w1 = self._backend.generate_private_key()
        return Commitment(self._backend.public_key(w1),
                          self._nonces.encrypt(w1, self._context(b"nonce", account_id, public_key)))

    def finish(self, account_id: UUID, public_key: bytes, sealed_share: bytes, sealed_nonce: bytes,
               r: int, s1: int) -> int:
        try:
            d_server = self._shares.decrypt(sealed_share, self._context(b"server-share", account_id, public_key))
            w1 = self._nonces.decrypt(sealed_nonce, self._context(b"nonce", account_id, public_key))
        except ValueError:
            raise ShareUnsealError("a sealed share or nonce does not open for this key") from None
        return (int.from_bytes(d_server, "big") * (s1 + int.from_bytes(w1, "big")) - r) % N
