"""Every operation in the OpenAPI document, walked with the wrong keys.

* no key: 401 ``missing_api_key``;
* a key without the operation's scope: 403 ``missing_scope``;
* a key restricted to one warehouse: 403 ``location_restricted_key`` where the document
  says ``x-location-access: unrestricted``, and elsewhere it only ever sees its own
  warehouse's orders and their customers, payments and invoices: another warehouse's
  order, customer, payment, invoice and fulfillment answer 404 (or 403
  ``location_forbidden`` for a fulfillment), and no answer to it carries the other
  customer's name, email, phone or street.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from switchyard.auth.domain import SCOPES
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, make_key, ref

PARAM = re.compile(r"\{([^}]+)\}")


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    doc = client.get("/openapi.json").json()
    return [
        (method, path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if op.get("security")
    ]


def _scope(op: dict[str, Any]) -> str:
    (scope,) = {s for requirement in op["security"] for s in next(iter(requirement.values()))}
    return scope


def _fill(path: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: values.get(m.group(1), "nothing-here"), path)


def _ship(client: TestClient, fulfillment_id: str) -> None:
    base = f"/api/v1/fulfillments/{fulfillment_id}"
    for step in ("pick", "pack"):
        assert client.post(f"{base}/{step}").status_code == 200
    r = client.post(f"{base}/ship", json={"carrier": "DHL", "tracking_number": ref("T")})
    assert r.status_code == 200, r.text


def _side(client: TestClient, database: Any, channel: dict[str, Any], who: str) -> dict[str, Any]:
    """A warehouse with one shipped, paid and invoiced order and one held order, for one
    customer whose name, email, phone and street are unique to this side."""
    warehouse = make_location(client, code=ref(f"WH{who}"))
    sku = make_sku(client, channel)
    stock(database, sku, warehouse, 10)
    name = f"Kundin {who} {ref('n')}"
    street = f"Strasse {who} {ref('s')}"
    phone = "+49309018202" if who == "A" else "+49309018207"
    customer = {"email": f"{ref(who.lower())}@example.com", "name": name, "phone": phone}
    body = order_body(channel, [(sku, 1)], customer=customer)
    body["shipping_address"] |= {"name": name, "line1": street}
    r = client.post("/api/v1/orders", json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    (fulfillment,) = order["fulfillments"]
    assert fulfillment["location_id"] == warehouse["id"]
    r = client.post(f"/api/v1/orders/{order['id']}/payments", json={"provider": "manual"})
    assert r.status_code == 201, r.text
    payment = r.json()
    _ship(client, fulfillment["id"])
    (invoice,) = client.get(f"/api/v1/orders/{order['id']}/invoices").json()["items"]
    held = client.post("/api/v1/orders", json={**body, "external_id": ref("EXT")}).json()
    r = client.post(
        f"/api/v1/orders/{held['id']}/holds",
        json={"type": "fraud", "reason": "check"},
        headers={"If-Match": f'"{held["version"]}"'},
    )
    assert r.status_code == 201, r.text
    return {
        "warehouse": warehouse,
        "params": {
            "order_id": order["id"],
            "customer_id": order["customer_id"],
            "payment_id": payment["id"],
            "invoice_ref": invoice["number"],
            "fulfillment_id": fulfillment["id"],
        },
        "held_order_id": held["id"],
        "secrets": [name, customer["email"], street, phone.removeprefix("+")],
    }


@pytest.fixture(scope="module")
def world(client: TestClient, database: Any) -> dict[str, Any]:
    channel = make_channel(client)
    ours, theirs = _side(client, database, channel, "A"), _side(client, database, channel, "B")
    restricted = make_key(database, sorted(SCOPES), [ours["warehouse"]["id"]])
    return {"ours": ours, "theirs": theirs, "restricted": restricted}


def _as(client: TestClient, key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {"Authorization": ""}


def test_every_operation_needs_a_key(client: TestClient) -> None:
    walked = 0
    for method, path, _ in _operations(client):
        r = client.request(method, _fill(path, {}), headers=_as(client, None))
        assert_problem(r, 401, "missing_api_key")
        walked += 1
    assert walked >= 150, walked


def test_every_operation_needs_its_scope(client: TestClient, database: Any) -> None:
    keys: dict[str, str] = {}
    for method, path, op in _operations(client):
        scope = _scope(op)
        resource = scope.partition(":")[0]
        other = "catalog:write" if resource == "compliance" else "compliance:write"
        key = keys.get(other) or keys.setdefault(other, make_key(database, [other]))
        r = client.request(method, _fill(path, {}), headers=_as(client, key))
        body = assert_problem(r, 403, "missing_scope")
        assert f"'{scope}'" in body["detail"], (method, path, body)


def test_a_restricted_key_is_refused_where_it_acts_for_the_whole_business(
    client: TestClient, world: dict[str, Any]
) -> None:
    marked = {"any": 0, "own": 0, "unrestricted": 0}
    ours = world["ours"]["params"]
    for method, path, op in _operations(client):
        access = op["x-location-access"]
        marked[access] += 1
        r = client.request(method, _fill(path, ours), headers=_as(client, world["restricted"]))
        if access == "unrestricted":
            assert_problem(r, 403, "location_restricted_key")
        elif r.status_code == 403:
            assert r.json()["code"] != "location_restricted_key", (method, path)
    assert all(marked.values()), marked
    for method, path in [
        ("post", "/api/v1/orders"),
        ("post", "/api/v1/draft-orders"),
        ("get", "/api/v1/draft-orders"),
        ("get", "/api/v1/customers/{customer_id}/addresses"),
        ("post", "/api/v1/webhooks/endpoints"),
        ("get", "/api/v1/api-keys"),
        ("post", "/api/v1/orders/{order_id}/cancel"),
        ("post", "/api/v1/payments/{payment_id}/refund"),
    ]:
        r = client.request(method, _fill(path, ours), headers=_as(client, world["restricted"]))
        assert_problem(r, 403, "location_restricted_key")


def _gets(client: TestClient) -> list[tuple[str, str]]:
    return [(path, op["x-location-access"]) for m, path, op in _operations(client) if m == "get"]


def test_a_restricted_key_sees_nothing_of_another_location(
    client: TestClient, world: dict[str, Any]
) -> None:
    theirs, headers = world["theirs"], _as(client, world["restricted"])
    hidden = 0
    for path, access in _gets(client):
        if access == "unrestricted":
            continue
        names = set(PARAM.findall(path))
        r = client.get(_fill(path, theirs["params"]), headers=headers)
        if names & set(theirs["params"]) and access == "own":
            assert r.status_code in (403, 404), (path, r.status_code, r.text)
            if r.status_code == 403:
                assert r.json()["code"] == "location_forbidden"
            hidden += 1
        text = r.text
        for secret in theirs["secrets"]:
            assert secret not in text, (path, secret)
        if access == "own" and r.status_code == 200:
            assert theirs["params"]["order_id"] not in text, path
            assert theirs["held_order_id"] not in text, path
    assert hidden >= 12, hidden


def test_a_restricted_key_sees_its_own_location(client: TestClient, world: dict[str, Any]) -> None:
    ours, theirs = world["ours"], world["theirs"]
    headers = _as(client, world["restricted"])
    seen = 0
    for path, access in _gets(client):
        names = set(PARAM.findall(path))
        if access != "own" or not names or not names <= set(ours["params"]):
            continue
        r = client.get(_fill(path, ours["params"]), headers=headers)
        assert r.status_code == 200, (path, r.text)
        seen += 1
    assert seen >= 10, seen

    def listed(path: str, **params: str) -> str:
        r = client.get(path, params=params, headers=headers)
        assert r.status_code == 200, (path, r.text)
        return json.dumps(r.json())

    orders = client.get("/api/v1/orders", headers=headers).json()["items"]
    assert {o["id"] for o in orders} == {ours["params"]["order_id"], ours["held_order_id"]}
    assert listed("/api/v1/orders", location=theirs["warehouse"]["code"]) == (
        '{"items": [], "next_cursor": null}'
    )
    queue = client.get("/api/v1/exceptions", headers=headers).json()["items"]
    assert [q["order_id"] if "order_id" in q else q["id"] for q in queue] == [ours["held_order_id"]]
    customers = client.get("/api/v1/customers", headers=headers).json()["items"]
    assert [c["id"] for c in customers] == [ours["params"]["customer_id"]]
    assert ours["secrets"][0] in listed(f"/api/v1/orders/{ours['params']['order_id']}")


def test_a_restricted_key_sees_only_its_part_of_a_shared_order(
    client: TestClient, database: Any, world: dict[str, Any]
) -> None:
    """An order split over both warehouses: the key sees the order, its own fulfillment
    and its own fulfillment's events, not the other's."""
    ours, theirs = world["ours"]["warehouse"], world["theirs"]["warehouse"]
    channel = make_channel(client)
    here, there = make_sku(client, channel), make_sku(client, channel)
    stock(database, here, ours, 5)
    stock(database, there, theirs, 5)
    r = client.post("/api/v1/orders", json=order_body(channel, [(here, 1), (there, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    by_location = {f["location_id"]: f["id"] for f in order["fulfillments"]}
    assert set(by_location) == {ours["id"], theirs["id"]}
    headers = _as(client, world["restricted"])
    seen = client.get(f"/api/v1/orders/{order['id']}", headers=headers).json()
    assert [f["id"] for f in seen["fulfillments"]] == [by_location[ours["id"]]]
    events = client.get(f"/api/v1/orders/{order['id']}/events", headers=headers).json()
    aggregates = {e["aggregate_id"] for e in events["items"]}
    assert by_location[ours["id"]] in aggregates
    assert by_location[theirs["id"]] not in aggregates
    everything = client.get(f"/api/v1/orders/{order['id']}/events").json()
    assert by_location[theirs["id"]] in {e["aggregate_id"] for e in everything["items"]}
    r = client.post(f"/api/v1/fulfillments/{by_location[theirs['id']]}/cancel", headers=headers)
    assert_problem(r, 403, "location_forbidden")


def test_keys_are_restricted_by_location_codes_as_the_cli_does(
    client: TestClient, world: dict[str, Any]
) -> None:
    warehouse = world["ours"]["warehouse"]
    body = {"name": "store key", "scopes": ["orders:read"], "locations": [warehouse["code"]]}
    r = client.post("/api/v1/api-keys", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["location_ids"] == [warehouse["id"]]
    orders = client.get("/api/v1/orders", headers=_as(client, r.json()["key"])).json()["items"]
    seen = {o["id"] for o in orders}
    assert {world["ours"]["params"]["order_id"], world["ours"]["held_order_id"]} <= seen
    assert world["theirs"]["params"]["order_id"] not in seen
    r = client.post("/api/v1/api-keys", json={**body, "locations": []})
    assert_problem(r, 422, "invalid_request")
    r = client.post("/api/v1/api-keys", json={**body, "locations": ["NOWHERE"]})
    assert_problem(r, 422, "unknown_location")
    r = client.post("/api/v1/api-keys", json={**body, "location_ids": [warehouse["id"]]})
    assert_problem(r, 422, "invalid_request")
