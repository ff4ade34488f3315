"""requirements.lock agrees with pyproject.toml (tools/lock.py --check): offline, so a dependency added or
changed in pyproject without `make lock` fails here, before an install from the lock silently lacks it."""

from __future__ import annotations

import shutil

import pytest

from tools import lock


def test_the_lock_matches_pyproject():
    assert lock.problems() == []


@pytest.fixture
def copies(tmp_path):
    pyproject, requirements = tmp_path / "pyproject.toml", tmp_path / "requirements.lock"
    shutil.copy(lock.PYPROJECT, pyproject)
    shutil.copy(lock.LOCK, requirements)
    return pyproject, requirements


def test_a_new_dependency_without_relocking_is_caught(copies):
    pyproject, requirements = copies
    pyproject.write_text(pyproject.read_text().replace('dependencies = [\n', 'dependencies = [\n    "tomli-w>=1.0",\n', 1))
    found = lock.problems(requirements, pyproject)
    assert any("run `make lock`" in p for p in found)
    assert "tomli-w is not pinned in requirements.lock" in found


def test_a_pin_outside_the_bounds_or_without_hashes_is_caught(copies):
    pyproject, requirements = copies
    text = requirements.read_text()
    version = lock.pins(text)["starlette"][0]
    requirements.write_text(text.replace(f"\nstarlette=={version} \\", "\nstarlette==2.0.0 \\", 1))
    assert "requirements.lock pins starlette==2.0.0, outside <2,>=0.37" in lock.problems(requirements, pyproject)
    requirements.write_text(text + "extra-package==1.0\n")
    assert lock.problems(requirements, pyproject) == ["extra-package==1.0 has no hash"]


def test_every_requirement_of_pyproject_is_checked():
    names = {r.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower() for r in lock.requirements()}
    assert {"strawberry-graphql", "starlette", "sqlalchemy", "playwright", "pytest"} <= names
    assert set(lock.pins(lock.LOCK.read_text())) >= names
