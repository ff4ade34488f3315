"""§9.1 印章管理: personal name seals, handwritten signatures, revocation, invalid seals."""

from pytest_bdd import scenarios

scenarios("seals.feature")
