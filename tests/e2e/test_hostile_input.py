"""What an integrator's bug or an attacker sends gets a 4xx naming the field, never a 500.

Each case here answered 500 before the request guard, the bounded schema types and the
null rule of ``api/fields.py`` (issue 11); both databases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from switchyard.api.fields import MAX_QUANTITY
from switchyard.inventory.domain import MAX_STOCK
from tests.e2e.skeleton import make_channel, make_location, make_sku
from tests.helpers import assert_null_refused, assert_problem, ref

API = "/api/v1"
TOO_BIG = 2**31  # one past PostgreSQL's integer
HUGE = 2**63  # one past SQLite's integer


@pytest.fixture(scope="module")
def shop(client) -> dict[str, Any]:
    channel = make_channel(client)
    location = make_location(client)
    sku = make_sku(client, channel)
    carrier = client.post(f"{API}/carriers", json={"code": ref("C"), "name": "Carrier"})
    assert carrier.status_code == 201, carrier.text
    return {"channel": channel, "location": location, "sku": sku, "carrier": carrier.json()}


def _raw(client, method: str, path: str, body: Any):
    """Send ``body`` as JSON with every non-ASCII character escaped (lone surrogates too)."""
    raw = json.dumps(body, ensure_ascii=True).encode()
    return client.request(method, path, content=raw, headers={"Content-Type": "application/json"})


def _fields(problem: dict[str, Any]) -> set[str]:
    return {e["field"] for e in problem.get("errors", [])}


def _big_integer_cases(shop: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    sku, loc = shop["sku"]["sku"], shop["location"]["code"]
    level = f"{API}/inventory/levels/{sku}/{loc}"
    return [
        ("POST", f"{API}/inventory/receipts", {"sku": sku, "location": loc}, "quantity"),
        ("POST", f"{API}/inventory/returns", {"sku": sku, "location": loc}, "quantity"),
        (
            "POST",
            f"{API}/inventory/adjustments",
            {"sku": sku, "location": loc, "reason": "found"},
            "quantity",
        ),
        ("POST", f"{API}/inventory/counts", {"sku": sku, "location": loc}, "counted"),
        ("PATCH", level, {}, "safety_stock"),
        ("PATCH", level, {}, "reorder_point"),
        ("PATCH", f"{API}/skus/{sku}", {}, "weight_grams"),
        ("PATCH", f"{API}/skus/{sku}", {}, "length_mm"),
        ("PATCH", f"{API}/locations/{loc}", {}, "daily_capacity"),
        ("PUT", f"{API}/inventory/protections/{shop['channel']['code']}", {"sku": sku}, "quantity"),
    ]


@pytest.mark.parametrize("value", [TOO_BIG, HUGE, -TOO_BIG])
def test_integers_out_of_range_name_the_field(client, shop, value):
    for method, path, body, field in _big_integer_cases(shop):
        r = client.request(method, path, json={**body, field: value})
        problem = assert_problem(r, 422, "invalid_request")
        assert _fields(problem) == {field}, (method, path, problem)


def test_integers_out_of_range_inside_lists(client, shop):
    sku, loc = shop["sku"]["sku"], shop["location"]["code"]
    cases = [
        (f"{API}/inventory/sync", {"location": loc, "items": [{"sku": sku, "quantity": TOO_BIG}]}),
        (
            f"{API}/reservations",
            {"lines": [{"sku": sku, "location": loc, "quantity": TOO_BIG}]},
        ),
    ]
    for path, body in cases:
        problem = assert_problem(client.post(path, json=body), 422, "invalid_request")
        assert len(_fields(problem)) == 1 and next(iter(_fields(problem))).endswith("quantity")


def test_a_balance_stops_below_the_column_limit(client):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    receipt = {"sku": sku["sku"], "location": loc["code"], "quantity": MAX_QUANTITY}
    for _ in range(MAX_STOCK // MAX_QUANTITY):
        assert client.post(f"{API}/inventory/receipts", json=receipt).status_code == 201
    problem = assert_problem(
        client.post(f"{API}/inventory/receipts", json=receipt), 409, "stock_limit_exceeded"
    )
    assert _fields(problem) == {"quantity"}
    level = client.get(f"{API}/inventory/levels", params={"sku": sku["sku"]}).json()["items"]
    assert [row["on_hand"] for row in level] == [MAX_STOCK // MAX_QUANTITY * MAX_QUANTITY]


@pytest.mark.parametrize("bad", ["\x00", "\ud800"], ids=["NUL", "lone surrogate"])
def test_text_no_database_stores_is_refused_everywhere(client, shop, bad):
    sku, loc = shop["sku"]["sku"], shop["location"]["code"]
    text = f"a{bad}b"
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", f"{API}/products", {"name": text}, "name"),
        ("POST", f"{API}/customers", {"email": f"{ref('c')}@example.com", "name": text}, "name"),
        ("POST", f"{API}/api-keys", {"name": text, "scopes": ["orders:read"]}, "name"),
        ("POST", f"{API}/inventory/receipts", {"sku": text, "location": loc, "quantity": 1}, "sku"),
        (
            "POST",
            f"{API}/tracking-events",
            {
                "carrier": text,
                "tracking_number": "1",
                "event_id": "e",
                "status": "in_transit",
                "occurred_at": "2026-01-01T00:00:00Z",
            },
            "carrier",
        ),
        ("POST", f"{API}/pick-waves", {"location": text}, "location"),
        ("PATCH", f"{API}/locations/{loc}", {"timezone": text}, "timezone"),
        ("PATCH", f"{API}/skus/{sku}", {"product_id": text}, "product_id"),
        (
            "POST",
            f"{API}/rules",
            {
                "code": ref("R"),
                "kind": "max_order_value",
                "channel": text,
                "params": {"amount": "10", "currency": "EUR"},
            },
            "channel",
        ),
        ("PUT", f"{API}/inventory/policies/{sku}", {"backorder_policy": text}, "backorder_policy"),
        ("POST", f"{API}/fulfillments:release", {"location": text}, "location"),
        (
            "POST",
            f"{API}/rate-quotes",
            {"location": text, "destination": {"country_code": "DE"}, "weights_grams": [100]},
            "location",
        ),
        ("PUT", f"{API}/pick-slots", {"location": text, "slots": []}, "location"),
        ("POST", f"{API}/products", {"name": "ok", "attributes": {text: 1}}, "attributes"),
    ]
    for method, path, body, field in cases:
        problem = assert_problem(_raw(client, method, path, body), 422, "invalid_text")
        assert _fields(problem) == {field}, (method, path, problem)


def test_text_in_the_query_and_path_is_refused(client):
    problem = assert_problem(client.get(f"{API}/orders?q=a%00b"), 422, "invalid_text")
    assert _fields(problem) == {"query.q"}
    problem = assert_problem(client.get(f"{API}/skus/a%00b"), 422, "invalid_text")
    assert _fields(problem) == {"path"}


def test_an_emoji_written_as_a_surrogate_pair_is_fine(client):
    r = _raw(client, "POST", f"{API}/products", {"name": "Tote \U0001f45c"})
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Tote \U0001f45c"


def test_explicit_null_on_a_field_that_cannot_be_empty(client, shop):
    url = f"{API}/carriers/{shop['carrier']['code']}"
    for field in ("active", "name"):
        assert_null_refused(client.patch(url, json={field: None}), field)
    # clearable fields take null, and version null means "no version sent"
    r = client.patch(url, json={"tracking_url": None, "version": None})
    assert r.status_code == 200, r.text
    assert r.json()["tracking_url"] is None


@pytest.mark.parametrize(
    ("path", "body", "unknown"),
    [
        ("/rules", {"code": "R1", "kind": "max_order_value", "paramz": {}}, "paramz"),
        ("/skus", {"sku": "S1", "product_name": "x", "weigth_grams": 1}, "weigth_grams"),
        ("/locations", {"code": "L1", "name": "x", "type": "store", "adress": {}}, "adress"),
        ("/webhooks/endpoints", {"url": "https://x.example/h", "typez": ["*"]}, "typez"),
        ("/api-keys", {"name": "k", "scopes": ["orders:read"], "locationz": ["X"]}, "locationz"),
    ],
)
def test_unknown_fields_are_named(client, path, body, unknown):
    problem = assert_problem(client.post(API + path, json=body), 422, "invalid_request")
    assert unknown in {e["field"] for e in problem["errors"] if e["code"] == "extra_forbidden"}


@pytest.mark.parametrize("tag", ['"٣"', '"99999999999999999999"', '"2147483648"', '"-1"'])
def test_an_if_match_that_is_no_version_of_ours(client, shop, tag):
    path = f"{API}/carriers/{shop['carrier']['code']}"
    r = client.patch(path, json={"name": "Renamed"}, headers={"If-Match": tag.encode()})
    problem = assert_problem(r, 422, "invalid_if_match")
    assert _fields(problem) == {"header.if-match"}


def test_a_parameter_taken_once_may_not_repeat(client, shop):
    channel = shop["channel"]["code"]
    r = client.get(f"{API}/draft-orders", params=[("channel", channel), ("channel", "other")])
    problem = assert_problem(r, 422, "repeated_parameter")
    assert _fields(problem) == {"query.channel"}
    skus = [("sku", shop["sku"]["sku"]), ("sku", shop["sku"]["sku"])]
    assert client.get(f"{API}/availability", params=skus).status_code == 200


def test_true_and_false_are_no_numbers(client, shop):
    sku, location = shop["sku"]["sku"], shop["location"]["code"]
    body = {"sku": sku, "location": location, "quantity": True}
    problem = assert_problem(
        client.post(f"{API}/inventory/receipts", json=body), 422, "invalid_request"
    )
    assert _fields(problem) == {"quantity"}
    path = f"{API}/carriers/{shop['carrier']['code']}"
    problem = assert_problem(client.patch(path, json={"version": False}), 422, "invalid_request")
    assert _fields(problem) == {"version"}
