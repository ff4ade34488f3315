"""`sxq`: serve, migrate, print the schema, manage operators."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys


def _settings():
    from adapters.bootstrap.settings import Settings

    return Settings.from_env()


class _Steps(logging.Handler):
    """Keeps Alembic's "Running upgrade A -> B, ..." records for a one-line summary instead of a line each."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg.startswith("Running upgrade "):
            before, _, after = msg[len("Running upgrade "):].partition(",")[0].partition(" -> ")
            self.steps.append((before.strip(), after.strip()))


def cmd_migrate(_: argparse.Namespace) -> int:
    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migration_log = logging.getLogger("alembic")
    steps = _Steps()
    quiet = settings.log_level != "DEBUG"  # SXQ_LOG_LEVEL=DEBUG shows Alembic's own lines
    if quiet:
        migration_log.addHandler(steps)
        migration_log.propagate = False
    try:
        from adapters.persistence.migrate import upgrade  # Alembic logs its plugins as it is imported

        upgrade(settings.db_url)
    finally:
        migration_log.removeHandler(steps)
        migration_log.propagate = True
    if quiet:
        if steps.steps:
            first = steps.steps[0][0] or "empty"
            print(f"database: migrated {first} → {steps.steps[-1][1]} ({len(steps.steps)} migrations)")
        else:
            print("database: up to date")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from graphql_schema.schema import build_schema

    sys.stdout.write(build_schema(sandbox=not args.production).as_str() + "\n")
    return 0


def cmd_operator_create(args: argparse.Namespace) -> int:
    from adapters.bootstrap.container import build_container
    from domain.errors import DomainError
    from domain.operators.operator import OperatorRole

    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("密码: ")
    settings = _settings()
    container = build_container(settings)

    async def create() -> None:
        try:
            created = await container.use_cases().create_operator(
                args.username, password, OperatorRole(args.role), second_factor=not args.no_totp)
            print(f"operator {created.username} created ({created.operator.role.value})")
            if created.totp_uri:
                # Shown once: the secret is stored encrypted and never printed again.
                print("Enrol this in an authenticator app (TOTP, 6 digits, 30 s):")
                print(created.totp_uri)
                print(_terminal_qr(created.totp_uri))
        finally:
            await container.engine().dispose()

    try:
        asyncio.run(create())
    except DomainError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 2
    return 0


def _terminal_qr(text: str) -> str:
    """The enrolment URI as a QR code of Unicode half blocks, for the authenticator app's camera."""
    import io

    import segno

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    from adapters.bootstrap.dependency_warnings import filter_known_dependency_warnings

    filter_known_dependency_warnings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="sxq", description="数信签 back end")
    sub = parser.add_subparsers(dest="command", required=True)
    from adapters.cli.serve import register as register_serve

    register_serve(sub)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    schema = sub.add_parser("schema", help="print the GraphQL SDL")
    schema.add_argument("--production", action="store_true", help="without the sandbox fields")
    schema.set_defaults(func=cmd_schema)
    op = sub.add_parser("operator", help="operator accounts").add_subparsers(dest="op_command", required=True)
    create = op.add_parser("create", help="create an operator; the password is read from stdin")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=["REVIEWER", "SUPERVISOR", "ADMIN"],
                        help="REVIEWER works the review queue; SUPERVISOR also countersigns enterprise changes, "
                             "revokes certificates and reads the audit log; ADMIN also runs platforms and plans")
    create.add_argument("--no-totp", action="store_true",
                        help="no second factor: GraphQL API only (scripts); such an operator cannot use the console")
    create.set_defaults(func=cmd_operator_create)
    from adapters.cli.ca import register as register_ca

    register_ca(sub)
    from adapters.cli.seed import register as register_seed

    register_seed(sub)
    from adapters.cli.platform import register as register_platform

    register_platform(sub)
    from adapters.cli.check import register as register_check

    register_check(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
