"""File URLs as the API hands them out: absolute (under SXQ_PUBLIC_URL) and signed for the viewer for a few
minutes, so an `<img src>` or a download link works without an Authorization header (application/file_links.py).

Types keep the path of the file as their data; the `signed_file_link` extension on the field turns it into the
viewer's link when the field is resolved, the only moment the viewer is known."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import FieldExtension

from graphql_schema.common.context import Info

LINK_NOTE = (" An absolute URL under the server's public base, signed for the viewer: it works without an "
             "Authorization header for a few minutes (SXQ_FILE_LINK_SECONDS, default 300), then ask for the field "
             "again; with the bearer header the same URL keeps working.")


def file_link(info: Info, url: str | None) -> str | None:
    if url is None:
        return None
    return info.context.use_cases.file_links.signed(url, info.context.principal)


class SignedFileLink(FieldExtension):
    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        return file_link(info, next_(source, info, **kwargs))

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        value = next_(source, info, **kwargs)
        if hasattr(value, "__await__"):
            value = await value
        return file_link(info, value)


def signed_file_link() -> list[FieldExtension]:
    return [SignedFileLink()]
