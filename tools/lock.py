"""requirements.lock: every dependency of the project and its [test] extra, pinned with hashes, for CPython 3.11
on Linux x86_64 (what CI and the developers' machines run). `make run`, `make test` and `.ci/run` install from it
(`pip install --require-hashes -r requirements.lock`, then the project itself with `--no-deps`).

    python tools/lock.py            regenerate it after changing dependencies in pyproject.toml (`make lock`);
                                    pins already in the lock are kept where they still fit
    python tools/lock.py --upgrade  move every pin to the newest version the bounds allow (`make lock-upgrade`)
    python tools/lock.py --check    offline and fast: fail when pyproject.toml and the lock disagree (a test
                                    runs it: tests/unit/test_requirements_lock.py)

The lock's first line records a digest of pyproject's requirement lists, so any change to them without
re-locking is caught; the check also proves each requirement is satisfied by a pinned, hashed line."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
EXTRAS = ("test",)
PYTHON_VERSION, PLATFORM = "3.11", "x86_64-manylinux_2_28"
DIGEST_PREFIX = "# pyproject-requirements-sha256: "


def requirements(pyproject: Path = PYPROJECT) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in EXTRAS:
        reqs += project["optional-dependencies"][extra]
    return reqs


def digest(pyproject: Path = PYPROJECT) -> str:
    project = tomllib.loads(pyproject.read_text())["project"]
    canonical = "\n".join([f"python {project['requires-python']}", *sorted(
        re.sub(r"\s+", "", r).lower() for r in requirements(pyproject))])
    return hashlib.sha256(canonical.encode()).hexdigest()


def pins(lock_text: str) -> dict[str, tuple[str, bool]]:
    """name → (version, has hashes) for each `name==version` entry (with its `\\`-continued hash lines)."""
    out: dict[str, tuple[str, bool]] = {}
    entries = re.split(r"\n(?=\S)", lock_text)
    for entry in entries:
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", entry)
        if m:
            out[_canon(m.group(1))] = (m.group(2), "--hash=sha256:" in entry)
    return out


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def problems(lock: Path = LOCK, pyproject: Path = PYPROJECT) -> list[str]:
    from packaging.requirements import Requirement
    from packaging.version import Version

    if not lock.exists():
        return [f"{lock.name} is missing: run `make lock`"]
    text = lock.read_text()
    found: list[str] = []
    recorded = next((line[len(DIGEST_PREFIX):].strip() for line in text.splitlines()
                     if line.startswith(DIGEST_PREFIX)), None)
    if recorded != digest(pyproject):
        found.append("pyproject.toml's dependencies changed since requirements.lock was made: run `make lock`")
    pinned = pins(text)
    env = {"python_version": PYTHON_VERSION, "sys_platform": "linux", "platform_system": "Linux",
           "platform_machine": "x86_64", "implementation_name": "cpython", "os_name": "posix"}
    for raw in requirements(pyproject):
        req = Requirement(raw)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        name = _canon(req.name)
        if name not in pinned:
            found.append(f"{req.name} is not pinned in requirements.lock")
        elif not req.specifier.contains(Version(pinned[name][0]), prereleases=True):
            found.append(f"requirements.lock pins {req.name}=={pinned[name][0]}, outside {req.specifier}")
    found += [f"{name}=={version} has no hash" for name, (version, hashed) in pinned.items() if not hashed]
    return found


def compile_lock(*, upgrade: bool = False) -> None:
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    cmd = [uv, "pip", "compile", str(PYPROJECT.relative_to(ROOT)), *(f"--extra={e}" for e in EXTRAS),
           "--generate-hashes", f"--python-version={PYTHON_VERSION}", f"--python-platform={PLATFORM}",
           "--custom-compile-command=make lock", "--quiet", "--output-file", str(LOCK.relative_to(ROOT))]
    if upgrade:
        cmd.append("--upgrade")
    subprocess.run(cmd, cwd=ROOT, check=True)
    text = "\n".join(line for line in LOCK.read_text().splitlines() if not line.startswith(DIGEST_PREFIX))
    LOCK.write_text(f"{DIGEST_PREFIX}{digest()}\n{text}\n")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = problems()
        for p in found:
            print(f"requirements.lock: {p}", file=sys.stderr)
        return 1 if found else 0
    compile_lock(upgrade="--upgrade" in argv)
    found = problems()
    for p in found:
        print(f"requirements.lock: {p}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
