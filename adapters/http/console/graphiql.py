"""Strawberry's GraphiQL page with its unpkg.com assets replaced by the vendored copies (static/graphiql/), so the
sandbox's /graphql page renders offline and on an intranet. The integrity attributes stay: the browser checks that
each copy is the released file."""

from __future__ import annotations

from strawberry.http.ides import get_graphql_ide_html

BASE = "/console/static/graphiql/"
ASSETS = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": "react-dom.production.min.js",
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": "plugin-explorer.umd.js",
}


class UnvendoredAsset(RuntimeError):
    """Strawberry's page names a remote asset we have no copy of (a strawberry upgrade changed the versions)."""


def vendored_graphiql_html() -> str:
    html = get_graphql_ide_html(graphql_ide="graphiql")
    for remote, local in ASSETS.items():
        html = html.replace(remote, BASE + local)
    if "https://unpkg.com" in html or "cdn." in html:
        raise UnvendoredAsset("strawberry's GraphiQL page loads an asset that is not vendored; see static/VENDORED.md")
    return html
