"""§5.2 加入企业 and §8.1 成员管理."""

from pytest_bdd import scenarios

from features.steps import enterprise_members

# This chapter's steps, beside the shared ones features/conftest.py exposes.
globals().update({n: v for n, v in vars(enterprise_members).items() if n.startswith("pytestbdd_")})

scenarios("enterprise_members.feature")
