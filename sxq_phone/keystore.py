"""The device share at rest, encrypted under the PIN with nothing that could confirm a PIN guess.

    stored = version (1) ‖ log2 N (1) ‖ salt (16) ‖ c (32) ‖ P (65)        115 bytes
    k = int(scrypt(PIN, salt, N, r = 8, p = 1, 64 bytes)) mod n
    c = (d_device + k) mod n

Every PIN decrypts to some share in [0, n − 1], all equally plausible: there is no MAC, no P_device, no
P_server and no past transcript to check a candidate against, so a thief holding the phone's storage learns
nothing by trying PINs offline. Only the server can tell a wrong share (its verify fails), and it counts:
six in a row lock the key. The joint public key P is stored because it is public (it is in the certificate)
and, without P_server, says nothing about d_device. 64 bytes of scrypt output reduced mod n make k uniform
to within 2⁻²⁵⁶, so c is a one-time pad of d_device under each PIN."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from .curve import POINT_LENGTH, decode_point
from .errors import CorruptKeystore, PhoneError
from .params import N
from .pin import check_pin

VERSION = 1
SALT_LENGTH = 16
STORED_LENGTH = 2 + SALT_LENGTH + 32 + POINT_LENGTH
DEFAULT_LOG_N = 14  # scrypt N = 2^14, r = 8: 16 MiB, tens of milliseconds on a phone
MIN_LOG_N = 10  # for tests and benchmarks; the cost only slows an attacker who also has P_server
MAX_LOG_N = 18  # 256 MiB: more than a phone should be asked to allocate


def _pad(pin: str, salt: bytes, log_n: int) -> int:
    n = 1 << log_n
    key = hashlib.scrypt(check_pin(pin), salt=salt, n=n, r=8, p=1, dklen=64, maxmem=132 * 8 * n + (1 << 20))
    return int.from_bytes(key, "big") % N


@dataclass(frozen=True)
class Keystore:
    log_n: int
    salt: bytes
    masked_share: int = field(repr=False)
    public_key: bytes

    @classmethod
    def seal(cls, d_device: int, pin: str, public_key: bytes, log_n: int = DEFAULT_LOG_N) -> Keystore:
        if not MIN_LOG_N <= log_n <= MAX_LOG_N:
            raise ValueError(f"scrypt log2 N is in [{MIN_LOG_N}, {MAX_LOG_N}]")
        if not 0 < d_device < N:
            raise ValueError("the device share is in [1, n − 1]")
        decode_point(public_key)
        salt = secrets.token_bytes(SALT_LENGTH)
        return cls(log_n, salt, (d_device + _pad(pin, salt, log_n)) % N, bytes(public_key))

    def share(self, pin: str) -> int:
        """d_device for the right PIN, another share for any other (there is no way to tell here)."""
        d = (self.masked_share - _pad(pin, self.salt, self.log_n)) % N
        if d == 0:  # only a wrong PIN can give 0 (chance 2⁻²⁵⁶); no share to sign with
            raise PhoneError()
        return d

    def to_bytes(self) -> bytes:
        return (bytes([VERSION, self.log_n]) + self.salt + self.masked_share.to_bytes(32, "big")
                + self.public_key)

    @classmethod
    def from_bytes(cls, stored: bytes) -> Keystore:
        stored = bytes(stored)
        if len(stored) != STORED_LENGTH or stored[0] != VERSION or not MIN_LOG_N <= stored[1] <= MAX_LOG_N:
            raise CorruptKeystore()
        salt, rest = stored[2:2 + SALT_LENGTH], stored[2 + SALT_LENGTH:]
        masked, public_key = int.from_bytes(rest[:32], "big"), rest[32:]
        if masked >= N:
            raise CorruptKeystore()
        try:
            decode_point(public_key)
        except ValueError:
            raise CorruptKeystore()
        return cls(stored[1], salt, masked, public_key)


__all__ = ["DEFAULT_LOG_N", "MAX_LOG_N", "MIN_LOG_N", "STORED_LENGTH", "VERSION", "Keystore"]
