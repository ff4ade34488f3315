"""One canonical spelling for every identifier and name that enters the domain.

Python's `\\d`, `str.isdigit()` and `int()` accept any Unicode digit: a full-width "１３８…" or an Arabic-Indic
"١٣٨…" spelling of a phone or ID number would otherwise pass validation, be stored as typed and be a *different*
key from the ASCII spelling — a second account with the same ID number, separate SMS cooldowns for one phone.
So every identifier goes through `identifier()` (NFKC, which folds full-width, superscript and other compatibility
forms to their plain character; then ASCII-only rules, never `\\d`) and only that form is stored and looked up.
Digits that NFKC leaves alone (Arabic-Indic, Devanagari, …) stay non-ASCII and are refused by the ASCII rules.

Names are NFKC too, and may not hold characters a reader cannot see or that reorder what they see: controls (Cc),
format characters (Cf: bidi overrides, zero-width joiners and spaces, the BOM), private use (Co), lone surrogates
(Cs), unassigned code points (Cn) and the line/paragraph separators (Zl, Zp). They are refused rather than dropped,
so what is stored is what the person typed.
"""

from __future__ import annotations

import re
import unicodedata

from domain.errors import DomainError, ErrorCode

# Categories a name may not contain (checked after NFKC, before whitespace is collapsed, so that a line separator
# is refused rather than silently turned into a space).
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})

ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)


class HiddenCharacters(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "不能包含控制字符、不可见的格式字符（如零宽字符、文字方向控制符）或私用区字符"


def nfkc(raw: str | None) -> str:
    """NFKC, then the surrounding whitespace removed. Not a validation: callers check the result."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise TypeError("text expected")
    return unicodedata.normalize("NFKC", raw).strip()


def identifier(raw: str | None, *, upper: bool = False, drop: str = "") -> str:
    """The canonical spelling of an identifier: NFKC, trimmed, `drop` characters (e.g. spaces and hyphens people
    type between groups) removed, upper-cased when the identifier's letters are case-insensitive. The caller
    validates the result against ASCII-only rules (see `is_ascii_digits` and re.ASCII / explicit [0-9] classes)."""
    text = nfkc(raw)
    if drop:
        text = text.translate({ord(c): None for c in drop})
    # Upper-case only what is ASCII already: str.upper() would turn "ß" into "SS" and a dotless "ı" into "I",
    # letting a non-ASCII letter through as an ASCII one. Anything else is left for the ASCII rules to refuse.
    return text.upper() if upper and text.isascii() else text


def is_ascii_digits(text: str, length: int | None = None) -> bool:
    """Only the ten ASCII digits (str.isdigit() would take '²' and '١' too)."""
    return (isinstance(text, str) and ASCII_DIGITS.fullmatch(text) is not None
            and (length is None or len(text) == length))


def hidden_characters(text: str) -> bool:
    return any(unicodedata.category(c) in HIDDEN_CATEGORIES for c in text)


def name(raw: str | None, *, field: str, error: type[DomainError] = HiddenCharacters) -> str:
    """The canonical spelling of a name: NFKC, no hidden characters, runs of whitespace one space, trimmed.
    Callers still apply the name's own rules (allowed scripts, length) to the result; `error` is the typed error
    they raise for a bad name, given the message about hidden characters."""
    text = nfkc(raw)
    if hidden_characters(text):
        raise error(HiddenCharacters.default_message, field=field)
    return " ".join(text.split())


# Enterprise names as registered (企业名称登记管理规定) use full-width brackets; NFKC folds them to ASCII, so the
# canonical enterprise name puts the registry's form back: "（" and "(" are one spelling, the registry's.
_REGISTRY_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def enterprise_name(raw: str | None, *, field: str, error: type[DomainError] = HiddenCharacters) -> str:
    return name(raw, field=field, error=error).translate(_REGISTRY_BRACKETS)


def is_canonical_name(value: str) -> bool:
    return not hidden_characters(nfkc(value)) and name(value, field="name") == value


def is_canonical_enterprise_name(value: str) -> bool:
    return not hidden_characters(nfkc(value)) and enterprise_name(value, field="name") == value
