"""§5.1.1.2 企业管理员发起企业认证, and the legal rep who verifies later, over GraphQL."""

from pytest_bdd import scenarios

from features.steps import legal_rep_invitation

# This chapter's steps, beside the shared ones the conftest exposes.
globals().update({n: v for n, v in vars(legal_rep_invitation).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_invitation.feature")
