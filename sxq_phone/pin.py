"""The PIN rule (证书密码): 6 ASCII digits, not all the same, not a straight run up or down.

Only 10⁶ PINs exist, so the PIN is no secret against an offline search; what protects the share is that
the phone offers no offline test (see `keystore`) and the server locks the key after 6 wrong co-signatures.
The rule only keeps out the handful of PINs every attacker tries first."""

from __future__ import annotations

import unicodedata

from .errors import WeakPin

PIN_LENGTH = 6


def _is_run(digits: list[int]) -> bool:
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({0}, {1}, {-1})


def check_pin(pin: str) -> bytes:
    """The PIN's bytes, or WeakPin. Used at enrolment and again at signing: the PIN in the keystore always
    obeys the rule, so refusing a weak one at signing only spares the server a wrong co-signature.

    One spelling per PIN (as the server's domain/canonical.py does for identifiers): NFKC folds a full-width
    "１３５７９０" typed through an IME to "135790", the same PIN; digits NFKC keeps (Arabic-Indic, …) are refused."""
    if isinstance(pin, str):
        pin = unicodedata.normalize("NFKC", pin)
    if not isinstance(pin, str) or len(pin) != PIN_LENGTH or not all("0" <= c <= "9" for c in pin):
        raise WeakPin()
    if _is_run([int(c) for c in pin]):
        raise WeakPin()
    return pin.encode("ascii")


__all__ = ["PIN_LENGTH", "check_pin"]
