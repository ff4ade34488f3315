"""Binds the Gherkin scenarios to the application layer through the fake-backed driver.

Swap the `driver` fixture for one with the same methods (e.g. over GraphQL) to run the same
scenarios end to end."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from features.driver import ApplicationDriver
from features.steps import accounts, certificates, commerce, common, enterprises, identity, scans, security
from features.world import World

# Step definitions are fixtures registered in their module; expose them to every scenario here.
for _module in (common, accounts, identity, security, certificates, commerce, scans, enterprises):
    globals().update({name: value for name, value in vars(_module).items() if name.startswith("pytestbdd_")})


@pytest.fixture
def driver() -> ApplicationDriver:
    return ApplicationDriver()


@pytest.fixture
def world(driver: ApplicationDriver) -> Iterator[World]:
    with asyncio.Runner() as runner:
        yield World(driver=driver, runner=runner)
