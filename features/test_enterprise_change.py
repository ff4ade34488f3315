"""§8.6 企业信息变更."""

from pytest_bdd import scenarios

from features.steps import enterprise_bank_transfer

# This chapter's steps, beside the shared ones features/conftest.py exposes.
globals().update({n: v for n, v in vars(enterprise_bank_transfer).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_change.feature")
