"""Kits (component SKUs) and prices per channel and currency, over HTTP."""

from __future__ import annotations

from tests.helpers import assert_problem, ref

SKUS = "/api/v1/skus"


def new_sku(client, **over: object) -> dict:
    r = client.post(SKUS, json={"sku": ref("SKU"), "product_name": "Part", **over})
    assert r.status_code == 201, r.text
    return r.json()


def new_channel(client, currency: str = "EUR") -> dict:
    body = {"code": ref("web"), "name": "Web", "type": "web", "currency": currency}
    r = client.post("/api/v1/channels", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def put_components(client, kit: dict, components: list[dict], **headers: str):
    return client.put(
        f"{SKUS}/{kit['id']}/components", json={"components": components}, headers=headers
    )


def test_a_kit_lists_its_components_and_is_kit_follows(client):
    kit, a, b = new_sku(client), new_sku(client), new_sku(client)
    r = put_components(
        client, kit, [{"sku": b["sku"], "quantity": 2}, {"sku": a["id"]}], **{"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    got = client.get(f"{SKUS}/{kit['sku']}").json()
    assert got["is_kit"] is True
    assert sorted((c["sku_id"], c["sku"], c["quantity"]) for c in got["components"]) == sorted(
        [(a["id"], a["sku"], 1), (b["id"], b["sku"], 2)]
    )
    listed = client.get(SKUS, params={"q": kit["sku"]}).json()["items"]
    assert listed[0]["components"] == got["components"]
    assert_problem(put_components(client, kit, [], **{"If-Match": '"1"'}), 412, "version_mismatch")
    r = put_components(client, kit, [])
    assert r.json()["is_kit"] is False and r.json()["components"] == []


def test_components_must_exist_and_not_repeat(client):
    kit, a = new_sku(client), new_sku(client)
    r = put_components(client, kit, [{"sku": a["sku"]}, {"sku": "no-such-sku"}])
    body = assert_problem(r, 422, "invalid_components")
    assert body["errors"] == [
        {"field": "components.1.sku", "code": "unknown_sku", "message": "no-such-sku"}
    ]
    r = put_components(client, kit, [{"sku": a["sku"]}, {"sku": a["id"], "quantity": 3}])
    body = assert_problem(r, 422, "invalid_components")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("components.1.sku", "duplicate_component")
    ]
    r = put_components(client, kit, [{"sku": a["sku"], "quantity": 0}])
    assert_problem(r, 422, "invalid_request")
    assert client.get(f"{SKUS}/{kit['id']}").json()["is_kit"] is False


def test_no_kit_inside_itself_directly_or_through_others(client):
    a, b, c = new_sku(client), new_sku(client), new_sku(client)
    body = assert_problem(put_components(client, a, [{"sku": a["sku"]}]), 422, "invalid_components")
    assert body["errors"][0]["code"] == "kit_contains_itself"
    assert put_components(client, a, [{"sku": b["sku"]}]).status_code == 200
    assert put_components(client, b, [{"sku": c["sku"]}]).status_code == 200
    r = put_components(client, c, [{"sku": a["sku"]}])
    body = assert_problem(r, 422, "invalid_components")
    (error,) = body["errors"]
    assert (error["field"], error["code"]) == ("components.0.sku", "kit_cycle")
    assert error["message"] == f"would loop: {c['sku']} > {a['sku']} > {b['sku']} > {c['sku']}"
    assert client.get(f"{SKUS}/{c['id']}").json()["is_kit"] is False


def test_prices_per_channel_and_currency_round_trip_exactly(client):
    sku, web, pos = new_sku(client), new_channel(client), new_channel(client, "USD")
    prices = [
        {"channel": web["code"], "currency": "EUR", "amount": "19.99"},
        {"channel": web["id"], "currency": "USD", "amount": "21.5"},
        {"channel": pos["code"], "currency": "USD", "amount": "0.1234"},
    ]
    r = client.put(f"{SKUS}/{sku['sku']}/prices", json={"prices": prices})
    assert r.status_code == 200, r.text
    got = client.get(f"{SKUS}/{sku['id']}/prices").json()
    assert got == r.json()
    assert (got["sku_id"], got["sku"]) == (sku["id"], sku["sku"])
    assert sorted((p["channel_code"], p["currency"], p["amount"]) for p in got["prices"]) == sorted(
        [
            (web["code"], "EUR", "19.99"),
            (web["code"], "USD", "21.50"),
            (pos["code"], "USD", "0.1234"),
        ]
    )
    # PUT replaces the whole set.
    r = client.put(
        f"{SKUS}/{sku['id']}/prices",
        json={"prices": [{"channel": pos["id"], "currency": "USD", "amount": "5"}]},
    )
    assert [(p["channel_id"], p["amount"]) for p in r.json()["prices"]] == [(pos["id"], "5.00")]


def test_price_errors_name_the_entry(client):
    sku, web = new_sku(client), new_channel(client)
    prices = [
        {"channel": web["code"], "currency": "eur", "amount": "1"},
        {"channel": "nowhere", "currency": "EUR", "amount": "1"},
        {"channel": web["code"], "currency": "EUR", "amount": "1"},
        {"channel": web["id"], "currency": "EUR", "amount": "2"},
    ]
    body = assert_problem(
        client.put(f"{SKUS}/{sku['id']}/prices", json={"prices": prices}), 422, "invalid_prices"
    )
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("prices.0.currency", "invalid_currency"),
        ("prices.1.channel", "unknown_channel"),
        ("prices.3", "duplicate_price"),
    }
    # amounts out of the schema's range are refused before the prices are looked at
    amounts = [
        {"channel": web["code"], "currency": "EUR", "amount": "-1"},
        {"channel": web["code"], "currency": "USD", "amount": "1.000001"},
    ]
    body = assert_problem(
        client.put(f"{SKUS}/{sku['id']}/prices", json={"prices": amounts}), 422, "invalid_request"
    )
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("prices.0.amount", "greater_than_equal"),
        ("prices.1.amount", "decimal_max_places"),
    }
    bad = {"prices": [{"channel": web["code"], "currency": "EUR", "amount": "lots"}]}
    assert_problem(client.put(f"{SKUS}/{sku['id']}/prices", json=bad), 422, "invalid_request")
    assert client.get(f"{SKUS}/{sku['id']}/prices").json()["prices"] == []
    assert_problem(client.get(f"{SKUS}/nope-{ref()}/prices"), 404, "sku_not_found")


def test_prices_given_at_creation(client):
    web = new_channel(client)
    sku = new_sku(client, prices=[{"channel": web["code"], "currency": "EUR", "amount": "9.90"}])
    got = client.get(f"{SKUS}/{sku['id']}/prices").json()["prices"]
    assert [(p["channel_id"], p["currency"], p["amount"]) for p in got] == [
        (web["id"], "EUR", "9.90")
    ]
