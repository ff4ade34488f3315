"""§5.1.2 企业对公打款认证 and §5.1.3 人工审核."""

from pytest_bdd import scenarios

from features.steps import enterprise_bank_transfer

# This chapter's steps, beside the shared ones features/conftest.py exposes.
globals().update({n: v for n, v in vars(enterprise_bank_transfer).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_bank_transfer.feature")
