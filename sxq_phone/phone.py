"""The phone as an app sees it: enrol once, then co-sign the server's signing requests under the PIN.

    enrolment = Phone.start_enrolment()
    # send enrolment.device_public_share_b64; the server answers P_server and P
    phone = enrolment.finish(pin, server_public_share, public_key)
    save(phone.stored) ... phone = Phone.load(stored)
    co_signatures = phone.co_sign_all(requests, pin, OnScreen.scan(t_id, platform_code, hashes))

A request is the GraphQL SigningRequest as a dict (id, message, serverCommitment, publicKey in base64)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .cosign import co_sign
from .curve import G, add, decode_point, encode_point, inverse_mod_n, mul, mul_base, neg, random_scalar
from .errors import EnrolmentMismatch, InvalidRequest, PhoneError, RefusedToSign
from .keystore import DEFAULT_LOG_N, Keystore
from .pin import check_pin
from .screen import OnScreen


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _bytes(value: bytes | str, what: str) -> bytes:
    """Bytes as given, or decoded from base64 (as GraphQL carries them)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            pass
    raise InvalidRequest(f"{what}格式无效")


def _point(value: bytes | str, what: str) -> bytes:
    data = _bytes(value, what)
    try:
        decode_point(data)
    except ValueError:
        raise InvalidRequest(f"{what}不是有效的SM2曲线点")
    return data


@dataclass(frozen=True)
class CoSignature:
    """The phone's answer to one request: what GraphQL's co-signature input takes."""

    request_id: str
    r: int
    s1: int

    def as_input(self) -> dict[str, str]:
        return {"requestId": self.request_id, "r": f"{self.r:064x}", "s1": f"{self.s1:064x}"}


@dataclass(frozen=True)
class _Request:
    id: str
    message: bytes
    server_commitment: bytes


class Enrolment:
    """d_device made on the phone and held in memory until the server's answer checks out."""

    def __init__(self) -> None:
        self._d_device: int | None = random_scalar()
        self.device_public_share = encode_point(mul_base(inverse_mod_n(self._d_device)))

    @property
    def device_public_share_b64(self) -> str:
        return _b64(self.device_public_share)

    def finish(self, pin: str, server_public_share: bytes | str, public_key: bytes | str,
               kdf_log_n: int = DEFAULT_LOG_N) -> Phone:
        """Checks P = d_device⁻¹·P_server − G and keeps only the keystore: P_server and P_device are dropped,
        so nothing on the phone can later confirm a PIN guess. An enrolment finishes once."""
        check_pin(pin)
        if self._d_device is None:
            raise PhoneError("本次启用已完成，请重新开始")
        p_server = _bytes(server_public_share, "服务器密钥分量")
        joint = _bytes(public_key, "公钥")
        try:
            expected = encode_point(add(mul(inverse_mod_n(self._d_device), decode_point(p_server)), neg(G)))
        except ValueError:  # P_server is no point, or d_device⁻¹·P_server = G and P would be the identity
            raise EnrolmentMismatch()
        if expected != joint:  # also covers a P that is no point
            raise EnrolmentMismatch()
        stored = Keystore.seal(self._d_device, pin, joint, kdf_log_n)
        self._d_device = None
        return Phone(stored)


class Phone:
    def __init__(self, keystore: Keystore) -> None:
        self._keystore = keystore

    @staticmethod
    def start_enrolment() -> Enrolment:
        return Enrolment()

    @classmethod
    def load(cls, stored: bytes) -> Phone:
        return cls(Keystore.from_bytes(stored))

    @property
    def stored(self) -> bytes:
        return self._keystore.to_bytes()

    @property
    def public_key(self) -> bytes:
        return self._keystore.public_key

    @property
    def public_key_b64(self) -> str:
        return _b64(self.public_key)

    def co_sign(self, request: Mapping, pin: str, screen: OnScreen) -> CoSignature:
        return self.co_sign_all([request], pin, screen)[0]

    def co_sign_all(self, requests: Sequence[Mapping], pin: str, screen: OnScreen) -> list[CoSignature]:
        """Every request is checked before any is signed, so one that does not match the screen stops the
        whole batch; the PIN is stretched once. A wrong PIN is not detected here (nothing on the phone can
        tell): the co-signatures simply fail the server's verification, which counts them."""
        check_pin(pin)
        checked = [self._checked(request, screen) for request in requests]
        if len({r.id for r in checked}) != len(checked):
            raise InvalidRequest("签名请求重复")
        if not checked:
            return []
        d_device = self._keystore.share(pin)
        return [CoSignature(r.id, *co_sign(d_device, self.public_key, r.message, r.server_commitment))
                for r in checked]

    def _checked(self, request: Mapping, screen: OnScreen) -> _Request:
        if not isinstance(request, Mapping):
            raise InvalidRequest()
        request_id = request.get("id")
        if not isinstance(request_id, str) or not request_id:
            raise InvalidRequest("签名请求缺少编号")
        for key in ("message", "serverCommitment", "publicKey"):
            if key not in request:
                raise InvalidRequest()
        if _bytes(request["publicKey"], "公钥") != self.public_key:
            raise RefusedToSign("签名请求不是本机的签名密钥，已拒绝签名")
        message = _bytes(request["message"], "签名内容")
        screen.check(message)
        return _Request(request_id, message, _point(request["serverCommitment"], "服务器承诺值"))


__all__ = ["CoSignature", "Enrolment", "Phone"]
