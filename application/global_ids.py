"""The opaque global IDs the API takes (Relay's Node ids). Links the server hands out — an approval link in an SMS,
the QR code beside it — carry these, so the page they open passes the very ID the API's mutations and `node(id)`
take; graphql_schema encodes its IDs with the same function."""

from __future__ import annotations

import base64
from uuid import UUID


def global_id(type_name: str, local_id: UUID) -> str:
    raw = f"{type_name}:{local_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
