"""`sxq platform register`: registers a trading platform from its SM2 public-key PEM file and prints our
callback-signing certificate for it (the CLI twin of the operator mutation registerPlatform)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def cmd_platform_register(args: argparse.Namespace) -> int:
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from application.commerce.register_platform import RegisterPlatformCommand
    from domain.errors import DomainError

    try:
        pem = Path(args.public_key_file).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.public_key_file}: {exc}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    container = build_container(settings)

    async def register():
        try:
            await container.certificate_authority().ensure_ready()
            return await container.use_cases().commerce.register_platform.register(RegisterPlatformCommand(
                None, args.code, args.name, args.region, args.callback_url, pem), operator_id=None)
        finally:
            await container.engine().dispose()

    try:
        done = asyncio.run(register())
    except DomainError as err:
        where = f" ({err.field})" if err.field else ""
        print(f"error: {err.message}{where}", file=sys.stderr)
        return 2
    if args.certificate_out:
        Path(args.certificate_out).write_text(done.certificate_pem, encoding="ascii")
    print(f"platform {done.platform.code} registered (id {done.platform.id})", file=sys.stderr)
    sys.stdout.write(done.certificate_pem)
    return 0


def cmd_plan_create(args: argparse.Namespace) -> int:
    """`sxq plan create`: a plan in a platform's catalogue (the CLI twin of createServicePlan), printed as its id."""
    from decimal import Decimal, InvalidOperation

    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from application.commerce.create_service_plan import CreateServicePlanCommand
    from domain.commerce.entitlement import ScanOperation, SubjectType
    from domain.errors import DomainError

    try:
        price = Decimal(args.price)
        operations = [ScanOperation(o.strip().upper()) for o in args.operations.split(",") if o.strip()]
    except (InvalidOperation, ValueError):
        print("error: --price is yuan (e.g. 99.00); --operations is LOGIN,SIGN,ENCRYPT,DECRYPT", file=sys.stderr)
        return 2
    container = build_container(Settings.from_env())

    async def create():
        try:
            async with container.uow() as uow:
                platform = await uow.trading_platforms.by_code(args.platform_code.strip().upper())
            if platform is None:
                raise DomainError("交易平台不存在", field="platformCode")
            return await container.use_cases().commerce.create_service_plan.create(CreateServicePlanCommand(
                None, platform.id, SubjectType(args.subject), args.name, operations, args.validity_months,
                int(price * 100), args.sign_quota), operator_id=None)
        finally:
            await container.engine().dispose()

    try:
        plan = asyncio.run(create())
    except DomainError as err:
        where = f" ({err.field})" if err.field else ""
        print(f"error: {err.message}{where}", file=sys.stderr)
        return 2
    print(f"plan {plan.name} created for {args.platform_code}: {plan.price_fen / 100:.2f} yuan, "
          f"{plan.validity_months} months, {','.join(plan.operations)}", file=sys.stderr)
    print(plan.id)
    return 0


def register(sub) -> None:
    platform = sub.add_parser("platform", help="trading platforms").add_subparsers(dest="platform_command",
                                                                                   required=True)
    reg = platform.add_parser("register", help="register a platform; prints the callback-signing certificate PEM")
    reg.add_argument("--code", required=True, help="platformCode, 11 characters")
    reg.add_argument("--name", required=True)
    reg.add_argument("--region", required=True)
    reg.add_argument("--callback-url", required=True)
    reg.add_argument("--public-key-file", required=True, help="the platform's SM2 public key, PEM")
    reg.add_argument("--certificate-out", help="also write the certificate PEM to this file")
    reg.set_defaults(func=cmd_platform_register)

    plan = sub.add_parser("plan", help="service plans").add_subparsers(dest="plan_command", required=True)
    create = plan.add_parser("create", help="add a plan to a platform's catalogue; prints the plan id")
    create.add_argument("--platform-code", required=True)
    create.add_argument("--subject", required=True, choices=["PERSONAL", "ENTERPRISE"])
    create.add_argument("--name", required=True)
    create.add_argument("--operations", default="LOGIN,SIGN", help="comma-separated: LOGIN,SIGN,ENCRYPT,DECRYPT")
    create.add_argument("--validity-months", type=int, default=12)
    create.add_argument("--price", required=True, help="in yuan, e.g. 99.00")
    create.add_argument("--sign-quota", type=int, help="signatures included (plans with SIGN only)")
    create.set_defaults(func=cmd_plan_create)
