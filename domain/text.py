"""Bounds on free text, so that no field accepts a 10 000-character string."""

from __future__ import annotations

from domain.errors import InputTooLong, InvalidInput


def bounded(value: str, *, field: str, max_len: int, min_len: int = 0, strip: bool = True) -> str:
    text = value.strip() if strip else value
    if len(text) > max_len:
        raise InputTooLong(f"内容过长，最多 {max_len} 个字符", field=field)
    if len(text) < min_len:
        raise InvalidInput("内容不能为空" if min_len == 1 else f"内容至少 {min_len} 个字符", field=field)
    return text
