"""Invalid input of every kind gets a 4xx problem+json, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem

Body = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Body], Body]:
    def change(body: Body) -> Body:
        *head, last = path.split(".")
        target: Any = body
        for part in head:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
        return body

    return change


# (name, change to a valid body, status, code)
CASES: list[tuple[str, Callable[[Body], Body], int, str]] = [
    ("quantity as text", _set("lines.0.quantity", "two"), 422, "invalid_request"),
    ("negative quantity", _set("lines.0.quantity", -1), 422, "invalid_request"),
    ("zero quantity", _set("lines.0.quantity", 0), 422, "invalid_request"),
    ("absurd quantity", _set("lines.0.quantity", 10**12), 422, "invalid_request"),
    ("negative price", _set("lines.0.unit_price", "-1.00"), 422, "invalid_request"),
    ("price with 5 decimals", _set("lines.0.unit_price", "1.00001"), 422, "invalid_request"),
    ("price as NaN", _set("lines.0.unit_price", "NaN"), 422, "invalid_request"),
    ("lines not a list", _set("lines", {"sku": "x"}), 422, "invalid_request"),
    ("no lines", _set("lines", []), 422, "invalid_request"),
    ("501 lines", lambda b: {**b, "lines": b["lines"] * 501}, 422, "invalid_request"),
    ("unknown SKU", _set("lines.0.sku", "NO-SUCH-SKU"), 422, "order_rejected"),
    ("lower-case currency", _set("currency", "eur"), 422, "invalid_request"),
    ("bad email", _set("customer.email", "not-an-email"), 422, "invalid_request"),
    ("unknown field", _set("shiping_address", {}), 422, "invalid_request"),
    ("unknown channel", _set("channel", "no-such-channel"), 422, "unknown_channel"),
    ("NUL in a name", _set("customer.name", "Anna\x00"), 422, "invalid_text"),
    ("lone surrogate", _set("notes", "\ud800 broken"), 422, "invalid_text"),
    ("NUL in attributes", _set("attributes", {"k": "a\x00b"}), 422, "invalid_text"),
    ("attributes too big", _set("attributes", {"blob": "x" * 20_000}), 422, "invalid_request"),
    ("unknown delivery method", _set("delivery_method", "drone"), 422, "invalid_request"),
    ("discount above the line", _set("lines.0.discount", "500.00"), 422, "order_rejected"),
    (
        "total too large",
        lambda b: _set("lines.0.quantity", 5)(_set("lines.0.unit_price", "999999999999")(b)),
        422,
        "amount_too_large",
    ),
    ("country not ISO", _set("shipping_address.country_code", "Germany"), 422, "invalid_request"),
]


@pytest.fixture(scope="module")
def shop(client, database) -> dict[str, Any]:
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 10)
    return {"channel": channel, "loc": loc, "sku": sku}


def _nothing_written(client, database, shop: dict[str, Any], external_id: str) -> None:
    found = client.get("/api/v1/orders", params={"external_id": external_id}).json()["items"]
    assert found == []
    assert available(database, shop["sku"], shop["loc"]) == 10


@pytest.mark.parametrize(("name", "change", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_invalid_bodies_are_refused(client, database, shop, name, change, status, code):
    body = change(order_body(shop["channel"], [(shop["sku"], 1)]))
    raw = json.dumps(body, ensure_ascii=True).encode()  # keeps lone surrogates as \\ud800
    r = client.post("/api/v1/orders", content=raw, headers={"Content-Type": "application/json"})
    problem = assert_problem(r, status, code)
    assert problem.get("errors") or problem["detail"]
    _nothing_written(client, database, shop, body["external_id"])


def test_malformed_json_is_400(client, database, shop):
    body = order_body(shop["channel"], [(shop["sku"], 1)])
    raw = json.dumps(body)[:-5].encode()
    r = client.post("/api/v1/orders", content=raw, headers={"Content-Type": "application/json"})
    assert_problem(r, 400, "malformed_json")
    _nothing_written(client, database, shop, body["external_id"])


def test_bytes_that_are_not_utf8_are_a_4xx(client, database, shop):
    body = order_body(shop["channel"], [(shop["sku"], 1)], notes="NOTE")
    raw = json.dumps(body).encode().replace(b"NOTE", b"\xff\xfe\xfa")
    r = client.post("/api/v1/orders", content=raw, headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    _nothing_written(client, database, shop, body["external_id"])


def test_huge_payloads_are_413(client, database, shop):
    body = order_body(shop["channel"], [(shop["sku"], 1)], notes="x" * (3 * 1024 * 1024))
    assert_problem(client.post("/api/v1/orders", json=body), 413, "payload_too_large")
    _nothing_written(client, database, shop, body["external_id"])


def test_a_body_that_is_not_an_object_is_422(client, database, shop):
    for raw in (b"[]", b"42", b'"order"', b"null"):
        r = client.post("/api/v1/orders", content=raw, headers={"Content-Type": "application/json"})
        assert_problem(r, 422, "invalid_request")
