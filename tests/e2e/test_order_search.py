"""Order search: every filter, newest first, cursor-paged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

from sqlalchemy import select

from switchyard.fulfillment.tables import fulfillments
from switchyard.orders.domain import OrderStatus
from switchyard.orders.tables import order_lines, orders
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, ref

URL = "/api/v1/orders"


def _ids(client, **params) -> list[str]:
    r = client.get(URL, params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return [o["id"] for o in r.json()["items"]]


def test_every_filter_finds_exactly_its_orders(client, database):
    channel, other_channel = make_channel(client), make_channel(client)
    here, there = make_location(client), make_location(client)
    sku, rare = make_sku(client, channel), make_sku(client, channel)
    stock(database, sku, here, 10)
    stock(database, rare, there, 10)
    email = f"{ref('c')}@example.com"
    customer = {"email": email, "name": "Search Me", "phone": "+49 30 9876543"}
    first = client.post(URL, json=order_body(channel, [(sku, 1)], customer=customer)).json()
    second = client.post(URL, json=order_body(channel, [(rare, 1)])).json()
    held_body = order_body(channel, [(sku, 1)], customer=customer)
    held_body["lines"][0]["unit_price"] = "1.00"
    held = client.post(URL, json=held_body).json()
    elsewhere_body = order_body(other_channel, [(sku, 1)])
    elsewhere_body["lines"][0]["unit_price"] = "19.90"  # no list price there: held, stored
    elsewhere = client.post(URL, json=elsewhere_body).json()
    client.post(f"{URL}/{second['id']}/cancel")

    assert _ids(client, channel=channel["code"]) == [held["id"], second["id"], first["id"]]
    assert _ids(client, channel=other_channel["id"]) == [elsewhere["id"]]
    assert _ids(client, email=email.upper()) == [held["id"], first["id"]]
    assert _ids(client, phone="+49309876543") == [held["id"], first["id"]]
    assert _ids(client, phone="+49 30 9876543") == [held["id"], first["id"]]
    assert _ids(client, external_id=first["external_id"]) == [first["id"]]
    assert _ids(client, customer_id=first["customer_id"]) == [held["id"], first["id"]]
    assert _ids(client, sku=rare["sku"]) == [second["id"]]
    assert _ids(client, sku=rare["id"], status="cancelled") == [second["id"]]
    assert _ids(client, location=there["code"]) == [second["id"]]
    assert _ids(client, channel=channel["code"], hold_type="price") == [held["id"]]
    assert _ids(client, channel=channel["code"], status="on_hold") == [held["id"]]
    assert _ids(client, channel=channel["code"], status="allocated") == [first["id"]]
    for unknown in ({"channel": "nope"}, {"sku": "nope"}, {"location": "nope"}):
        assert _ids(client, **unknown) == []


def test_date_ranges_and_cursor_pages(client, database):
    channel, loc = make_channel(client), make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 10)
    made = [client.post(URL, json=order_body(channel, [(sku, 1)])).json() for _ in range(5)]
    newest_first = [o["id"] for o in reversed(made)]
    start = datetime.fromisoformat(made[0]["placed_at"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(made[-1]["placed_at"].replace("Z", "+00:00"))
    iso = "%Y-%m-%dT%H:%M:%S.%f"
    naive_from = (start - timedelta(seconds=1)).astimezone(UTC).strftime(iso)
    assert _ids(client, channel=channel["code"], placed_from=naive_from) == newest_first
    after_first = (start + timedelta(microseconds=1)).isoformat()
    assert _ids(client, channel=channel["code"], placed_from=after_first) == newest_first[:4]
    assert _ids(client, channel=channel["code"], placed_to=end.isoformat()) == newest_first[1:]
    future = (end + timedelta(days=1)).isoformat()
    assert _ids(client, channel=channel["code"], placed_from=future) == []
    seen, cursor = [], None
    while True:
        params = {"channel": channel["code"], "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, params=params).json()
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == newest_first


def test_bad_search_parameters_are_422(client):
    assert_problem(client.get(URL, params={"status": "lost"}), 422, "invalid_status")
    assert_problem(client.get(URL, params={"hold_type": "vibes"}), 422, "invalid_hold_type")
    assert_problem(client.get(URL, params={"placed_from": "yesterday"}), 422, "invalid_request")
    assert_problem(client.get(URL, params={"cursor": "%%%"}), 422, "invalid_cursor")
    assert_problem(client.get(URL, params={"limit": 0}), 422, "invalid_request")


def test_a_customers_history_spans_channels(client, database):
    web, shop = make_channel(client), make_channel(client, type="pos")
    loc = make_location(client)
    sku = make_sku(client, web)
    stock(database, sku, loc, 5)
    customer = {"email": f"{ref('c')}@example.com", "name": "Loyal"}
    a = client.post(URL, json=order_body(web, [(sku, 1)], customer=customer)).json()
    b_body = order_body(shop, [(sku, 1)], customer=customer)
    b_body["lines"][0]["unit_price"] = "19.90"
    b = client.post(URL, json=b_body).json()
    history = client.get(f"/api/v1/customers/{a['customer_id']}/orders").json()["items"]
    assert [o["id"] for o in history] == [b["id"], a["id"]]


def test_sku_and_location_filters_with_dates_and_cursor_pages(client, database):
    """The SKU and location filters are joins on id-ordered streams with the date and cursor
    bounds inside: they must still page through every match exactly once, newest first."""
    channel, loc = make_channel(client), make_location(client)
    sku, other = make_sku(client, channel), make_sku(client, channel)
    stock(database, sku, loc, 20)
    stock(database, other, loc, 20)
    made = []
    for i in range(5):
        lines = [(sku, 1), (other, 1)] if i % 2 else [(sku, 1)]
        made.append(client.post(URL, json=order_body(channel, lines)).json())
        client.post(URL, json=order_body(channel, [(other, 1)]))  # never matches the SKU
    newest_first = [o["id"] for o in reversed(made)]
    start = datetime.fromisoformat(made[0]["placed_at"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(made[-1]["placed_at"].replace("Z", "+00:00"))

    for key, value in (("sku", sku["sku"]), ("location", loc["code"])):
        expected = newest_first if key == "sku" else None
        seen, cursor = [], None
        while True:
            params = {key: value, "channel": channel["code"], "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = client.get(URL, params=params).json()
            seen += [o["id"] for o in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen))
        if expected is not None:
            assert seen == expected
        else:
            assert set(newest_first) <= set(seen)  # every order here ships from loc
    after_first = (start + timedelta(microseconds=1)).isoformat()
    assert _ids(client, sku=sku["sku"], placed_from=after_first) == newest_first[:4]
    assert _ids(client, sku=sku["sku"], placed_to=end.isoformat()) == newest_first[1:]
    assert (
        _ids(
            client,
            location=loc["code"],
            channel=channel["code"],
            placed_from=(end + timedelta(days=1)).isoformat(),
        )
        == []
    )


STATUSES = sorted(v for k, v in vars(OrderStatus).items() if k.isupper())


def _every_page(client, limit: int = 2, **params) -> list[str]:
    """The ids a filter finds, following ``next_cursor`` ``limit`` at a time."""
    seen, cursor = [], None
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        r = client.get(URL, params=query)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def test_combined_filters_match_a_brute_force_filter_page_by_page(client, database):
    """A status or channel with a location is read from copies (``order_locations``), with
    a SKU from a second id stream: every combination, empty ones included, must find
    exactly the orders a plain filter over the tables finds, newest first, across cursor
    pages, after the statuses changed (cancelled, allocated when stock arrived)."""
    web = make_channel(client, backorder_policy="backorder")
    shop = make_channel(client, backorder_policy="backorder")
    north, south, idle = make_location(client), make_location(client), make_location(client)
    skus = [make_sku(client, web) for _ in range(3)]  # the last is never stocked
    for sku in skus:
        prices = [{"channel": c["code"], "currency": "EUR", "amount": "19.90"} for c in (web, shop)]
        assert client.put(f"/api/v1/skus/{sku['id']}/prices", json={"prices": prices}).is_success
    stock(database, skus[0], north, 6)
    stock(database, skus[1], south, 6)
    made = []
    for i in range(14):
        channel = (web, shop)[i % 2]
        lines = [(skus[i % 3], 1)] + ([(skus[(i + 1) % 3], 1)] if i % 4 == 1 else [])
        made.append(client.post(URL, json=order_body(channel, lines)).json())
    for order in made[2::5]:  # cancelled after they were allocated or backordered
        assert client.post(f"{URL}/{order['id']}/cancel").is_success
    stock(database, skus[2], idle, 2)  # two waiting orders are allocated there now

    with database.engine.connect() as conn:
        found = {
            o.id: (o.status, o.channel_id, set(), set())
            for o in conn.execute(
                select(orders.c.id, orders.c.status, orders.c.channel_id).where(
                    orders.c.id.in_([o["id"] for o in made])
                )
            )
        }
        for order_id, sku_id in conn.execute(
            select(order_lines.c.order_id, order_lines.c.sku_id).where(
                order_lines.c.order_id.in_(list(found))
            )
        ):
            found[order_id][2].add(sku_id)
        for order_id, location_id in conn.execute(
            select(fulfillments.c.order_id, fulfillments.c.location_id).where(
                fulfillments.c.order_id.in_(list(found))
            )
        ):
            found[order_id][3].add(location_id)
    assert {status for status, *_ in found.values()} >= {"allocated", "cancelled"}
    assert any(locs for *_, locs in found.values())

    def expected(status=None, channel=None, sku=None, location=None) -> list[str]:
        return sorted(
            (
                order_id
                for order_id, (st, ch, sku_ids, locs) in found.items()
                if status in (None, st)
                and channel in (None, ch)
                and (sku is None or sku in sku_ids)
                and (location is None or location in locs)
            ),
            reverse=True,
        )

    locations = [north, south, idle]
    combos = [{"status": st, "location": loc} for st, loc in product(STATUSES, locations)] + [
        {"channel": ch, "location": loc} for ch, loc in product((web, shop), locations)
    ]
    combos += [{"status": st, "sku": sku} for st, sku in product(STATUSES, skus)]
    combos += [{"channel": ch, "sku": sku} for ch, sku in product((web, shop), skus)]
    combos += [
        {"status": st, "channel": ch, "sku": sku}
        for st, ch, sku in product(("allocated", "cancelled"), (web, shop), skus)
    ]
    combos += [
        {"status": st, "location": loc, "sku": sku}
        for st, loc, sku in product(("allocated", "cancelled"), locations, skus)
    ]
    combos += [
        {"status": st, "channel": ch, "location": loc}
        for st, ch, loc in product(("allocated", "cancelled"), (web, shop), locations)
    ]
    empty = 0
    for combo in combos:
        params = {k: v if isinstance(v, str) else v["id"] for k, v in combo.items()}
        want = expected(**params)
        empty += not want
        assert _every_page(client, **params) == want, combo
    assert 0 < empty < len(combos)
