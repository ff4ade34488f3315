"""Dual certificate pairs issued per second on one core: two key pairs generated, two certificates built,
linted and signed by the issuing CA, the signing key wrapped under the holder's PIN key and the encryption
key escrowed under the master key.

    .venv/bin/python bench/ca_issuance.py [--seconds 3] [--backend gmalglib|gmssl|...] [--json]

Three figures, each checked (every certificate verifies under the issuing CA, every wrapped key opens):
- core: the issuance work itself with the PIN already proven (the PIN key is derived once per claim, by a
  deliberately slow scrypt, and is shown on its own line). This is the figure the goal is about.
- pin kdf: one PIN proof (scrypt N=2^15, r=8, p=1: the production setting), in ms.
- use case: IssueDualCertificates end to end on SQLite, both TBS rows written before signing, the pair
  committed with its wrapped keys; the PIN proof inside it runs scrypt at --use-case-scrypt-n (default
  2^10, so the figure shows the database and not the KDF).

The process pins itself to one CPU (os.sched_setaffinity) where the platform allows.

Goal: core >= 200 pairs/s with the native SM2 backend.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.ca import profiles as p  # noqa: E402
from adapters.ca import x509 as sx  # noqa: E402
from adapters.ca.vault import Sm2KeyVault  # noqa: E402
from adapters.crypto.sm2 import available_backends, default_backend  # noqa: E402
from adapters.security.keys import KeyRing  # noqa: E402

GOAL = 200.0
SUBJECT = {"country_name": "CN", "common_name": "张三", "serial_number": "3101XXXXXXXXXX1234"}


def _one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"cpu {cpu}"
    except (AttributeError, OSError):
        return "not pinned"


def bench_core(backend, seconds: float) -> tuple[float, int]:
    now = datetime.now(UTC).replace(microsecond=0)
    root_key, issuing_key = backend.generate_private_key(), backend.generate_private_key()
    root = sx.make_root(root_key, {"country_name": "CN", "organization_name": "bench", "common_name": "root"},
                        now - timedelta(days=1), now + timedelta(days=3650), backend=backend)
    issuing = sx.make_issuing_ca(root, root_key, {"country_name": "CN", "organization_name": "bench",
                                                  "common_name": "issuing"}, backend.public_key(issuing_key),
                                 now - timedelta(days=1), now + timedelta(days=3000), backend=backend)
    issuing_public = backend.public_key(issuing_key)
    vault = Sm2KeyVault(KeyRing(os.urandom(32)), backend, scrypt_n=2**10)
    _, pin_key = asyncio.run(vault.new_pin("135790"))
    holder = uuid4()
    urls = dict(crl_url="http://127.0.0.1:8000/ca/crl/issuing.crl", ocsp_url="http://127.0.0.1:8000/ca/ocsp",
                ca_issuers_url="http://127.0.0.1:8000/ca/certs/issuing.cer")

    def one_pair():
        signing = vault.new_signing_key_pair(pin_key, holder)
        escrowed = vault.new_escrowed_key_pair(holder)
        certs = []
        for profile, pair in ((p.PERSONAL_SIGNING, signing), (p.PERSONAL_ENCRYPTION, escrowed)):
            tbs = sx.prepare_tbs(issuing, issuing_public, SUBJECT, pair.public_key, profile, now,
                                 now + timedelta(days=365), **urls)
            p.lint(tbs, profile, issuing)  # the CA re-lints the stored bytes before it signs them
            certs.append(sx.sign_tbs(tbs, issuing_key, backend=backend, issuer_public_key=issuing_public))
        return signing, escrowed, certs

    for _ in range(20):
        one_pair()
    done, start, last = 0, time.perf_counter(), None
    while (elapsed := time.perf_counter() - start) < seconds:
        last = one_pair()
        done += 1
    signing, escrowed, certs = last
    assert all(sx.verify_certificate(c, issuing, backend=backend) for c in certs)
    assert backend.public_key(vault.open_signing_key(signing.wrapped_private_key, pin_key, holder,
                                                     signing.public_key)) == signing.public_key
    assert backend.public_key(vault.open_escrowed_key(escrowed.wrapped_private_key, holder,
                                                      escrowed.public_key)) == escrowed.public_key
    return done / elapsed, done


def bench_kdf(backend, rounds: int = 5) -> float:
    vault = Sm2KeyVault(KeyRing(os.urandom(32)), backend, scrypt_n=2**15)
    verifier, _ = asyncio.run(vault.new_pin("135790"))
    start = time.perf_counter()
    for _ in range(rounds):
        assert asyncio.run(vault.unlock("135790", verifier)) is not None
    return (time.perf_counter() - start) / rounds * 1000


async def bench_use_case(seconds: float, scrypt_n: int) -> tuple[float, int]:
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from adapters.persistence.migrate import upgrade
    from application.certificates.issue_dual_certificates import IssueDualCertificatesCommand
    from application.certificates.ports import SubjectInfo
    from domain.accounts.account import Account
    from domain.certificates.certificate import HolderKind

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await asyncio.to_thread(upgrade, url)
        container = build_container(Settings(mode="sandbox", data_dir=Path(tmp), database_url=url,
                                             master_key="00" * 32, password_scrypt_n=scrypt_n // 2))
        try:
            async with container.uow() as uow:
                account = Account(phone="13800138000", password_hash="x", created_at=container.clock().now())
                uow.accounts.add(account)
                await uow.commit()
            issue = container.issue_dual_certificates()
            subject = SubjectInfo(HolderKind.PERSON, "张三", "3101XXXXXXXXXX1234")

            def command():
                return IssueDualCertificatesCommand(account.id, subject, "135790",
                                                    container.clock().now() + timedelta(days=365))

            for _ in range(10):
                await issue(command())
            done, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < seconds:
                pair = await issue(command())
                done += 1
            assert pair.signing.der and pair.encryption.der
            return done / elapsed, done
        finally:
            await container.http_client().aclose()
            await container.engine().dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--backend", help="an SM2 backend by name (default: the default backend)")
    parser.add_argument("--use-case-scrypt-n", type=int, default=2**10)
    parser.add_argument("--skip-use-case", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pinned = _one_core()
    backends = available_backends()
    backend = backends[args.backend] if args.backend else default_backend()

    core_rate, core_n = bench_core(backend, args.seconds)
    kdf_ms = bench_kdf(backend)
    result = {"backend": backend.name, "pinned": pinned, "core_pairs_per_s": round(core_rate, 1),
              "core_pairs": core_n, "pin_kdf_ms": round(kdf_ms, 1), "goal": GOAL,
              "goal_met": core_rate >= GOAL}
    if not args.skip_use_case:
        rate, n = asyncio.run(bench_use_case(args.seconds, args.use_case_scrypt_n))
        result.update(use_case_pairs_per_s=round(rate, 1), use_case_pairs=n,
                      use_case_scrypt_n=args.use_case_scrypt_n)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"SM2 backend: {backend.name} ({pinned})")
    print(f"core: {core_rate:8.1f} dual pairs/s ({core_n} pairs; 2 keys + 2 certificates + wrapping each)"
          f"   goal >= {GOAL:.0f}: {'met' if core_rate >= GOAL else 'NOT met'}")
    print(f"pin kdf: {kdf_ms:6.1f} ms per PIN proof (scrypt N=2^15, r=8, p=1)")
    if "use_case_pairs_per_s" in result:
        print(f"use case (SQLite, PIN proof at N={args.use_case_scrypt_n}): "
              f"{result['use_case_pairs_per_s']:8.1f} dual pairs/s ({result['use_case_pairs']} pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
