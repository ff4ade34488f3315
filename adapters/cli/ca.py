"""`sxq ca init` (create the root and issuing CA in this database) and `sxq ca import` (adopt a hierarchy
made elsewhere). Private keys are encrypted under the master key before they reach the database; the
commands print certificates and fingerprints, never keys."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
from pathlib import Path


def _describe(name: str, cert) -> str:
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    validity = cert["tbs_certificate"]["validity"]
    return (f"{name}: {cert.subject.human_friendly}\n  serial {cert.serial_number:x}\n"
            f"  valid {validity['not_before'].native:%Y-%m-%d} .. {validity['not_after'].native:%Y-%m-%d}\n"
            f"  SHA-256 {fingerprint}")


def _run(work) -> int:
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from adapters.ca.authority import CaNotInitialised

    container = build_container(Settings.from_env())

    async def go() -> None:
        try:
            await work(container.certificate_authority())
        finally:
            await container.engine().dispose()

    try:
        asyncio.run(go())
    except (CaNotInitialised, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from adapters.ca.x509 import to_pem

    made = {}

    async def work(ca) -> None:
        made.update(await ca.initialise())

    status = _run(work)
    for name, cert in made.items():
        print(_describe(name, cert))
    if made and args.root_out:
        Path(args.root_out).write_text(to_pem(made["root"]))
        print(f"root certificate written to {args.root_out}")
    return status


def cmd_import(args: argparse.Namespace) -> int:
    from adapters.ca.x509 import load_certificate
    from adapters.crypto.sm2 import private_key_from_pkcs8

    root_cert = load_certificate(Path(args.root_cert).read_bytes())
    issuing_cert = load_certificate(Path(args.issuing_cert).read_bytes())
    issuing_key = private_key_from_pkcs8(Path(args.issuing_key).read_bytes())
    root_key = private_key_from_pkcs8(Path(args.root_key).read_bytes()) if args.root_key else None

    async def work(ca) -> None:
        await ca.import_ca(root_cert, issuing_cert, issuing_key, root_key)
        print(_describe("root", root_cert))
        print(_describe("issuing", issuing_cert))
        if root_key is None:
            print("the root key stays offline: this server publishes no root CRL")

    return _run(work)


def register(sub) -> None:
    ca = sub.add_parser("ca", help="the certificate authority").add_subparsers(dest="ca_command", required=True)
    init = ca.add_parser("init", help="create the root and issuing CA (SM2 with SM3) in this database")
    init.add_argument("--root-out", help="also write the root certificate (PEM) to this file")
    init.set_defaults(func=cmd_init)
    imp = ca.add_parser("import", help="adopt a root and issuing CA made elsewhere (PEM or DER, PKCS#8 keys)")
    imp.add_argument("--root-cert", required=True)
    imp.add_argument("--issuing-cert", required=True)
    imp.add_argument("--issuing-key", required=True, help="unencrypted PKCS#8 SM2 key of the issuing CA")
    imp.add_argument("--root-key", help="optional: the root key (omit to keep the root offline)")
    imp.set_defaults(func=cmd_import)
