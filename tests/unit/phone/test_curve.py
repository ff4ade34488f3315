"""sxq_phone.curve, which the server also uses at enrolment: exact for every input, strict on what it decodes,
and the same with or without the gmalglib accelerator."""

from __future__ import annotations

import random
import secrets

import pytest

from sxq_phone import co_sign, curve
from sxq_phone.curve import (
    G,
    N,
    add,
    decode_point,
    encode_point,
    inverse_mod_n,
    is_on_curve,
    mul,
    mul_base,
    neg,
)
from sxq_phone.params import A, B, P
from tests.support import independent_phone as ref

from .vectors import VECTORS, raw, scalar

G65 = encode_point(G)
EDGE_SCALARS = [1, 2, 3, 15, 16, 17, 31, 2**128, 2**255, N - 17, N - 3, N - 2, N - 1]
# Seeded, so that every pytest-xdist worker collects the same parameters.
SAMPLE_SCALARS = [random.Random(20250101 + i).randrange(1, N) for i in range(20)]


@pytest.fixture
def pure_python(monkeypatch):
    monkeypatch.setattr(curve, "base_mul_accelerator", None)


def _point_with_small_x() -> tuple[int, int]:
    """A curve point with x < 2^256 − p, so x + p still fits in 32 bytes (p ≡ 3 mod 4: sqrt is a power)."""
    for x in range(1, 1000):
        rhs = (x**3 + A * x + B) % P
        y = pow(rhs, (P + 1) // 4, P)
        if y * y % P == rhs:
            return x, y
    raise AssertionError("no small x found")


def test_the_parameters_are_sm2p256v1():
    assert A == P - 3
    assert is_on_curve(G)
    assert mul(N - 1, G) == neg(G)
    with pytest.raises(ValueError):
        mul(N, G)


def test_encoding_round_trips():
    pt = mul_base(secrets.randbelow(N - 1) + 1)
    assert decode_point(encode_point(pt)) == pt
    assert decode_point(bytearray(encode_point(pt))) == pt


@pytest.mark.parametrize("data", [
    b"",
    b"\x00",  # the usual encoding of the identity
    b"\x04" + bytes(64),  # (0, 0): not on the curve
    G65[:-1],
    G65 + b"\x00",
    b"\x02" + G65[1:],
    b"\x06" + G65[1:],  # hybrid form
    b"\x02" + G65[1:33],  # compressed
    G65[:-1] + bytes([G65[-1] ^ 1]),  # off the curve
], ids=["empty", "identity", "zero-xy", "short", "long", "prefix-02", "hybrid", "compressed", "off-curve"])
def test_decode_refuses(data):
    with pytest.raises(ValueError):
        decode_point(data)


def test_decode_refuses_coordinates_not_reduced_mod_p():
    x, y = _point_with_small_x()
    assert decode_point(b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")) == (x, y)
    with pytest.raises(ValueError):
        decode_point(b"\x04" + (x + P).to_bytes(32, "big") + y.to_bytes(32, "big"))


def test_decode_refuses_text():
    with pytest.raises(ValueError):
        decode_point(G65.hex())  # type: ignore[arg-type]


@pytest.mark.parametrize("k", [0, N, 2 * N, -N])
def test_a_zero_scalar_is_refused(k):
    with pytest.raises(ValueError):
        mul(k, G)
    with pytest.raises(ValueError):
        mul(k, mul_base(7))
    with pytest.raises(ValueError):
        mul_base(k)
    with pytest.raises(ValueError):
        inverse_mod_n(k)


@pytest.mark.parametrize("k", [1.0, True, "1", None])
def test_a_scalar_is_an_int(k):
    with pytest.raises(ValueError):
        mul(k, G)  # type: ignore[arg-type]


def test_scalars_act_mod_n():
    q = mul_base(5)
    assert mul(N + 3, q) == mul(3, q)
    assert mul(-1, q) == neg(q)
    assert mul_base(-2) == neg(mul_base(2))


def test_points_off_the_curve_are_refused_everywhere():
    off = (G[0], (G[1] + 1) % P)
    for operation in (lambda: mul(2, off), lambda: add(G, off), lambda: add(off, G), lambda: neg(off),
                      lambda: encode_point(off), lambda: encode_point((G[0], G[1] + P))):
        with pytest.raises(ValueError):
            operation()
    with pytest.raises(ValueError):
        add(G, (G[0],))  # type: ignore[arg-type]


def test_additions_that_meet_the_identity_raise():
    q = mul_base(12345)
    with pytest.raises(ValueError):
        add(q, neg(q))
    assert add(q, q) == mul(2, q)
    assert add(q, G) == mul_base(12346)


def test_inverse_mod_n():
    k = secrets.randbelow(N - 1) + 1
    assert k * inverse_mod_n(k) % N == 1
    assert inverse_mod_n(N + k) == inverse_mod_n(k)


@pytest.mark.parametrize("k", EDGE_SCALARS + SAMPLE_SCALARS[:3])
def test_mul_agrees_with_the_independent_affine_implementation(k):
    q65 = ref.commitment(987654321)
    assert encode_point(mul(k, decode_point(q65))) == ref.encode(ref.point_mul(k, ref.decode(q65)))


def test_mul_is_a_group_action():
    q = mul_base(secrets.randbelow(N - 1) + 1)
    a, b = secrets.randbelow(N - 1) + 1, secrets.randbelow(N - 1) + 1
    assert mul(a, mul(b, q)) == mul(a * b, q)
    assert add(mul(a, q), mul(b, q)) == mul(a + b, q)


def test_the_pure_python_base_mul_equals_the_accelerated_one(monkeypatch):
    pytest.importorskip("gmalglib")
    assert curve.base_mul_accelerator is not None
    scalars = EDGE_SCALARS + SAMPLE_SCALARS + [secrets.randbelow(N - 1) + 1 for _ in range(5)]
    accelerated = [mul_base(k) for k in scalars]
    monkeypatch.setattr(curve, "base_mul_accelerator", None)
    assert [mul_base(k) for k in scalars] == accelerated


def test_the_accelerator_is_not_asked_outside_its_range(monkeypatch):
    asked = []

    def spy(k: bytes) -> bytes:
        asked.append(int.from_bytes(k, "big"))
        return encode_point(curve.jacobian.to_affine(curve.jacobian.scalar_mul(asked[-1], *G, N)))

    monkeypatch.setattr(curve, "base_mul_accelerator", spy)
    mul_base(N - 2)
    mul_base(N - 1)
    mul_base(2 * N + 1)
    assert asked == [N - 2, 1]


def test_a_wrong_answer_of_the_accelerator_is_caught(monkeypatch):
    monkeypatch.setattr(curve, "base_mul_accelerator", lambda k: b"\x04" + bytes(64))
    with pytest.raises(ValueError):
        mul_base(5)


@pytest.mark.usefixtures("pure_python")
def test_co_signing_in_pure_python_reproduces_the_vectors():
    for v in VECTORS:
        shares = co_sign(scalar(v, "d_device"), raw(v, "public_key"), raw(v, "message_hex"), raw(v, "Q1"),
                         w2=scalar(v, "w2"))
        assert shares == (scalar(v, "r"), scalar(v, "s1"))
        assert encode_point(mul_base(inverse_mod_n(scalar(v, "d_device")))) == raw(v, "P_device")
