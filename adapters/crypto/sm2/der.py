"""A strict DER reader and writer for the few flat structures SM2 needs (signatures, GM/T 0009 ciphertexts).

Hand-written rather than asn1crypto because these run on every sign/verify/decrypt, and because
strictness is the point: BER leniency (long-form lengths, padded integers, trailing bytes) would let
one signature or ciphertext have many encodings."""

from __future__ import annotations

INTEGER = 0x02
OCTET_STRING = 0x04
SEQUENCE = 0x30


class DerError(ValueError):
    pass


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _length(len(content)) + content


def integer(value: int) -> bytes:
    if value < 0:
        raise DerError("negative INTEGER")
    # One spare bit so a set high bit gets the 0x00 pad that keeps the number positive.
    return tlv(INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def sequence(*items: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(items))


def _read(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    """Reads one TLV with the expected tag at pos; returns its content and the position after it."""
    end = len(data)
    if pos + 2 > end:
        raise DerError("truncated")
    if data[pos] != tag:
        raise DerError(f"expected tag 0x{tag:02x}, found 0x{data[pos]:02x}")
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        # 0x80 is BER's indefinite length; more than 4 length bytes is nothing we would ever accept.
        if count == 0 or count > 4 or pos + count > end:
            raise DerError("bad length")
        length = int.from_bytes(data[pos:pos + count], "big")
        if data[pos] == 0 or length < 0x80:
            raise DerError("non-minimal length")
        pos += count
    if pos + length > end:
        raise DerError("truncated")
    return data[pos:pos + length], pos + length


def _to_int(content: bytes) -> int:
    if not content:
        raise DerError("empty INTEGER")
    if content[0] & 0x80:
        raise DerError("negative INTEGER")
    if len(content) > 1 and content[0] == 0 and not content[1] & 0x80:
        raise DerError("non-minimal INTEGER")
    return int.from_bytes(content, "big")


def read_sequence(data: bytes, shape: tuple[int, ...]) -> list[int | bytes]:
    """Parses exactly SEQUENCE { shape... } (INTEGER or OCTET STRING), nothing before or after."""
    body, after = _read(data, 0, SEQUENCE)
    if after != len(data):
        raise DerError("trailing data")
    out: list[int | bytes] = []
    pos = 0
    for tag in shape:
        content, pos = _read(body, pos, tag)
        out.append(_to_int(content) if tag == INTEGER else content)
    if pos != len(body):
        raise DerError("extra fields")
    return out
