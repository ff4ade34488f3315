"""The sandbox's GraphiQL page loads every asset from this server (the vendored copies), each one exactly the file
strawberry's page names (its integrity attribute)."""

from __future__ import annotations

import base64
import hashlib
import re


async def test_graphiql_names_only_local_assets_and_each_matches_its_integrity(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert "unpkg.com" not in page.text and "https://" not in re.sub(r"https://github\.com\S*", "", page.text)
    assets = re.findall(r'(?:src|href)="(/console/static/graphiql/[^"]+)"\s+integrity="(sha384-[^"]+)"', page.text)
    assert len(assets) == 7
    for path, integrity in assets:
        served = await client.get(path)
        assert served.status_code == 200, path
        assert "sha384-" + base64.b64encode(hashlib.sha384(served.content).digest()).decode() == integrity, path
