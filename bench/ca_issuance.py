"""Dual certificate pairs issued per second on one core: the encryption key pair generated and escrowed under
the master key, two certificates built, linted and signed by the issuing CA. The signing certificate certifies
the holder's two-share key (SPEC §C), whose public key exists before the claim: no signing key is made or kept.

    .venv/bin/python bench/ca_issuance.py [--seconds 3] [--backend gmalglib|gmssl|...] [--json]

Two figures, each checked (every certificate verifies under the issuing CA, every escrowed key opens):
- core: the issuance work itself. This is the figure the goal is about.
- use case: IssueDualCertificates end to end on SQLite (prepare_keys, then both TBS rows written before signing
  and the pair committed with the escrowed key, in one transaction), as the claims run it. The co-signature
  that approves a claim is not part of it (see docs/cosigning.md).

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
    vault = Sm2KeyVault(KeyRing(os.urandom(32)), backend)
    holder = uuid4()
    holder_public = backend.public_key(backend.generate_private_key())  # stands for the enrolled joint key P
    urls = dict(crl_url="http://127.0.0.1:8000/ca/crl/issuing.crl", ocsp_url="http://127.0.0.1:8000/ca/ocsp",
                ca_issuers_url="http://127.0.0.1:8000/ca/certs/issuing.cer")

    def one_pair():
        escrowed = vault.new_escrowed_key_pair(holder)
        certs = []
        for profile, public_key in ((p.PERSONAL_SIGNING, holder_public), (p.PERSONAL_ENCRYPTION, escrowed.public_key)):
            tbs = sx.prepare_tbs(issuing, issuing_public, SUBJECT, public_key, profile, now,
                                 now + timedelta(days=365), **urls)
            p.lint(tbs, profile, issuing)  # the CA re-lints the stored bytes before it signs them
            certs.append(sx.sign_tbs(tbs, issuing_key, backend=backend, issuer_public_key=issuing_public))
        return escrowed, certs

    for _ in range(20):
        one_pair()
    done, start, last = 0, time.perf_counter(), None
    while (elapsed := time.perf_counter() - start) < seconds:
        last = one_pair()
        done += 1
    escrowed, certs = last
    assert all(sx.verify_certificate(c, issuing, backend=backend) for c in certs)
    assert backend.public_key(vault.open_escrowed_key(escrowed.wrapped_private_key, holder,
                                                      escrowed.public_key)) == escrowed.public_key
    return done / elapsed, done


async def bench_use_case(seconds: float) -> tuple[float, int]:
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
                                             master_key="00" * 32, password_scrypt_n=2**10))
        try:
            async with container.uow() as uow:
                account = Account(phone="13800138000", password_hash="x", created_at=container.clock().now())
                uow.accounts.add(account)
                await uow.commit()
            issue, sm2 = container.issue_dual_certificates(), container.sm2_backend()
            subject = SubjectInfo(HolderKind.PERSON, "张三", "3101XXXXXXXXXX1234")
            holder_public = sm2.public_key(sm2.generate_private_key())  # stands for the enrolled joint key P

            async def one_pair():
                cmd = IssueDualCertificatesCommand(account.id, subject, container.clock().now() + timedelta(days=365),
                                                   signing_public_key=holder_public)
                prepared = issue.prepare_keys(cmd)
                async with container.uow() as uow:
                    pair = await issue.record(uow, cmd, prepared)
                    await uow.commit()
                return pair

            for _ in range(10):
                await one_pair()
            done, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < seconds:
                pair = await one_pair()
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
    parser.add_argument("--skip-use-case", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pinned = _one_core()
    backends = available_backends()
    backend = backends[args.backend] if args.backend else default_backend()

    core_rate, core_n = bench_core(backend, args.seconds)
    result = {"backend": backend.name, "pinned": pinned, "core_pairs_per_s": round(core_rate, 1),
              "core_pairs": core_n, "goal": GOAL,
              "goal_met": core_rate >= GOAL}
    if not args.skip_use_case:
        rate, n = asyncio.run(bench_use_case(args.seconds))
        result.update(use_case_pairs_per_s=round(rate, 1), use_case_pairs=n)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"SM2 backend: {backend.name} ({pinned})")
    print(f"core: {core_rate:8.1f} dual pairs/s ({core_n} pairs; 1 escrowed key + 2 certificates each)"
          f"   goal >= {GOAL:.0f}: {'met' if core_rate >= GOAL else 'NOT met'}")
    if "use_case_pairs_per_s" in result:
        print(f"use case (SQLite): {result['use_case_pairs_per_s']:8.1f} dual pairs/s "
              f"({result['use_case_pairs']} pairs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
