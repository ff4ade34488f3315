"""co_sign on its own: random nonces that verify, and the degenerate cases it must not hand out."""

from __future__ import annotations

import secrets

import pytest

from sxq_phone import co_sign, cosign
from sxq_phone.curve import N
from tests.support import independent_phone as ref

MESSAGE = "数信签 co-signing test".encode()


@pytest.fixture
def key() -> tuple[int, int, bytes]:
    d_device, d_server = secrets.randbelow(N - 1) + 1, secrets.randbelow(N - 1) + 1
    return d_device, d_server, ref.joint_public_key(d_device, ref.public_share(d_server))


def test_a_random_co_signature_finishes_into_a_valid_signature(key):
    d_device, d_server, public_key = key
    w1 = secrets.randbelow(N - 1) + 1
    r, s1 = co_sign(d_device, public_key, MESSAGE, ref.commitment(w1))
    assert ref.verify(public_key, MESSAGE, r, ref.finish(d_server, w1, r, s1))


def test_the_result_is_the_textbook_signature_of_the_joint_key(key):
    d_device, d_server, public_key = key
    w1, w2 = secrets.randbelow(N - 1) + 1, secrets.randbelow(N - 1) + 1
    r, s1 = co_sign(d_device, public_key, MESSAGE, ref.commitment(w1), w2=w2)
    d, k = ref.private_key(d_device, d_server), (w2 + pow(d_device, -1, N) * w1) % N
    assert ref.encode(ref.point_mul(d, ref.G)) == public_key
    # GB/T 32918.2 with nonce k: r = (e + x(k·G)) mod n, s = (1 + d)⁻¹·(k − r·d) mod n.
    assert r == (ref.e(public_key, MESSAGE) + ref.point_mul(k, ref.G)[0]) % N
    assert ref.finish(d_server, w1, r, s1) == pow(1 + d, -1, N) * (k - r * d) % N


def test_the_phone_step_matches_the_independent_one(key):
    d_device, _, public_key = key
    w1, w2 = secrets.randbelow(N - 1) + 1, secrets.randbelow(N - 1) + 1
    q1 = ref.commitment(w1)
    assert co_sign(d_device, public_key, MESSAGE, q1, w2=w2) == ref.co_sign(d_device, public_key, MESSAGE, q1, w2)


@pytest.mark.parametrize("d_device, w2", [(0, 1), (N, 1), (-1, 1), (1, 0), (1, N)])
def test_scalars_out_of_range_are_refused(key, d_device, w2):
    with pytest.raises(ValueError):
        co_sign(d_device, key[2], MESSAGE, ref.commitment(5), w2=w2)


def test_a_commitment_off_the_curve_is_refused(key):
    q1 = bytearray(ref.commitment(5))
    q1[-1] ^= 1
    with pytest.raises(ValueError):
        co_sign(key[0], key[2], MESSAGE, bytes(q1))


def test_a_nonce_that_cancels_the_commitment_is_refused_or_redrawn(key, monkeypatch):
    d_device, d_server, public_key = key
    w2 = 777
    # Q1 = −w2·d_device·G makes Q = w2·G + d_device⁻¹·Q1 the identity.
    w1 = -w2 * d_device % N
    q1 = ref.commitment(w1)
    with pytest.raises(ValueError):
        co_sign(d_device, public_key, MESSAGE, q1, w2=w2)
    draws = iter([w2, 778])
    monkeypatch.setattr(cosign, "random_scalar", lambda: next(draws))
    r, s1 = co_sign(d_device, public_key, MESSAGE, q1)
    assert (r, s1) == ref.co_sign(d_device, public_key, MESSAGE, q1, 778)
    assert ref.verify(public_key, MESSAGE, r, ref.finish(d_server, w1, r, s1))
