"""Links to the files the API serves (seal images, letters, invoices, identity photos).

Every URL the API returns is absolute, under the public base URL (`SXQ_PUBLIC_URL`). A file behind a login is
linked by a short-lived signed URL, so an `<img src>` or a download works without an Authorization header: the
link names the viewer's session, the time it stops working and a keyed MAC (HMAC-SM3 under a key of its own,
derived from the master key) over the path, the other query parameters, the expiry and the viewer. A file route
takes either the bearer header or such a signature; the signed principal is then authorised exactly as the
bearer's would be, so a link to someone else's file opens nothing, and ending the session ends its links.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit
from uuid import UUID

from application.context import Principal
from application.ports import Clock, SecretHasher, UnitOfWorkFactory
from domain.accounts.session import PrincipalKind

EXPIRES, SESSION, SIGNATURE = "expires", "session", "signature"
SIGNING_PARAMS = frozenset({EXPIRES, SESSION, SIGNATURE})
PURPOSE = "file-link"
DEFAULT_LIFETIME_SECONDS = 300


class FileLinks:
    def __init__(self, uow: UnitOfWorkFactory, hasher: SecretHasher, clock: Clock, base_url: str,
                 lifetime_seconds: int = DEFAULT_LIFETIME_SECONDS) -> None:
        if lifetime_seconds <= 0:
            raise ValueError("a file link must live a positive number of seconds")
        self._uow, self._hasher, self._clock = uow, hasher, clock
        self._base = base_url.rstrip("/")
        self._lifetime = lifetime_seconds

    @property
    def lifetime_seconds(self) -> int:
        return self._lifetime

    def absolute(self, url: str) -> str:
        """A path (or a URL already under the base) as an absolute URL under the public base."""
        return url if urlsplit(url).scheme else f"{self._base}/{url.lstrip('/')}"

    def signed(self, url: str, principal: Principal | None) -> str:
        """The absolute URL, signed for `principal` for the next few minutes (unsigned for nobody: the route then
        wants the bearer header, as before)."""
        absolute = self.absolute(url)
        if principal is None:
            return absolute
        parts = urlsplit(absolute)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in SIGNING_PARAMS]
        expires = int(self._clock.now().timestamp()) + self._lifetime
        mac = self._mac(parts.path, query, expires, principal.kind, principal.id, principal.session_id)
        signed_query = urlencode([*query, (EXPIRES, str(expires)), (SESSION, principal.session_id.hex),
                                  (SIGNATURE, mac)])
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{signed_query}"

    async def principal(self, path: str, query: Mapping[str, str] | list[tuple[str, str]]) -> Principal | None:
        """Who a signed link stands for, or nobody: a bad or missing signature, a link past its expiry, an ended
        session or a closed account all answer None (the route then answers as to a stranger)."""
        items = list(query.items()) if isinstance(query, Mapping) else list(query)
        given = dict(items)
        try:
            expires = int(given[EXPIRES])
            session_id = UUID(hex=given[SESSION])
            signature = given[SIGNATURE]
        except (KeyError, ValueError):
            return None
        if len(signature) > 128 or int(self._clock.now().timestamp()) >= expires:
            return None
        others = [(k, v) for k, v in items if k not in SIGNING_PARAMS]
        async with self._uow() as uow:
            session = await uow.sessions.get(session_id)
            if session is None or session.revoked_at is not None:
                return None
            expected = self._mac(path, others, expires, session.principal_kind, session.principal_id, session.id)
            if not hmac.compare_digest(expected.encode(), signature.encode()):
                return None
            if session.principal_kind is PrincipalKind.ACCOUNT:
                account = await uow.accounts.get(session.principal_id)
                if account is None or not account.is_active:
                    return None
        return Principal(session.principal_kind, session.principal_id, session.id)

    def _mac(self, path: str, query: list[tuple[str, str]], expires: int, kind: PrincipalKind, principal_id: UUID,
             session_id: UUID) -> str:
        # Unambiguous fields: NUL never occurs in a path, a URL-encoded query, a number or an enum/UUID.
        message = "\x00".join([path, urlencode(query), str(expires), str(kind), str(principal_id), session_id.hex])
        return self._hasher.hash(PURPOSE, message)
