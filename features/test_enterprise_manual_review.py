"""§5.1.3 企业认证（人工审核）."""

from pytest_bdd import scenarios

from features.steps import enterprise_bank_transfer, legal_rep_invitation

# This chapter's steps (the transfer it goes through, the invitation it may not send), beside the shared ones
# features/conftest.py exposes.
for _module in (enterprise_bank_transfer, legal_rep_invitation):
    globals().update({n: v for n, v in vars(_module).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_manual_review.feature")
