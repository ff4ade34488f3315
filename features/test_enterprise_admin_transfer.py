"""§8.4 管理员转授."""

from pytest_bdd import scenarios

from features.steps import enterprise_admin_transfer

# This chapter's steps, beside the shared ones conftest.py exposes.
globals().update({n: v for n, v in vars(enterprise_admin_transfer).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_admin_transfer.feature")
