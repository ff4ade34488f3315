"""Autogenerates an Alembic revision from the table modules against a scratch SQLite database at head.

    .venv/bin/python tools/autogen_migration.py 0007 "enterprise certification paths" [--replace]

--replace deletes an existing file of that revision first (for a revision still being written, not landed).
Our UtcDateTime decorator is rendered as plain sa.DateTime(timezone=True): migrations must not import adapters."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from adapters.persistence.migrate import alembic_config  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("revision")
    ap.add_argument("message")
    ap.add_argument("--replace", action="store_true")
    a = ap.parse_args()
    versions = ROOT / "migrations" / "versions"
    existing = sorted(versions.glob(f"{a.revision}_*.py"))
    if existing and not a.replace:
        sys.exit(f"{existing[0].name} exists; pass --replace to regenerate it")
    for f in existing:
        f.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite+aiosqlite:///{tmp}/scratch.db")
        command.upgrade(cfg, "head")
        slug = re.sub(r"\W+", "_", a.message.lower()).strip("_")[:40]
        command.revision(cfg, message=a.message, autogenerate=True, rev_id=a.revision)
    [path] = versions.glob(f"{a.revision}_*.py")
    text = path.read_text()
    text = text.replace("adapters.persistence.types.UtcDateTime(timezone=True)", "sa.DateTime(timezone=True)")
    text = text.replace("adapters.persistence.types.UuidList()", "sa.JSON()")
    if "adapters." in text:
        sys.exit(f"{path.name} still names an adapter type; render it as a plain SQLAlchemy type")
    target = versions / f"{a.revision}_{slug}.py"
    path.unlink()
    target.write_text(text)
    subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "--quiet", str(target)], check=False)
    print(target.relative_to(ROOT))


if __name__ == "__main__":
    main()
