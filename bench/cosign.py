"""Server-side co-signature finishes per second on one core (SPEC §C, issue 12's goal: >= 1,000/s).

One finish is what `CoSigning.approve` does per signature beyond the database: unseal d_server and w1 (SM4-GCM),
s = d_server·(s1 + w1) − r mod n, DER-encode, and verify (r, s) under P with the native SM2 backend. The phone's
half is computed beforehand (it runs on phones, not here).

    .venv/bin/python bench/cosign.py [--n 3000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.crypto.cosigning_hsm import SoftwareCoSigningHsm  # noqa: E402
from adapters.crypto.sm2 import default_backend  # noqa: E402
from adapters.security.keys import KeyRing  # noqa: E402
from domain.signing.cosignature import der_signature  # noqa: E402
from sxq_phone import OnScreen, Phone  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    n = ap.parse_args().n
    backend = default_backend()
    hsm = SoftwareCoSigningHsm(KeyRing(b"\x01" * 32), backend)
    account = uuid4()
    enrolment = Phone.start_enrolment()
    enrolled = hsm.enrol(account, enrolment.device_public_share)
    phone = enrolment.finish("135790", enrolled.server_public_share, enrolled.public_key, kdf_log_n=10)
    screen = OnScreen.act("bench.approve")
    import base64
    import json

    work = []
    for i in range(n):
        message = json.dumps({"action": "bench.approve", "input": {"i": i}, "account": str(account),
                              "time": "2026-12-08T00:00:00+00:00"}, separators=(",", ":"), sort_keys=True).encode()
        c = hsm.commit(account, enrolled.public_key)
        co = phone.co_sign({"id": str(i), "message": base64.b64encode(message).decode(),
                            "serverCommitment": base64.b64encode(c.point).decode(),
                            "publicKey": phone.public_key_b64}, "135790", screen)
        work.append((message, c.sealed_nonce, co.r, co.s1))
    start = time.perf_counter()
    for message, nonce, r, s1 in work:
        s = hsm.finish(account, enrolled.public_key, enrolled.sealed_share, nonce, r, s1)
        assert backend.verify(enrolled.public_key, message, der_signature(r, s))
    elapsed = time.perf_counter() - start
    print(f"{backend.name}: {n} finishes + verifications in {elapsed:.3f} s = {n / elapsed:,.0f}/s on one core "
          f"({elapsed / n * 1e6:.0f} µs each)")


if __name__ == "__main__":
    main()
