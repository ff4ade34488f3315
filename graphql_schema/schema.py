"""The schema: root types merged from each bounded context, with limits and masking on."""

from __future__ import annotations

import functools

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
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

from graphql_schema import sandbox_docs
from graphql_schema.accounts import docs as accounts_docs
from graphql_schema.accounts.mutations import AccountMutations
from graphql_schema.accounts.queries import AccountQueries
from graphql_schema.accounts.types import AccountType, SessionInfo
from graphql_schema.certificates import docs as certificates_docs
from graphql_schema.certificates.mutations import CertificateMutations
from graphql_schema.certificates.types import CertificateType
from graphql_schema.commerce import docs as commerce_docs
from graphql_schema.commerce.mutations import CatalogueMutations, CommerceMutations
from graphql_schema.commerce.queries import CommerceQueries
from graphql_schema.commerce.subscriptions import CommerceSubscriptions
from graphql_schema.commerce.types import COMMERCE_NODE_TYPES
from graphql_schema.common import schema_docs as common_docs
from graphql_schema.common.docs import apply_docs
from graphql_schema.common.errors import TokenRefusalCodes, should_mask
from graphql_schema.common.hardening import HideSuggestions, log_errors
from graphql_schema.common.scalars import SCALAR_OVERRIDES
from graphql_schema.enterprises import docs as enterprises_docs
from graphql_schema.enterprises.admin_transfers import AdminTransferMutations
from graphql_schema.enterprises.bank_transfers import EnterpriseTransferMutations
from graphql_schema.enterprises.legal_rep_invitations import LegalRepInvitationMutations
from graphql_schema.enterprises.member_mutations import EnterpriseMemberMutations
from graphql_schema.enterprises.member_types import JoinApplicationType, MemberInvitationType, MemberType
from graphql_schema.enterprises.mutations import EnterpriseMutations
from graphql_schema.enterprises.queries import EnterpriseQueries
from graphql_schema.enterprises.service_applications import ServiceApplicationMutations
from graphql_schema.enterprises.types import AuthorizationLetterType, EnterpriseType
from graphql_schema.grants import docs as grants_docs
from graphql_schema.grants.mutations import CertificateGrantMutations
from graphql_schema.identity import docs as identity_docs
from graphql_schema.identity.mutations import IdentityMutations
from graphql_schema.identity.types import ReviewType
from graphql_schema.node import NodeQuery
from graphql_schema.operators import docs as operators_docs
from graphql_schema.operators.schema import OperatorMutations, OperatorQueries
from graphql_schema.sandbox import SandboxRootMutation, SandboxRootQuery
from graphql_schema.scans import docs as scans_docs
from graphql_schema.scans.mutations import ScanMutations
from graphql_schema.scans.queries import ScanQueries
from graphql_schema.scans.subscriptions import ScanSubscriptions
from graphql_schema.seals import docs as seals_docs
from graphql_schema.seals.enterprise_seals import EnterpriseSealMutations
from graphql_schema.seals.mutations import SealMutations
from graphql_schema.seals.types import SealType
from graphql_schema.signing import docs as signing_docs
from graphql_schema.signing.mutations import SigningKeyMutations


class _Schema(strawberry.Schema):
    # Description-table entries that fit no undescribed element (graphql_schema/common/docs.py); a test reads it.
    doc_problems: tuple[str, ...] = ()

    def process_errors(self, errors, execution_context=None) -> None:
        # Not strawberry's logger: it writes each message (rejected variable values, query literals) at ERROR.
        # Auth refusals are expected traffic and are not logged at all.
        log_errors(errors, getattr(execution_context, "operation_name", None))


@functools.cache
def build_schema(*, sandbox: bool = True, max_depth: int = 12, max_aliases: int = 30,
                 max_tokens: int = 2000, introspection: bool | None = None,
                 suggestions: bool | None = None) -> strawberry.Schema:
    """One schema per set of limits: it holds no request or container state (that comes in through the context),
    and building it — strawberry resolving every type — takes about a tenth of a second, which every app made
    for a test would pay again. Introspection and "Did you mean" hints default to on in the sandbox and off in
    production: integrators read the committed schema.graphql."""
    introspection = sandbox if introspection is None else introspection
    suggestions = sandbox if suggestions is None else suggestions
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
    if not introspection:
        limits.append(NoSchemaIntrospectionCustomRule)
    Query = merge_types("Query", tuple(queries))
    Mutation = merge_types("Mutation", tuple(mutations))
    Subscription = merge_types("Subscription", (ScanSubscriptions, CommerceSubscriptions))
    schema = _Schema(
        query=Query, mutation=Mutation, subscription=Subscription, types=[AccountType, ReviewType, SessionInfo, EnterpriseType, AuthorizationLetterType, MemberType, MemberInvitationType, JoinApplicationType, CertificateType, SealType,
               *COMMERCE_NODE_TYPES],
        scalar_overrides=SCALAR_OVERRIDES,  # the DateTime and Date descriptions (UTC with offset)
        extensions=[
            # Factories, not instances: strawberry builds fresh extensions per request.
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            TokenRefusalCodes,
            lambda: MaskErrors(should_mask_error=should_mask, error_message="服务器内部错误，请稍后重试"),
            *([] if suggestions else [HideSuggestions]),
        ],
    )
    # Descriptions the code leaves blank come from each context's table (graphql_schema/*/docs.py); what does not
    # fit is kept for tests/contract/test_schema_documented.py rather than failing every start.
    schema.doc_problems = tuple(apply_docs(schema._schema, schema_docs(sandbox=sandbox)))
    return schema


def schema_docs(*, sandbox: bool) -> list[dict[str, str]]:
    """The description tables of every context (and of the sandbox fields when they are in the schema)."""
    tables = [common_docs.DOCS, accounts_docs.DOCS, identity_docs.DOCS, operators_docs.DOCS, certificates_docs.DOCS,
              seals_docs.DOCS, signing_docs.DOCS, commerce_docs.DOCS, scans_docs.DOCS, enterprises_docs.DOCS,
              grants_docs.DOCS]
    return [*tables, sandbox_docs.DOCS] if sandbox else tables
