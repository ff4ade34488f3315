"""§8.6 企业信息变更, over GraphQL."""

from pytest_bdd import scenarios

from features.steps import enterprise_bank_transfer

# This chapter's steps, beside the shared ones the conftest exposes.
globals().update({n: v for n, v in vars(enterprise_bank_transfer).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_change.feature")
