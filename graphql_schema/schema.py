"""The schema: root types merged from each bounded context, with limits and masking on."""

from __future__ import annotations

import functools

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from graphql_schema.accounts.mutations import AccountMutations
from graphql_schema.accounts.queries import AccountQueries
from graphql_schema.accounts.types import AccountType, SessionInfo
from graphql_schema.certificates.mutations import CertificateMutations
from graphql_schema.certificates.types import CertificateType
from graphql_schema.commerce.mutations import CatalogueMutations, CommerceMutations
from graphql_schema.commerce.queries import CommerceQueries
from graphql_schema.commerce.types import COMMERCE_NODE_TYPES
from graphql_schema.common.errors import should_mask
from graphql_schema.common.scalars import SCALAR_OVERRIDES
from graphql_schema.enterprises.admin_transfers import AdminTransferMutations
from graphql_schema.enterprises.bank_transfers import EnterpriseTransferMutations
from graphql_schema.enterprises.legal_rep_invitations import LegalRepInvitationMutations
from graphql_schema.enterprises.member_mutations import EnterpriseMemberMutations
from graphql_schema.enterprises.member_types import JoinApplicationType, MemberType
from graphql_schema.enterprises.mutations import EnterpriseMutations
from graphql_schema.enterprises.queries import EnterpriseQueries
from graphql_schema.enterprises.service_applications import ServiceApplicationMutations
from graphql_schema.enterprises.types import AuthorizationLetterType, EnterpriseType
from graphql_schema.grants.mutations import CertificateGrantMutations
from graphql_schema.identity.mutations import IdentityMutations
from graphql_schema.identity.types import ReviewType
from graphql_schema.node import NodeQuery
from graphql_schema.operators.schema import OperatorMutations, OperatorQueries
from graphql_schema.sandbox import SandboxRootMutation, SandboxRootQuery
from graphql_schema.scans.mutations import ScanMutations
from graphql_schema.scans.queries import ScanQueries
from graphql_schema.scans.subscriptions import ScanSubscriptions
from graphql_schema.seals.enterprise_seals import EnterpriseSealMutations
from graphql_schema.seals.mutations import SealMutations
from graphql_schema.seals.types import SealType
from graphql_schema.signing.mutations import SigningKeyMutations


class _Schema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Auth refusals are expected traffic, not server faults: keep them out of the error log.
        real = [e for e in errors if not (e.extensions and e.extensions.get("code") in ("UNAUTHENTICATED", "FORBIDDEN"))]
        if real:
            super().process_errors(real, execution_context)


@functools.cache
def build_schema(*, sandbox: bool = True, max_depth: int = 12, max_aliases: int = 30,
                 max_tokens: int = 2000) -> strawberry.Schema:
    """One schema per set of limits: it holds no request or container state (that comes in through the context),
    and building it — strawberry resolving every type — takes about a tenth of a second, which every app made
    for a test would pay again."""
    queries = [NodeQuery, AccountQueries, OperatorQueries, CommerceQueries, ScanQueries, EnterpriseQueries]
    mutations = [AccountMutations, IdentityMutations, OperatorMutations, CertificateMutations, SealMutations,
                 CommerceMutations, CatalogueMutations, ScanMutations, EnterpriseMutations,
                 AdminTransferMutations, LegalRepInvitationMutations, EnterpriseMemberMutations,
                 EnterpriseTransferMutations, EnterpriseSealMutations, CertificateGrantMutations,
                 ServiceApplicationMutations, SigningKeyMutations]
    if sandbox:
        queries.append(SandboxRootQuery)
        mutations.append(SandboxRootMutation)
    # The limiters' validation rules are made once per schema: strawberry's ValidationCache keys on the
    # rule classes, and a limiter built per request makes new classes each time (the cache never hit).
    limits = [*QueryDepthLimiter(max_depth=max_depth).validation_rules,
              *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules]
    Query = merge_types("Query", tuple(queries))
    Mutation = merge_types("Mutation", tuple(mutations))
    Subscription = merge_types("Subscription", (ScanSubscriptions,))
    return _Schema(
        query=Query, mutation=Mutation, subscription=Subscription, types=[AccountType, ReviewType, SessionInfo, EnterpriseType, AuthorizationLetterType, MemberType, JoinApplicationType, CertificateType, SealType,
               *COMMERCE_NODE_TYPES],
        scalar_overrides=SCALAR_OVERRIDES,  # the DateTime and Date descriptions (UTC with offset)
        extensions=[
            # Factories, not instances: strawberry builds fresh extensions per request.
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: MaskErrors(should_mask_error=should_mask, error_message="服务器内部错误，请稍后重试"),
        ],
    )
