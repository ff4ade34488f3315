"""The shared known answers (SPEC §C, computed outside the project), read from ../shared beside the repo.

A missing file is an error, not a skip: these vectors are what ties our arithmetic to the outside world."""

from __future__ import annotations

import json
from pathlib import Path

PATH = Path(__file__).resolve().parents[3] / ".." / "shared" / "vectors" / "sm2_cosign.json"


def _load() -> list[dict[str, str]]:
    if not PATH.is_file():
        raise FileNotFoundError(f"the SM2 co-signing vectors are missing: {PATH}")
    return json.loads(PATH.read_text(encoding="utf-8"))["vectors"]


VECTORS = _load()
IDS = [f"vector-{i}" for i in range(len(VECTORS))]


def scalar(vector: dict[str, str], name: str) -> int:
    return int(vector[name], 16)


def raw(vector: dict[str, str], name: str) -> bytes:
    return bytes.fromhex(vector[name])
