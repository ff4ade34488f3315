"""Descriptions of the schema's root and shared elements (see graphql_schema/common/docs.py)."""

from __future__ import annotations

DOCS: dict[str, str] = {
    "Query": "Reads. Fields that need a signed-in caller answer a GraphQL error with `extensions.code` "
             "UNAUTHENTICATED, TOKEN_EXPIRED or TOKEN_INVALID without one (see `ErrorCode`).",
    "Mutation": "Changes, one `input` argument each. Expected failures come back as the payload's `userErrors` "
                "(nothing was changed); a missing or refused sign-in is a GraphQL error as for `Query`.",
    "Subscription": "Live updates over a WebSocket (graphql-transport-ws) on `/graphql`.",
    "Node.id": "Globally unique, opaque ID; pass it to `node(id)` or to inputs that take this object's ID.",
    "Query.node(id)": "A global ID as returned by any `id` field.",
    "PageInfo": "Where a page of a connection ends. Paging is forward only: pass `endCursor` as `after` while "
                "`hasNextPage` is true.",
    "PageInfo.hasNextPage": "True when more items follow this page.",
    "PageInfo.endCursor": "Cursor of the last item of this page; null when the page is empty.",
    "PageInfo.hasPreviousPage": "Always false: connections page forward only.",
    "PageInfo.startCursor": "Always null: connections page forward only.",
}
