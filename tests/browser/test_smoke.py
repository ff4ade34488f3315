"""The browser harness itself: a real server answers a real Chromium, and the off-site guard holds."""

from __future__ import annotations


def test_chromium_reaches_the_real_server(live_server, page):
    response = page.goto(f"{live_server.base}/healthz")
    assert response is not None and response.status == 200


def test_the_guard_catches_a_request_that_leaves_127_0_0_1(live_server, chromium):
    context = chromium.new_context()
    left: list[str] = []
    context.route("**/*", lambda route: (left.append(route.request.url), route.abort())
                  if "127.0.0.1" not in route.request.url else route.continue_())
    pg = context.new_page()
    pg.set_content('<img src="http://203.0.113.9/x.png">')
    pg.wait_for_timeout(200)
    context.close()
    assert left == ["http://203.0.113.9/x.png"]
