"""`sxq seed demo`: a few trading platforms with personal and enterprise plans (sandbox only; idempotent)."""

from __future__ import annotations

import argparse
import asyncio
import sys


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from adapters.crypto.sm2.keyfiles import public_key_to_pem
    from application.commerce.seed_demo import SeedDemoCatalogue

    settings = Settings.from_env()
    if not settings.sandbox:
        print("error: demo data is for the sandbox only", file=sys.stderr)
        return 2
    container = build_container(settings)
    sm2 = container.sm2_backend()

    def new_key() -> str:  # the demo platforms' own keys; their private halves are thrown away
        return public_key_to_pem(sm2.public_key(sm2.generate_private_key()))

    async def seed() -> int:
        try:
            await container.certificate_authority().ensure_ready()
            seeder = SeedDemoCatalogue(container.uow, container.use_cases().commerce.register_platform,
                                       container.clock(), new_key)
            return await seeder()
        finally:
            await container.engine().dispose()

    created = asyncio.run(seed())
    print(f"demo catalogue: {created} platforms created" if created else "demo catalogue: platforms exist, skipped")
    return 0


def register(sub) -> None:
    seed = sub.add_parser("seed", help="demo data").add_subparsers(dest="seed_command", required=True)
    seed.add_parser("demo", help="platforms and plans for a new sandbox (skipped when platforms exist)") \
        .set_defaults(func=cmd_seed_demo)
