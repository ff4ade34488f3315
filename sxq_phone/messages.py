"""Strict readers for the structured messages the phone may sign: canonical JSON objects and CMS signed
attributes. Each returns None for anything that is not exactly its shape, so the screen check can try them in
turn. Exactness matters: if two byte strings could encode one act, a signature over one could be passed off
as approving the other, so only the single canonical (or DER) encoding is accepted."""

from __future__ import annotations

import json
from typing import Any

from asn1crypto import cms

CHALLENGE_KEYS = frozenset({"tId", "platformCode", "operation", "signedAt"})
STATEMENT_KEYS = frozenset({"action", "input", "account", "time"})

_CONTENT_TYPE = "1.2.840.113549.1.9.3"
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_SET_OF = 0x31


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 as is: the one encoding of a challenge or statement."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("duplicate key")
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def canonical_object(message: bytes) -> dict[str, Any] | None:
    """The JSON object `message` encodes, if it is one and in canonical form; else None."""
    try:
        obj = json.loads(message.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(obj, dict) or canonical_json(obj) != message:
        return None
    return obj


def signed_attributes_digest(message: bytes) -> bytes | None:
    """The messageDigest of DER-encoded CMS signed attributes (RFC 5652 §5.4: the SET OF Attribute that a
    SignerInfo's signature covers), if `message` is exactly that with one contentType and one messageDigest
    attribute, each single-valued, the digest 32 bytes; else None."""
    if not message or message[0] != _SET_OF:
        return None
    try:
        attrs = cms.CMSAttributes.load(message, strict=True)
        if attrs.dump(force=True) != message:  # BER, unsorted SET OF or trailing bytes: not the DER form
            return None
        by_type: dict[str, list[Any]] = {}
        for attr in attrs:
            by_type.setdefault(attr["type"].dotted, []).append(attr["values"])
        content_types = by_type.get(_CONTENT_TYPE, [])
        digests = by_type.get(_MESSAGE_DIGEST, [])
        if len(content_types) != 1 or len(content_types[0]) != 1 or len(digests) != 1 or len(digests[0]) != 1:
            return None
        digest = digests[0][0].native
    except Exception:  # asn1crypto raises several types on malformed input; all mean "not this shape"
        return None
    return digest if isinstance(digest, bytes) and len(digest) == 32 else None


__all__ = ["CHALLENGE_KEYS", "STATEMENT_KEYS", "canonical_json", "canonical_object", "signed_attributes_digest"]
