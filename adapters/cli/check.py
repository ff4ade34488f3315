"""`sxq check canonical`: reports stored identifiers and names that are not in their canonical form
(adapters/persistence/canonical_check.py; the same check migration 0012 ran). Read-only. With the master key it
also decrypts ID, passport and bank account numbers under their row's context to check them."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys


def cmd_check_canonical(args: argparse.Namespace) -> int:
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from adapters.persistence.canonical_check import CURRENT_COLUMNS, log_report, scan

    settings = Settings.from_env()
    container = build_container(settings)
    decrypt = None if args.without_decrypting else container.cipher().decrypt

    async def run():
        engine = container.engine()
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(lambda sync: scan(sync, CURRENT_COLUMNS, decrypt))
        finally:
            await engine.dispose()

    report = asyncio.run(run())
    log_report(report, logging.getLogger("sxq.canonical"))
    # One line per finding on stdout for scripts: table, column, row id; never a value.
    for f in report.findings:
        print(f"non-canonical\t{f.table}\t{f.column}\t{f.row_id}")
    for f in report.unreadable:
        print(f"unreadable\t{f.table}\t{f.column}\t{f.row_id}")
    print(f"{len(report.findings)} non-canonical, {len(report.unreadable)} unreadable, "
          f"{sum(report.checked.values())} values in {len(report.checked)} columns checked", file=sys.stderr)
    return 0 if report.clean else 1


def register(sub) -> None:
    check = sub.add_parser("check", help="read-only checks of stored data").add_subparsers(dest="check_command",
                                                                                         required=True)
    canon = check.add_parser("canonical", help="report identifiers and names not in their canonical form "
                                               "(table, column, row id; exit 1 when any)")
    canon.add_argument("--without-decrypting", action="store_true",
                       help="do not decrypt ID and bank account numbers (check their masked forms only)")
    canon.set_defaults(func=cmd_check_canonical)
