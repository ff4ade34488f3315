"""§9.1 印章管理, over GraphQL."""

from pytest_bdd import scenarios

scenarios("seals.feature")
