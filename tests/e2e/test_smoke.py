async def test_healthz(client):
    r = await client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


async def test_register_and_me(gql):
    r = await gql.register("13800138000")
    assert r["account"]["phoneMasked"] == "138****8000"
    me = (await gql.op("Me"))["me"]
    assert me["realNameStatus"] == "UNVERIFIED"
    assert me["memberships"] == []
