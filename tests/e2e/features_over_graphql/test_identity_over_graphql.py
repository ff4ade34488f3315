"""§4 实名认证 (ID card + face, manual review), over GraphQL."""

from pytest_bdd import scenarios

scenarios("identity.feature")
