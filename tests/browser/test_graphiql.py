"""The sandbox's GraphiQL renders in a real Chromium from vendored assets only (the `page` fixture fails on any
request off 127.0.0.1) and runs a query."""

from __future__ import annotations

from tests.browser.support import screenshot


def test_graphiql_renders_offline_and_answers_a_query(live_server, page):
    page.goto(f"{live_server.base}/graphql")
    page.wait_for_selector(".graphiql-container .graphiql-editors", timeout=20_000)
    assert page.evaluate("typeof GraphiQL") == "object" or page.evaluate("typeof GraphiQL") == "function"
    answer = page.evaluate("""async () => {
        const r = await fetch('/graphql', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                           body: JSON.stringify({query: '{ __typename }'})});
        return (await r.json()).data.__typename; }""")
    assert answer == "Query"
    screenshot(page, "graphiql")
