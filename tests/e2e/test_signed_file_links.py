"""Issue 15 item 4: every file URL the API returns is absolute (under SXQ_PUBLIC_URL) and signed for the viewer
for a few minutes, so an `<img src>` or a download works without an Authorization header. A link stops at its
expiry, at any change to it, when its session ends, and never opens a file its viewer could not read anyway."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit
from uuid import UUID

from application.context import Principal
from domain.accounts.session import PrincipalKind
from tests.contract.test_certificates_flows import OTHER, PHONE, claim, entitlement, verified
from tests.support.data import id_number
from tests.support.links import unsigned

PNG = b"\x89PNG"


def _with(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(changes)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"


async def _seal_of(gql, container, phone: str, name: str, number: str | None = None) -> dict:
    account = await verified(gql, container, phone=phone, name=name, number=number)
    r = await claim(gql, await entitlement(container, account), phone=phone)
    assert r["userErrors"] == [], r
    return r["personalSeal"]


async def test_a_seal_image_link_is_absolute_signed_and_works_without_a_header(gql, container, client, settings):
    seal = await _seal_of(gql, container, PHONE, "张三")
    url = seal["imageUrl"]
    parts = urlsplit(url)
    assert url.startswith(settings.base_url + "/files/seals/"), url
    assert {k for k, _ in parse_qsl(parts.query)} == {"expires", "session", "signature"}

    img = await client.get(url)  # no Authorization header: what an <img src> sends
    assert img.status_code == 200 and img.content.startswith(PNG)
    assert img.headers["cache-control"] == "private, no-store"
    # The bearer header still opens the bare path, and a stranger who guesses the path gets nothing.
    assert (await client.get(unsigned(url), headers={"Authorization": f"Bearer {gql.token}"})).status_code == 200
    assert (await client.get(unsigned(url))).status_code == 404

    apps = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    name_sig = next(a for a in apps if a["kind"] == "NAME_SIGNATURE")
    assert name_sig["imageUrl"].startswith(settings.base_url + "/files/appearances/name-signature?")
    assert (await client.get(name_sig["imageUrl"])).content.startswith(PNG)


async def test_a_link_stops_working_at_its_expiry(gql, container, client, clock, settings):
    seal = await _seal_of(gql, container, PHONE, "张三")
    assert settings.file_link_seconds == 300
    clock.advance(seconds=299)
    assert (await client.get(seal["imageUrl"])).status_code == 200
    clock.advance(seconds=1)
    assert (await client.get(seal["imageUrl"])).status_code == 404
    fresh = (await gql.op("MySeals"))["me"]["seals"][0]["imageUrl"]  # asking again gives a working link
    assert (await client.get(fresh)).status_code == 200


async def test_a_changed_link_opens_nothing(gql, container, client):
    seal = await _seal_of(gql, container, PHONE, "张三")
    url = seal["imageUrl"]
    q = dict(parse_qsl(urlsplit(url).query))
    expires = int(q["expires"])
    sig = q["signature"]
    tampered = [
        _with(url, expires=str(expires + 3600)),  # a longer life
        _with(url, signature=("0" if sig[0] != "0" else "1") + sig[1:]),  # one character of the MAC
        _with(url, signature=""),
        _with(url, session="0" * 32),  # another (non-existent) session
        _with(url, session="not-a-session"),
        _with(url, expires="soon"),
        _with(url, face="U2VhbEZhY2U6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"),  # an extra parameter
        # the signature of one file on another of the same viewer's
        f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/files/appearances/name-signature?{urlsplit(url).query}",
    ]
    for bad in tampered:
        assert (await client.get(bad)).status_code == 404, bad
    assert (await client.get(url)).status_code == 200


async def test_another_users_file_stays_closed(gql, container, client, settings):
    mine = await _seal_of(gql, container, PHONE, "张三")
    me_token = gql.token
    theirs = await _seal_of(gql, container, OTHER, "李四", number=id_number(seq="456"))
    their_token = gql.token
    # My signature moved onto their seal's path: the MAC covers the path.
    mine_q = urlsplit(mine["imageUrl"]).query
    moved = f"{settings.base_url}{urlsplit(theirs['imageUrl']).path}?{mine_q}"
    assert (await client.get(moved)).status_code == 404
    # A link to their seal honestly signed for me (the server would never hand it out) still opens nothing: the
    # signed principal is authorised exactly as their bearer token would be.
    links = container.use_cases().file_links
    session = dict(parse_qsl(mine_q))["session"]
    async with container.uow() as uow:
        s = await uow.sessions.get(UUID(hex=session))
    me = Principal(PrincipalKind.ACCOUNT, s.principal_id, s.id)
    forged_for_me = links.signed(unsigned(theirs["imageUrl"]), me)
    assert (await client.get(forged_for_me)).status_code == 404
    assert (await client.get(links.signed(unsigned(mine["imageUrl"]), me))).status_code == 200
    # With a bearer header the header decides: their token does not open my link.
    assert (await client.get(mine["imageUrl"], headers={"Authorization": f"Bearer {their_token}"})).status_code \
        == 404
    assert me_token != their_token


async def test_ending_the_session_ends_its_links(gql, container, client):
    seal = await _seal_of(gql, container, PHONE, "张三")
    assert (await client.get(seal["imageUrl"])).status_code == 200
    assert (await gql.op("Logout"))["logout"]["userErrors"] == []
    assert (await client.get(seal["imageUrl"])).status_code == 404
