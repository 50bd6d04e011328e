"""Taking an order on the phone in the console: lookups, live checks, placing it once."""

from __future__ import annotations

import html
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote

import pytest

from switchyard.console.phone_order_form import Draft, form_name
from switchyard.kernel.events import Actor
from switchyard.orders.repository import OrderRepository
from tests.console.staff import Console, make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock
from tests.helpers import ref

_KEY = re.compile(r'name="idempotency_key" value="([A-Z0-9]+)"')


@pytest.fixture
def shop(client, database) -> dict[str, Any]:
    """A call-centre channel selling from one warehouse and one pickup store, a SKU
    with stock at both, and a customer known by email and phone."""
    warehouse = make_location(client)
    store = make_location(
        client,
        code=ref("ST"),
        name="Berlin Mitte",
        type="store",
        capabilities=["ship", "pickup"],
        latitude=52.52,
        longitude=13.40,
        address={
            "line1": "Rosenthaler Str. 1",
            "city": "Berlin",
            "postal_code": "10119",
            "country_code": "DE",
        },
    )
    channel = make_channel(
        client,
        type="call_center",
        name="Phone",
        location_ids=[warehouse["id"], store["id"]],
        settings={"address_invalid_action": "error"},
    )
    holding = make_channel(
        client, type="call_center", name="Phone (holds)", location_ids=[warehouse["id"]]
    )
    sku = make_sku(client, channel, price="49.90")
    r = client.put(
        f"/api/v1/skus/{sku['sku']}/prices",
        json={
            "prices": [
                {"channel": channel["code"], "currency": "EUR", "amount": "49.90"},
                {"channel": holding["code"], "currency": "EUR", "amount": "49.90"},
            ]
        },
    )
    assert r.status_code == 200, r.text
    stock(database, sku, warehouse, 7)
    stock(database, sku, store, 2)
    email = f"{ref('anna')}@example.com"
    phone = f"+4930{secrets.randbelow(10**8):08d}"
    customer = client.post(
        "/api/v1/customers", json={"email": email, "name": "Anna Müller", "phone": phone}
    )
    assert customer.status_code == 201, customer.text
    return {
        "warehouse": warehouse,
        "store": store,
        "channel": channel,
        "holding": holding,
        "sku": sku,
        "customer": customer.json(),
    }


def _form(shop: dict[str, Any], key: str, **over: Any) -> dict[str, Any]:
    body = {
        "idempotency_key": key,
        "channel": shop["channel"]["code"],
        "email": f"{ref('caller')}@example.com",
        "name": "Bernd Anrufer",
        "phone": "",
        "ship_name": "Bernd Anrufer",
        "ship_line1": "Invalidenstrasse 12",
        "ship_postal_code": "10115",
        "ship_city": "Berlin",
        "ship_country_code": "DE",
        "delivery_method": "ship",
        "line-0-sku": shop["sku"]["sku"],
        "line-0-quantity": "2",
        "action": "place",
    }
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


def _key(console: Console) -> str:
    page = console.get("/console/orders/new")
    assert page.status_code == 200, page.text[:500]
    found = _KEY.search(page.text)
    assert found, "the form carries no idempotency key"
    return found.group(1)


def _orders(database, channel: dict[str, Any], external_id: str) -> str | None:
    return database.run(
        Actor.system("tests"),
        lambda uow: uow.repo(OrderRepository).id_by_external(channel["id"], external_id),
        read_only=True,
    )


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p id="e-{re.escape(name)}" class="field-error"[^>]*>([^<]*)</p>', page)
    assert found, f"no error slot for {name}"
    return html.unescape(found.group(1)).strip()


def test_placing_a_phone_order_shows_the_agent_on_its_timeline(app, client, database, shop):
    agent = make_user(database, "customer_service", name="Clara Call")
    with Console(app, agent.email) as console:
        key = _key(console)
        r = console.post("/console/orders/new", _form(shop, key))
        assert r.status_code == 303, r.text[:2000]
        location = r.headers["location"]
        order_id = re.match(r"^/console/orders/(ord_[^?]+)\?done=(.+)$", location)
        assert order_id, location
        assert unquote(order_id.group(2)) == f"Order PHONE-{key} was placed."
    order = client.get(f"/api/v1/orders/{order_id.group(1)}").json()
    assert order["external_id"] == f"PHONE-{key}" and order["status"] != "on_hold"
    assert [(ln["sku"], ln["quantity"]) for ln in order["lines"]] == [(shop["sku"]["sku"], 2)]
    assert order["shipping_address"]["postal_code"] == "10115"
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    placed = next(e for e in events if e["type"] == "order.placed")
    assert placed["actor"] == {"kind": "user", "id": agent.id, "name": "Clara Call"}


def test_a_double_submit_with_the_same_key_places_one_order(app, client, database, shop):
    agent = make_user(database, "customer_service")
    with Console(app, agent.email) as console:
        key = _key(console)
        form = _form(shop, key)
        first = console.post("/console/orders/new", form)
        second = console.post("/console/orders/new", form)
        third = console.post("/console/orders/new", form, htmx=True)
    assert first.status_code == second.status_code == 303, second.text[:1000]
    assert first.headers["location"] == second.headers["location"]
    assert third.status_code == 204 and third.headers["hx-redirect"] == first.headers["location"]
    found = client.get(
        "/api/v1/orders", params={"external_id": f"PHONE-{key}", "limit": 10}
    ).json()["items"]
    assert len(found) == 1
    order_id = found[0]["id"]
    # back to the placed form, a quantity changed, placed again: refused, with the way on
    with Console(app, agent.email) as console:
        console.get("/console/orders/new")
        changed = console.post("/console/orders/new", form | {"line-0-quantity": "3"})
    assert changed.status_code == 422
    assert f"This order was already placed as PHONE-{key}" in changed.text
    assert f'href="/console/orders/{order_id}"' in changed.text
    order = client.get(f"/api/v1/orders/{order_id}").json()
    assert order["lines"][0]["quantity"] == 2


def test_field_errors_show_in_place_and_nothing_is_saved(app, client, database, shop):
    agent = make_user(database, "customer_service")
    caller = f"{ref('new')}@example.com"
    with Console(app, agent.email) as console:
        key = _key(console)
        # a quantity that is no number: the form's own check, before anything runs
        r = console.post("/console/orders/new", _form(shop, key, **{"line-0-quantity": "two"}))
        assert r.status_code == 422
        assert _field_error(r.text, "line-0-quantity") == "enter a whole number from 1"
        assert 'value="two"' in r.text  # what was typed stays
        # an unknown SKU and a postal code that is no German one: every check at once
        form = _form(
            shop,
            key,
            **{
                "email": caller,
                "ship_postal_code": "1234",
                "line-1-sku": "NO-SUCH-SKU",
                "line-1-quantity": "1",
            },
        )
        r = console.post("/console/orders/new", form)
        assert r.status_code == 422, r.text[:1000]
        assert "Error code: <code>order_rejected</code>" in r.text
        assert "Nothing was saved" in r.text
        assert "1234" in _field_error(r.text, "ship_postal_code")
        assert _field_error(r.text, "line-1-sku") != ""
        assert _field_error(r.text, "line-0-quantity") == ""
        r = console.post("/console/orders/new", _form(shop, key, **{"line-0-quantity": "0"}))
        assert r.status_code == 422 and _field_error(r.text, "line-0-quantity") != ""
    assert _orders(database, shop["channel"], f"PHONE-{key}") is None
    assert client.get("/api/v1/customers", params={"email": caller}).json()["items"] == []
    # the refusals released the key: the corrected form places the order with it
    with Console(app, agent.email) as console:
        console.get("/console/orders/new")
        r = console.post("/console/orders/new", _form(shop, key))
        # another session of the same user: same principal, same key, a new body is fine
        assert r.status_code == 303, r.text[:1000]
    assert _orders(database, shop["channel"], f"PHONE-{key}") is not None


def test_a_warning_places_the_order_on_hold_and_says_so(app, database, shop):
    agent = make_user(database, "customer_service")
    with Console(app, agent.email) as console:
        key = _key(console)
        form = _form(shop, key, channel=shop["holding"]["code"], ship_postal_code="1234")
        r = console.post("/console/orders/new", form)
    assert r.status_code == 303, r.text[:1000]
    message = unquote(r.headers["location"].split("?done=")[1])
    assert "is on hold" in message and "1234" in message


def test_a_store_associate_may_not_take_phone_orders(app, database, shop):
    associate = make_user(database, "store_associate", locations=[shop["store"]["code"]])
    with Console(app, associate.email) as console:
        page = console.get("/console/orders/new")
        assert page.status_code == 403 and "Not allowed" in page.text
        r = console.post("/console/orders/new", _form(shop, "ABCDEF0123456789"))
        assert r.status_code == 403
    assert _orders(database, shop["channel"], "PHONE-ABCDEF0123456789") is None


def test_the_sku_search_shows_price_and_availability_per_location(app, database, shop):
    agent = make_user(database, "customer_service")
    sku = shop["sku"]["sku"]
    with Console(app, agent.email) as console:
        r = console.get(
            "/console/orders/new/skus", params={"q": sku, "channel": shop["channel"]["code"]}
        )
        assert r.status_code == 200
        row = re.search(r"<tr>\s*<td>Merino sweater.*?</tr>", r.text, re.S)
        assert row, r.text[:2000]
        text = re.sub(r"<[^>]+>", " ", row.group(0))
        assert sku in text and "€49.90" in text and " 9 " in text
        assert f"{shop['warehouse']['code']}: 7" in text
        assert f"{shop['store']['code']}: 2" in text
        assert f'value="add:{sku}"' in row.group(0)
        none = console.get("/console/orders/new/skus", params={"q": "zz-nothing-like-it"})
        assert "No active product matches" in none.text


def test_the_customer_lookup_finds_by_email_and_by_phone(app, database, shop):
    agent = make_user(database, "customer_service")
    customer = shop["customer"]
    national = "0" + customer["phone"][3:]  # +4930... as a Berliner says it: 030...
    with Console(app, agent.email) as console:
        for typed in (customer["email"][:12], customer["email"].upper(), national):
            r = console.get(
                "/console/orders/new/customers", params={"q": typed, "ship_country_code": "DE"}
            )
            assert r.status_code == 200
            assert f'value="customer:{customer["id"]}"' in r.text, typed
        none = console.get("/console/orders/new/customers", params={"q": "nobody@nowhere.test"})
        assert "No customer matches" in none.text
        # using them fills the form
        key = _key(console)
        r = console.post(
            "/console/orders/new",
            {"idempotency_key": key, "action": f"customer:{customer['id']}"},
        )
        assert r.status_code == 200
        assert f'value="{customer["email"]}"' in r.text and 'value="Anna Müller"' in r.text
        assert f'name="idempotency_key" value="{key}"' in r.text


def test_adding_and_removing_lines_and_the_promise_dates(app, database, shop):
    agent = make_user(database, "customer_service")
    sku = shop["sku"]["sku"]
    with Console(app, agent.email) as console:
        key = _key(console)
        base = {
            "idempotency_key": key,
            "channel": shop["channel"]["code"],
            "ship_postal_code": "10115",
            "ship_city": "Berlin",
            "ship_country_code": "DE",
        }
        r = console.post("/console/orders/new", base | {"action": f"add:{sku}"}, htmx=True)
        assert r.status_code == 200 and r.text.lstrip().startswith("<form")
        assert 'name="line-0-sku" value="' + sku + '"' in r.text
        assert 'name="line-0-quantity"' in r.text and "Delivered by" in r.text
        again = base | {"line-0-sku": sku, "line-0-quantity": "1", "action": f"add:{sku}"}
        r = console.post("/console/orders/new", again)
        assert re.search(r'name="line-0-quantity"[^>]*value="2"', r.text, re.S), r.text[:300]
        r = console.post(
            "/console/orders/new/promise",
            base | {"line-0-sku": sku, "line-0-quantity": "3"},
            htmx=True,
        )
        assert r.status_code == 200 and 'id="promise"' in r.text
        assert "Delivered by" in r.text and "Pick up at a store" in r.text
        assert '<span id="amount-0" hx-swap-oob="true">€149.70</span>' in r.text
        assert '<span id="subtotal" hx-swap-oob="true">€149.70</span>' in r.text
        gone = base | {"line-0-sku": sku, "line-0-quantity": "2", "action": "remove:0"}
        r = console.post("/console/orders/new", gone)
        assert "No lines yet" in r.text and 'name="line-0-sku"' not in r.text


def test_the_address_is_checked_as_it_is_typed(app, database, shop):
    agent = make_user(database, "customer_service")
    with Console(app, agent.email) as console:
        _key(console)
        form = {
            "channel": shop["channel"]["code"],
            "ship_line1": "Invalidenstrasse 12",
            "ship_postal_code": "1234",
            "ship_city": "Berlin",
            "ship_country_code": "DE",
        }
        r = console.post("/console/orders/new/address", form, htmx=True)
        assert r.status_code == 200 and "Needs correcting" in r.text
        slot = re.search(
            r'<p id="e-ship_postal_code" class="field-error" hx-swap-oob="true">([^<]+)</p>',
            r.text,
        )
        assert slot and "'1234' is not a postal code in DE" in html.unescape(slot.group(1))
        held = form | {"channel": shop["holding"]["code"]}
        r = console.post("/console/orders/new/address", held, htmx=True)
        assert "Would put the order on hold" in r.text
        r = console.post("/console/orders/new/address", form | {"ship_postal_code": "10115"})
        assert "Address checked" in r.text


def test_form_fields_map_the_api_field_paths():
    assert form_name("lines.3.quantity", 4) == "line-3-quantity"
    assert form_name("lines.1.sku", 4) == "line-1-sku"
    assert form_name("lines.9.sku", 4) == "lines.9.sku"
    assert form_name("shipping_address.postal_code", 1) == "ship_postal_code"
    assert form_name("shipping_address.phone", 1) == "phone"
    assert form_name("customer.email", 1) == "email"
    draft = Draft(key="ABCDEF0123456789")
    assert draft.external_id == "PHONE-ABCDEF0123456789" and draft.address() is None


def test_two_clicks_at_once_place_one_order(app, client, database, shop):
    """The second post arrives while the first is placing: it waits and lands on the
    same order (``idempotency_key_in_progress`` is never shown)."""
    agent = make_user(database, "customer_service")
    with Console(app, agent.email) as one, Console(app, agent.email) as other:
        key = _key(one)
        other.get("/console/orders/new")
        form = _form(shop, key)
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda c: c.post("/console/orders/new", form), [one, other]))
    assert [a.status_code for a in answers] == [303, 303], [a.text[:300] for a in answers]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    found = client.get("/api/v1/orders", params={"external_id": f"PHONE-{key}"}).json()
    assert len(found["items"]) == 1


def test_a_pickup_order_is_placed_for_the_store(app, client, database, shop):
    agent = make_user(database, "customer_service")
    with Console(app, agent.email) as console:
        key = _key(console)
        page = console.get("/console/orders/new")
        assert f'<option value="{shop["store"]["code"]}"' in page.text
        missing = _form(shop, key, delivery_method="pickup", pickup_location="")
        r = console.post("/console/orders/new", missing)
        assert r.status_code == 422 and _field_error(r.text, "pickup_location") != ""
        form = _form(shop, key, delivery_method="pickup", pickup_location=shop["store"]["code"])
        r = console.post("/console/orders/new", form)
        assert r.status_code == 303, r.text[:1000]
    order_id = r.headers["location"].split("/console/orders/")[1].split("?")[0]
    order = client.get(f"/api/v1/orders/{order_id}").json()
    assert order["delivery_method"] == "pickup"
    assert order["pickup_location_id"] == shop["store"]["id"]
