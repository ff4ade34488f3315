"""§9.3 安全中心, over GraphQL."""

from pytest_bdd import scenarios

scenarios("security_center.feature")
