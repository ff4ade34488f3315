"""Runs features/ through GraphQL: the `driver` fixture of features/conftest.py swapped for GraphQLDriver.

The database is the e2e suite's (migrated once per test session); each scenario starts and ends with empty
tables. Photos go to a data directory of these tests' own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from features.steps import accounts, certificates, commerce, common, enterprises, identity, scans, security
from features.world import World
from tests.e2e.features_over_graphql.driver import GraphQLDriver

# Step definitions are fixtures registered in their module; expose them to every scenario here.
for _module in (common, accounts, identity, security, certificates, commerce, scans, enterprises):
    globals().update({name: value for name, value in vars(_module).items() if name.startswith("pytestbdd_")})


@pytest.fixture(scope="session")
def features_graphql_settings(migrated_database: str, tmp_path_factory):
    from adapters.bootstrap.settings import Settings

    return Settings(mode="sandbox", data_dir=tmp_path_factory.mktemp("features-graphql-data"),
                    database_url=migrated_database, password_scrypt_n=2**10, master_key="00" * 32)


@pytest.fixture
def driver(features_graphql_settings) -> GraphQLDriver:
    return GraphQLDriver(features_graphql_settings)


@pytest.fixture
def world(driver: GraphQLDriver) -> Iterator[World]:
    # The driver's app, engine and HTTP client live in this runner's loop: made on first use, closed here.
    with asyncio.Runner() as runner:
        driver.attach(runner)
        try:
            yield World(driver=driver, runner=runner)  # type: ignore[arg-type]
        finally:
            runner.run(driver.aclose())
