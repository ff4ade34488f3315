"""Every field of the shared vectors, reproduced by sxq_phone and by the independent implementation."""

from __future__ import annotations

import pytest

from sxq_phone import co_sign
from sxq_phone.curve import G, N, add, decode_point, encode_point, inverse_mod_n, mul, mul_base, neg
from sxq_phone.sm3z import digest, z_value
from tests.support import independent_phone as ref

from .vectors import IDS, VECTORS, raw, scalar


def test_there_are_vectors():
    assert len(VECTORS) >= 3


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_sxq_phone_reproduces_every_field(v):
    d_device, d_server = scalar(v, "d_device"), scalar(v, "d_server")
    public_key, message = raw(v, "public_key"), raw(v, "message_hex")

    assert encode_point(mul_base(inverse_mod_n(d_device))) == raw(v, "P_device")
    assert encode_point(mul(inverse_mod_n(d_server), G)) == raw(v, "P_server")
    # The phone's view and the server's view of P agree with the vector.
    assert encode_point(add(mul(inverse_mod_n(d_device), decode_point(raw(v, "P_server"))), neg(G))) == public_key
    assert encode_point(add(mul(inverse_mod_n(d_server), decode_point(raw(v, "P_device"))), neg(G))) == public_key
    assert encode_point(mul_base(scalar(v, "private_key_d"))) == public_key
    assert (inverse_mod_n(d_device * d_server) - 1) % N == scalar(v, "private_key_d")
    assert z_value(public_key) == raw(v, "Z")
    assert digest(public_key, message) == scalar(v, "e")
    assert encode_point(mul_base(scalar(v, "w1"))) == raw(v, "Q1")

    r, s1 = co_sign(d_device, public_key, message, raw(v, "Q1"), w2=scalar(v, "w2"))
    assert (r, s1) == (scalar(v, "r"), scalar(v, "s1"))
    s = ref.finish(d_server, scalar(v, "w1"), r, s1)
    assert s == scalar(v, "s")
    assert ref.verify(public_key, message, r, s)


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_the_independent_implementation_reproduces_every_field(v):
    d_device, d_server = scalar(v, "d_device"), scalar(v, "d_server")
    public_key, message = raw(v, "public_key"), raw(v, "message_hex")

    assert ref.public_share(d_device) == raw(v, "P_device")
    assert ref.public_share(d_server) == raw(v, "P_server")
    assert ref.joint_public_key(d_device, raw(v, "P_server")) == public_key
    assert ref.joint_public_key(d_server, raw(v, "P_device")) == public_key
    assert ref.private_key(d_device, d_server) == scalar(v, "private_key_d")
    assert ref.z(public_key) == raw(v, "Z")
    assert ref.e(public_key, message) == scalar(v, "e")
    assert ref.commitment(scalar(v, "w1")) == raw(v, "Q1")
    r, s1 = ref.co_sign(d_device, public_key, message, raw(v, "Q1"), scalar(v, "w2"))
    assert (r, s1) == (scalar(v, "r"), scalar(v, "s1"))
    s = ref.finish(d_server, scalar(v, "w1"), r, s1)
    assert s == scalar(v, "s")
    assert ref.verify(public_key, message, r, s)
    assert not ref.verify(public_key, message + b"!", r, s)
    assert not ref.verify(public_key, message, r, (s + 1) % N)


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_the_signature_der_is_r_and_s(v):
    der = raw(v, "signature_der")

    def integer(value: int) -> bytes:
        body = value.to_bytes(33, "big").lstrip(b"\0")
        body = b"\0" + body if body[0] & 0x80 else body
        return b"\x02" + bytes([len(body)]) + body

    body = integer(scalar(v, "r")) + integer(scalar(v, "s"))
    assert der == b"\x30" + bytes([len(body)]) + body
