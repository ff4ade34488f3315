"""Point arithmetic on sm2p256v1 in Jacobian coordinates: (X, Y, Z) stands for the affine (X/Z², Y/Z³), and
Z = 0 is the identity. Internal to `curve`, which is the public face (affine tuples, checked inputs).

Jacobian coordinates defer the one modular inversion to the end of a scalar multiplication; affine
arithmetic would pay an inversion per addition, several times slower in pure Python (and in Kotlin/Swift).
Formulas: dbl-2001-b (a = −3) and madd-2007-bl / add-2007-bl from the Explicit-Formulas Database, with the
exceptional cases (P = Q, P = −Q, identity) handled so every input gives the right answer."""

from __future__ import annotations

from .params import P

Jacobian = tuple[int, int, int]
IDENTITY: Jacobian = (1, 1, 0)

WINDOW = 4
_DIGITS = 65  # 65 signed base-16 digits cover any odd scalar below 2n < 2^257


def double(pt: Jacobian) -> Jacobian:
    x1, y1, z1 = pt
    if z1 == 0 or y1 == 0:  # no point of order 2 on this curve, but never divide by a zero y
        return IDENTITY
    delta = z1 * z1 % P
    gamma = y1 * y1 % P
    beta = x1 * gamma % P
    alpha = 3 * (x1 - delta) * (x1 + delta) % P
    x3 = (alpha * alpha - 8 * beta) % P
    z3 = ((y1 + z1) * (y1 + z1) - gamma - delta) % P
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % P
    return x3, y3, z3


def add_affine(pt: Jacobian, x2: int, y2: int) -> Jacobian:
    """pt + (x2, y2), the second point affine (Z = 1): the cheap addition the scalar loop uses."""
    x1, y1, z1 = pt
    if z1 == 0:
        return x2, y2, 1
    z1z1 = z1 * z1 % P
    h = (x2 * z1z1 - x1) % P
    r = (y2 * z1 * z1z1 - y1) % P
    if h == 0:
        return double(pt) if r == 0 else IDENTITY
    hh = h * h % P
    hhh = h * hh % P
    v = x1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - y1 * hhh) % P
    return x3, y3, z1 * h % P


def add(p1: Jacobian, p2: Jacobian) -> Jacobian:
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if z1 == 0:
        return p2
    if z2 == 0:
        return p1
    z1z1 = z1 * z1 % P
    z2z2 = z2 * z2 % P
    u1 = x1 * z2z2 % P
    s1 = y1 * z2 * z2z2 % P
    h = (x2 * z1z1 - u1) % P
    r = (y2 * z1 * z1z1 - s1) % P
    if h == 0:
        return double(p1) if r == 0 else IDENTITY
    hh = h * h % P
    hhh = h * hh % P
    v = u1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - s1 * hhh) % P
    return x3, y3, z1 * z2 * h % P


def to_affine(pt: Jacobian) -> tuple[int, int] | None:
    """The affine point, or None for the identity (the caller decides what the identity means)."""
    x, y, z = pt
    if z == 0:
        return None
    zi = pow(z, -1, P)
    zi2 = zi * zi % P
    return x * zi2 % P, y * zi2 * zi % P


def _odd_multiples(x: int, y: int) -> list[tuple[int, int]]:
    """1·Q, 3·Q, …, 15·Q in affine form, so the main loop can use the cheaper mixed addition."""
    twice = double((x, y, 1))
    table = [(x, y, 1)]
    for _ in range(2 ** (WINDOW - 1) - 1):
        table.append(add(table[-1], twice))
    out = []
    for pt in table:
        aff = to_affine(pt)
        if aff is None:  # impossible for a point of prime order n > 15; refuse rather than mislead
            raise ValueError("point of small order")
        out.append(aff)
    return out


def _signed_digits(k: int) -> list[int]:
    """Regular recoding of an odd k into _DIGITS odd digits in [−15, 15], least significant first.

    No digit is zero, so the loop does the same work (4 doublings and one addition) for every digit whatever
    the scalar's bits: "constant-ish" — Python's big integers are not constant-time, but the sequence of
    operations no longer mirrors the key."""
    digits = []
    for _ in range(_DIGITS - 1):
        d = (k & 0x1F) - 16  # k odd -> d odd, and (k − d) / 16 stays odd
        digits.append(d)
        k = (k - d) >> WINDOW
    digits.append(k)
    return digits


def scalar_mul(k: int, x: int, y: int, n: int) -> Jacobian:
    """k·(x, y) for 0 < k < n and an affine point of order n."""
    # Make the scalar odd without changing the result (n·Q is the identity), as the recoding needs.
    k = k if k & 1 else k + n
    table = _odd_multiples(x, y)
    digits = _signed_digits(k)
    top = digits.pop()
    acc: Jacobian = (*table[top >> 1], 1)
    for d in reversed(digits):
        for _ in range(WINDOW):
            acc = double(acc)
        tx, ty = table[abs(d) >> 1]
        acc = add_affine(acc, tx, ty if d > 0 else P - ty)
    return acc
