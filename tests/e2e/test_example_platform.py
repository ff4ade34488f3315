"""The example relying party (examples/trading_platform) against the real server, both served by uvicorn:
it registers through the operator API, signs its requests, receives our callbacks over HTTP and verifies them
(signature, chain to our root, OCSP), and acts on LOGIN, SIGN and DECRYPT results."""

from __future__ import annotations

import asyncio
import base64
import io

import httpx
import pytest

from domain.operators.operator import OperatorRole
from examples.trading_platform import gm, pki
from examples.trading_platform.app import create_app as create_platform_app
from examples.trading_platform.app import sample_pdf
from examples.trading_platform.platform import RelyingParty
from examples.trading_platform.register import register_with_operator_api
from tests.contract.test_certificates_flows import PHONE, account_uuid, entitlement, verified
from tests.contract.test_scan_flows import claim_with_phone, confirm
from tests.support.platform import entitlement_on
from tests.support.ws import collect, serving, subscription

CODE = "DEMOPF00001"
WATCH = ("subscription W($tId: String!, $w: String!) { scanSessionChanged(tId: $tId, watchToken: $w) "
         "{ tId status } }")


@pytest.fixture
async def world(app, container, gql):
    """Our server and the platform's app on two real ports; the platform registered; a holder with a
    certificate pair and an entitlement on it."""
    await container.use_cases().create_operator("catalogue", "Oper4tor!x", OperatorRole.ADMIN)
    http = httpx.AsyncClient(timeout=10)
    key = gm.new_private_key()
    async with serving(app) as sxq_url:
        party = RelyingParty(server_url=sxq_url, platform_code=CODE, private_key=key,
                             callback_certificate_pem="", http=http)
        async with serving(create_platform_app(party)) as rp_url:
            party.callback_certificate_pem = await register_with_operator_api(
                http, sxq_url, username="catalogue", password="Oper4tor!x", platform_code=CODE,
                name="示例交易平台", region="北京市", callback_url=f"{rp_url}/sxq/callback", private_key=key)
            account = await verified(gql, container)
            assert (await claim_with_phone(gql, PHONE, await entitlement(container, account)))["userErrors"] == []
            async with container.uow() as uow:
                platform = await uow.trading_platforms.by_code(CODE)
            await entitlement_on(container, account_uuid(account), platform.id)
            certs = (await gql.op("MyCertificates"))["me"]["certificates"]
            yield party, sxq_url, rp_url, certs
    await http.aclose()


async def _deliver(container) -> None:
    """The outbox worker's pass: our signed callbacks go over HTTP to the platform's callback URL."""
    await container.dispatcher().dispatch_due()


async def _scan_and_confirm(gql, qr: str, certs, *, seal: bool = False) -> None:
    """The app: scan, take the certificate the server offers for this operation, confirm: the first call lists
    what to co-sign, the phone (sxq_phone) checks it against the screen and co-signs under the PIN, the
    second call sends the co-signatures."""
    seen = (await gql.op("ScanQrCode", {"qrContent": qr}))["scanQrCode"]
    assert seen["userErrors"] == [], seen
    view = seen["session"]
    cert = view["usableCertificates"][0]["certificate"]
    assert cert["id"] in {c["id"] for c in certs}
    seal_id = view["usableSeals"][0]["id"] if seal and view["usableSeals"] else None
    done = await confirm(gql, view, cert["id"], seal_id=seal_id)
    assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done


async def test_login_callback_verified_and_the_page_follows_it(world, gql, container):
    party, sxq_url, rp_url, certs = world
    async with httpx.AsyncClient(base_url=rp_url, follow_redirects=False) as browser:
        r = await browser.post("/login")
        assert r.status_code == 303
        t_id = r.headers["location"].rsplit("/", 1)[1]
        page = (await browser.get(r.headers["location"])).text
        assert party.watch_tokens[t_id] in page and "graphql-transport-ws" in page
    async with subscription(sxq_url, WATCH, {"tId": t_id, "w": party.watch_tokens[t_id]}) as events:
        assert (await asyncio.wait_for(anext(events), 10))["scanSessionChanged"]["status"] == "WAITING"
        await _scan_and_confirm(gql, party.qr_contents[t_id], certs)
        assert await collect(events, "scanSessionChanged") == ["SCANNED", "CONFIRMED"]
    await _deliver(container)
    outcome = party.outcomes[t_id]
    assert outcome.status == "CONFIRMED" and outcome.error is None and outcome.verified
    assert outcome.holder["name"]
    async with httpx.AsyncClient(base_url=rp_url) as browser:
        shown = (await browser.get(f"/result/{t_id}")).json()
    assert shown["verified"] is True and shown["status"] == "CONFIRMED"
    # A retried delivery of the same event is acknowledged and changes nothing.
    assert len(party.events_seen) == 2


async def test_a_forged_callback_is_refused(world):
    party, _sxq_url, rp_url, _certs = world
    session = await party.start_login()
    body = (b'{"eventId":"%s-CONFIRMED","type":"CONFIRMED","tId":"%s","occurredAt":"x","result":null}'
            % (session["tId"].encode(), session["tId"].encode()))
    import time

    forger = gm.new_private_key()
    ts = str(int(time.time()))
    sig = gm.sign(forger, f"{ts}\n{session['tId']}-CONFIRMED\n{gm.sm3_hex(body)}".encode())
    async with httpx.AsyncClient(base_url=rp_url) as c:
        r = await c.post("/sxq/callback", content=body, headers={
            "X-Event-Id": f"{session['tId']}-CONFIRMED", "X-Timestamp": ts,
            "X-Signature": base64.b64encode(sig).decode()})
    assert r.status_code == 400
    assert party.outcomes[session["tId"]].status == "WAITING"


async def test_sign_result_is_merged_into_a_pdf_that_validates(world, gql, container):
    party, _sxq_url, _rp_url, certs = world
    session = await party.start_sign({"doc-1": ("投标文件.pdf", sample_pdf())})
    await _scan_and_confirm(gql, session["qrContent"], certs, seal=True)
    await _deliver(container)
    outcome = party.outcomes[session["tId"]]
    assert outcome.error is None and outcome.verified, outcome.error
    signed = outcome.signed_pdf
    assert signed and signed.startswith(b"%PDF")
    # The merged signature validates with the repository's SM2 PAdES validator (an independent reader).
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(signed))
    assert len(reader.embedded_signatures) == 1
    from adapters.documents.pades.validation import async_validate_pdf

    trust = await party.trust()
    report = await async_validate_pdf(signed, [trust.root], container.sm2_backend(), other_certs=[trust.issuing])
    assert len(report) == 1 and report[0].intact and report[0].valid and report[0].trusted, report[0].summary


async def test_decrypt_opens_a_sealed_bid(world, gql, container):
    party, _sxq_url, _rp_url, certs = world
    login = await party.start_login()
    await _scan_and_confirm(gql, login["qrContent"], certs)
    await _deliver(container)
    result = (await party.api.session(login["tId"]))["result"]
    assert result["encryptionCertificatePem"]
    assert pki.load_pem_certificate(result["encryptionCertificatePem"]).serial_number  # the bidder's cert
    bid = party.seal_bid(result["encryptionCertificatePem"], "投标报价：1,234,000 元".encode())
    session = await party.start_decrypt([bid])
    await _scan_and_confirm(gql, session["qrContent"], certs)
    await _deliver(container)
    outcome = party.outcomes[session["tId"]]
    assert outcome.error is None and outcome.verified, outcome.error
    assert outcome.opened_bids[bid.envelope_id].decode() == "投标报价：1,234,000 元"
