"""Descriptions of the operators' schema elements (see graphql_schema/common/docs.py)."""

from __future__ import annotations

DOCS: dict[str, str] = {
    "OperatorSession": "An operator's bearer token (no refresh token: sign in again when it expires).",
    "OperatorSession.accessToken": "Bearer token for the operator fields (8 hours).",
    "OperatorSession.expiresAt": "When the token expires.",
    "OperatorLoginInput": "An operator's credentials.",
    "OperatorLoginInput.username": "The username given to `sxq operator create`.",
    "OperatorLoginInput.password": "The operator's password (wrong ones count toward a lock, as for accounts).",
    "OperatorLoginPayload": "The signed-in operator.",
    "OperatorLoginPayload.session": "The operator's token; null on error.",
    "OperatorLoginPayload.userErrors": "Why nothing was changed; empty on success.",
    "Mutation.operatorLogin(input)": "Username and password.",
    "Query.reviews(kind)": "Only reviews of this kind; all kinds when omitted.",
    "Query.reviews(status)": "Only reviews in this state; all states when omitted.",
    "Query.reviews(first)": "Page size (default 20, at most 100).",
    "Query.reviews(after)": "An `endCursor` (or edge cursor) of the previous page.",
}
