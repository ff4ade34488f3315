"""Issue 15 item 4: the links texted to a legal rep open a landing page (`/l/...`) that hands over to the app by
its deep link and says in Chinese what to do without it; links sent before the pages existed redirect to them."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest

from adapters.http.landing import LANDINGS
from application.enterprises.apply_for_enterprise_service import approval_url as service_url
from application.enterprises.legal_rep_invitations import invitation_url
from application.enterprises.request_admin_transfer import approval_url as transfer_url
from application.global_ids import global_id
from application.grants.create_certificate_grant import approval_url as grant_url

ID = uuid.UUID("6f1c2b7e-0d4a-4c8e-9a61-3b2f5e7d9c10")
TOKEN = "lri_Zr3-kQ_x9vT2mN8pLw4yHc6sUa1bEe0fGg5iJj7oRqY"
LINKS = {
    "service-application": (service_url("https://sxq.example.cn", ID), "id", global_id("ServiceApplication", ID)),
    "admin-transfer": (transfer_url("https://sxq.example.cn", ID), "id", global_id("AdminTransfer", ID)),
    "certificate-grant": (grant_url("https://sxq.example.cn", ID), "grant", global_id("CertificateGrant", ID)),
    "legal-rep-invitation": (invitation_url("https://sxq.example.cn", TOKEN), "token", TOKEN),
}


def test_every_texted_link_points_at_a_landing_page():
    assert set(LINKS) == set(LANDINGS)
    for kind, (url, param, value) in LINKS.items():
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "sxq.example.cn", f"/l/{kind}")
        assert parts.query == f"{param}={value}" and LANDINGS[kind].param == param


@pytest.mark.parametrize("kind", sorted(LINKS))
async def test_the_page_hands_over_to_the_app_and_says_what_to_do(client, kind):
    url, param, value = LINKS[kind]
    page = await client.get(urlsplit(url).path + "?" + urlsplit(url).query)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert f'href="shuxinqian://{kind}?{param}={value}"' in text
    assert LANDINGS[kind].title in text and "打开数信签 App" in text
    assert "应用商店搜索“数信签”" in text and "在浏览器打开" in text  # not installed; inside WeChat
    # Nothing runs and nothing is fetched from anywhere: no script, no src, no stylesheet link.
    assert "<script" not in text and " src=" not in text and "<link" not in text
    assert re.findall(r'href="([^"]+)"', text) == [f"shuxinqian://{kind}?{param}={value}"]
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("old, kind", [("/enterprise/service-application", "service-application"),
                                       ("/enterprise/admin-transfer", "admin-transfer"),
                                       ("/app/certificate-grants/approve", "certificate-grant"),
                                       ("/enterprise/legal-rep-invitation", "legal-rep-invitation")])
async def test_links_sent_before_the_pages_redirect_to_them(client, old, kind):
    _, param, value = LINKS[kind]
    moved = await client.get(f"{old}?{param}={value}")
    assert moved.status_code == 308 and moved.headers["location"] == f"/l/{kind}?{param}={value}"


async def test_a_cut_or_altered_link_says_so_and_reflects_nothing(client):
    for query in ("", "?id=", "?id=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "?other=1", "?id=" + "A" * 201):
        page = await client.get("/l/service-application" + query)
        assert page.status_code == 400 and "链接不完整" in page.text, query
        assert "shuxinqian://" not in page.text and "<script" not in page.text
    unknown = await client.get("/l/something-else?id=abc")
    assert unknown.status_code == 404 and "链接无效" in unknown.text
