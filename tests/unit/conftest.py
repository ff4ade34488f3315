"""Fixtures of the unit tests: a fresh fake application per test."""

from __future__ import annotations

import pytest

from tests.app_fixture import FakeApp


@pytest.fixture
def app() -> FakeApp:
    return FakeApp()
