"""The console's inventory pages: finding stock, a SKU across locations, and the stock
actions (adjust, count, receive, transfer, safety stock, incoming supply) as the user,
refused as the API refuses them."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from switchyard.console.formatting import when
from switchyard.kernel.clock import utcnow
from tests.console.staff import Console, make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock
from tests.helpers import ref


@pytest.fixture
def place(client, database) -> dict[str, Any]:
    """A SKU with 10 units at warehouse A, none at store B."""
    channel = make_channel(client)
    a = make_location(client, name="Erfurt warehouse")
    b = make_location(client, name="Berlin store", type="store")
    sku = make_sku(client, channel)
    stock(database, sku, a, 10)
    return {"channel": channel, "a": a, "b": b, "sku": sku}


def _level(client, sku: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    r = client.get(f"/api/v1/inventory/levels/{sku['sku']}/{location['code']}")
    if r.status_code == 404:
        return {"on_hand": 0, "reserved": 0, "safety_stock": 0, "reorder_point": None}
    assert r.status_code == 200, r.text
    return r.json()


def _movements(client, sku: dict[str, Any]) -> list[dict[str, Any]]:
    r = client.get("/api/v1/inventory/movements", params={"sku": sku["sku"], "limit": 500})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def _page(desk: Console, sku: dict[str, Any], **query: str) -> str:
    r = desk.get(f"/console/inventory/skus/{sku['sku']}", params=query)
    assert r.status_code == 200, r.text[:2000]
    return r.text


def _row(page: str, table_id: str, contains: str) -> list[str]:
    """The cells (as text) of the first row of a table that mentions ``contains``."""
    table = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        if contains in row:
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
            return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells]
    raise AssertionError(f"no row with {contains!r} in #{table_id}")


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="e-{name}">(.*?)</p>', page, re.S)
    assert found, f"no error beside {name}"
    return html.unescape(found.group(1))


def _options(page: str, name: str) -> list[str]:
    block = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', block)


# --- reading ----------------------------------------------------------------------------


def test_a_location_lists_its_skus_with_figures_and_stock_health_filters(app, client, database):
    channel = make_channel(client)
    at = make_location(client)
    plenty, empty_one, eaten = (make_sku(client, channel) for _ in range(3))
    stock(database, plenty, at, 20)
    stock(database, empty_one, at, 2)
    stock(database, eaten, at, 4)
    r = client.post(
        "/api/v1/inventory/adjustments",
        json={"sku": empty_one["sku"], "location": at["code"], "quantity": -2, "reason": "lost"},
    )
    assert r.status_code == 201, r.text
    for sku, safety in ((plenty, 20), (eaten, 6)):  # 20 of 20 free is not below it
        r = client.patch(
            f"/api/v1/inventory/levels/{sku['sku']}/{at['code']}", json={"safety_stock": safety}
        )
        assert r.status_code == 200, r.text
    user = make_user(database, "viewer")
    with Console(app, user.email) as desk:
        page = desk.get("/console/inventory", params={"location": at["code"]})
        assert page.status_code == 200
        for sku in (plenty, empty_one, eaten):
            assert sku["sku"] in page.text
        out = desk.get("/console/inventory", params={"location": at["code"], "out_of_stock": "1"})
        assert empty_one["sku"] in out.text
        assert eaten["sku"] not in out.text and plenty["sku"] not in out.text
        below = desk.get("/console/inventory", params={"location": at["id"], "below_safety": "1"})
        assert eaten["sku"] in below.text
        assert empty_one["sku"] not in below.text and plenty["sku"] not in below.text
        assert 'name="below_safety" value="1" checked' in below.text  # the filter is kept
        # across the network the health filter names each balance's location
        network = desk.get("/console/inventory", params={"below_safety": "1", "q": eaten["sku"]})
        assert eaten["sku"] in network.text and at["code"] in network.text
        unknown = desk.get("/console/inventory", params={"location": "NOWHERE"})
        assert unknown.status_code == 422 and "Choose a location" in unknown.text
        bad_cursor = desk.get("/console/inventory", params={"location": at["code"], "cursor": "x"})
        assert bad_cursor.status_code == 422


def test_a_location_list_pages_with_a_cursor(app, client, database):
    channel = make_channel(client)
    at = make_location(client)
    skus = [make_sku(client, channel) for _ in range(52)]
    for sku in skus:
        stock(database, sku, at, 1)
    user = make_user(database, "viewer")
    with Console(app, user.email) as desk:
        first = desk.get("/console/inventory", params={"location": at["code"]}).text
        link = re.search(r'href="(/console/inventory\?[^"]*cursor=[^"]+)"', first)
        assert link, "no next page link"
        second = desk.get(html.unescape(link.group(1))).text
    codes = [s["sku"] for s in sorted(skus, key=lambda s: s["id"])]
    assert all(c in first for c in codes[:50]) and not any(c in first for c in codes[50:])
    assert all(c in second for c in codes[50:]) and not any(c in second for c in codes[:50])


def test_a_sku_is_found_by_part_of_its_code_or_name(app, client, database, place):
    word = ref("Alpaca")
    r = client.post("/api/v1/skus", json={"sku": ref("SKU"), "product_name": f"{word} scarf"})
    assert r.status_code == 201, r.text
    scarf, sku = r.json(), place["sku"]
    stock(database, scarf, place["a"], 4)
    user = make_user(database, "viewer")
    with Console(app, user.email) as desk:
        by_code = desk.get("/console/inventory", params={"q": sku["sku"][-6:].lower()})
        assert by_code.status_code == 200
        assert f"/console/inventory/skus/{sku['sku']}" in by_code.text
        by_name = desk.get("/console/inventory", params={"q": word.upper()})
        assert by_name.status_code == 200 and f"{word} scarf" in by_name.text
        assert f"/console/inventory/skus/{sku['sku']}" not in by_name.text
        assert re.search(r'<td class="num">4</td>\s*<td class="num">4</td>', by_name.text)
        none = desk.get("/console/inventory", params={"q": ref("nothing")})
        assert "No SKU matches" in none.text


def test_the_sku_page_shows_each_location_incoming_supply_and_the_ledger(
    app, client, database, place
):
    sku, a, b = place["sku"], place["a"], place["b"]
    eta = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    po_ref = ref("PO")
    r = client.post(
        "/api/v1/inventory/purchase-orders",
        json={
            "reference": po_ref,
            "supplier": "Wollwerk",
            "location": b["code"],
            "eta": eta.isoformat(),
            "lines": [{"sku": sku["sku"], "quantity": 12}],
        },
    )
    assert r.status_code == 201, r.text
    user = make_user(database, "viewer")
    with Console(app, user.email) as desk:
        page = _page(desk, sku)
    assert "Merino sweater" in page
    assert _row(page, "per-location", a["code"])[1:5] == ["10", "0", "0", "10"]
    assert f"Purchase order {po_ref} (Wollwerk)" in page and "12" in page
    assert when(eta, user.time_zone, "date") in page  # the day it arrives
    assert _row(page, "movements", "Receipt")[3] == "+10"
    # a viewer may read but not change stock: no forms
    assert 'id="adjust"' not in page and "Change stock here" not in page


def test_a_kit_shows_what_its_components_allow_and_offers_no_stock_forms(
    app, client, database, place
):
    sku, a = place["sku"], place["a"]
    kit = make_sku(client, place["channel"])
    r = client.put(
        f"/api/v1/skus/{kit['sku']}/components",
        json={"components": [{"sku": sku["sku"], "quantity": 3}]},
    )
    assert r.status_code == 200, r.text
    user = make_user(database, "merchandiser")
    with Console(app, user.email) as desk:
        page = _page(desk, kit)
    component = f'3 \N{MULTIPLICATION SIGN} <a href="/console/inventory/skus/{sku["id"]}">'
    assert "Kit" in page and component in page
    assert _row(page, "per-location", a["code"])[1] == "3"  # 10 units make 3 kits
    assert 'id="adjust"' not in page


def test_an_unknown_sku_is_a_404_page(app, database):
    user = make_user(database, "viewer")
    with Console(app, user.email) as desk:
        r = desk.get(f"/console/inventory/skus/{ref('NOPE')}")
    assert r.status_code == 404 and "does not exist" in r.text


# --- acting -----------------------------------------------------------------------------


def test_an_adjustment_changes_the_figures_and_the_ledger_names_the_user(
    app, client, database, place
):
    sku, a = place["sku"], place["a"]
    user = make_user(database, "merchandiser", name="Mia Merch")
    with Console(app, user.email) as desk:
        page = _page(desk, sku)
        assert a["code"] in _options(page, "adjust_location")
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/adjust",
            {
                "adjust_location": a["code"],
                "adjust_quantity": "-3",
                "adjust_reason": "damaged",
                "adjust_reference": "bin 4",
            },
        )
        assert r.status_code == 303, r.text[:2000]
        after = desk.get(r.headers["location"]).text
    assert f"Stock at {a['code']} adjusted by -3." in after
    assert _row(after, "per-location", a["code"])[1] == "7"
    move = _row(after, "movements", "Adjustment")
    assert move[3:] == ["-3", "damaged", "bin 4", f"Mia Merch ({user.email})"]
    assert _level(client, sku, a)["on_hand"] == 7
    last = _movements(client, sku)[-1]
    assert (last["kind"], last["quantity"], last["actor_id"]) == ("adjustment", -3, user.id)


def test_an_adjustment_below_zero_is_refused_beside_the_field_and_saves_nothing(
    app, client, database, place
):
    sku, a = place["sku"], place["a"]
    user = make_user(database, "merchandiser")
    before = len(_movements(client, sku))
    with Console(app, user.email) as desk:
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/adjust",
            {"adjust_location": a["code"], "adjust_quantity": "-11", "adjust_reason": "lost"},
        )
    assert r.status_code == 409
    assert _field_error(r.text, "adjust_quantity") == "10 on hand"
    assert "insufficient_on_hand" in r.text
    assert 'value="-11"' in r.text and 'value="lost"' in r.text  # what was typed is kept
    assert _level(client, sku, a)["on_hand"] == 10 and len(_movements(client, sku)) == before


@pytest.mark.parametrize(
    ("action", "data", "field", "message"),
    [
        ("adjust", {"adjust_quantity": "abc", "adjust_reason": "x"}, "adjust_quantity", "whole"),
        ("adjust", {"adjust_quantity": "1.5", "adjust_reason": "x"}, "adjust_quantity", "whole"),
        ("adjust", {"adjust_quantity": "", "adjust_reason": "x"}, "adjust_quantity", "Required"),
        ("adjust", {"adjust_quantity": "0", "adjust_reason": "x"}, "adjust_quantity", "changes"),
        ("adjust", {"adjust_quantity": "2", "adjust_reason": "  "}, "adjust_reason", "Required"),
        ("adjust", {"adjust_quantity": "2", "adjust_reason": "r" * 201}, "adjust_reason", "200"),
        ("adjust", {"adjust_quantity": "9" * 30, "adjust_reason": "x"}, "adjust_quantity", "less"),
        (
            "adjust",
            {"adjust_quantity": "2", "adjust_reason": "da\x00mp"},
            "adjust_reason",
            "control",
        ),
        ("count", {"count_counted": "-1"}, "count_counted", "0 or more"),
        ("count", {"count_counted": "ten"}, "count_counted", "whole"),
        ("receive", {"receive_quantity": "0"}, "receive_quantity", "1 or more"),
        (
            "receive",
            {"receive_quantity": "5", "receive_reference": "r" * 101},
            "receive_reference",
            "100",
        ),
        ("safety", {"safety_safety_stock": "-2"}, "safety_safety_stock", "0 or more"),
        ("safety", {"safety_safety_stock": ""}, "safety_safety_stock", "Required"),
        (
            "safety",
            {"safety_safety_stock": "1", "safety_location": "A\x00"},
            "safety_location",
            "control",
        ),
        (
            "safety",
            {"safety_safety_stock": "1", "safety_reorder_point": "x"},
            "safety_reorder_point",
            "whole",
        ),
        ("transfer", {"transfer_quantity": "2", "transfer_to": "SAME"}, "transfer_to", "same"),
        (
            "transfer",
            {"transfer_quantity": "11", "transfer_to": "B"},
            "transfer_quantity",
            "unreserved",
        ),
        (
            "transfer",
            {"transfer_quantity": "2", "transfer_to": "B", "transfer_eta": "soon"},
            "transfer_eta",
            "date",
        ),
        (
            "transfer",
            {"transfer_quantity": "2", "transfer_to": "NOWHERE"},
            "transfer_to",
            "NOWHERE",
        ),
    ],
)
def test_bad_input_is_an_error_beside_the_field_never_a_500_and_saves_nothing(
    app, client, database, place, action, data, field, message
):
    sku, a, b = place["sku"], place["a"], place["b"]
    user = make_user(database, "merchandiser")
    codes = {"SAME": a["code"], "B": b["code"]}
    body = {k: codes.get(v, v) for k, v in data.items()}
    body.setdefault(f"{action}_location", a["code"])
    before = len(_movements(client, sku))
    with Console(app, user.email) as desk:
        r = desk.post(f"/console/inventory/skus/{sku['sku']}/{action}", body)
    assert r.status_code in (409, 422), (r.status_code, r.text[:1000])
    assert message in _field_error(r.text, field)
    assert _level(client, sku, a)["on_hand"] == 10 and _level(client, sku, a)["safety_stock"] == 0
    assert len(_movements(client, sku)) == before


def test_bad_page_links_are_error_pages_not_500s(app, database, place):
    user = make_user(database, "viewer")
    sku = place["sku"]["sku"]
    with Console(app, user.email) as desk:
        cursor = desk.get(f"/console/inventory/skus/{sku}", params={"before": "bm90IG9uZQ"})
        assert cursor.status_code == 422 and "invalid_cursor" in cursor.text
        where = desk.get(f"/console/inventory/skus/{sku}", params={"history_location": "NOPE"})
        assert where.status_code == 404 and "location_not_found" in where.text
        nul = desk.get("/console/inventory", params={"q": "a\x00b"})
        assert nul.status_code == 422


def test_an_unknown_location_in_a_forged_form_is_a_field_error(app, client, database, place):
    user = make_user(database, "merchandiser")
    with Console(app, user.email) as desk:
        r = desk.post(
            f"/console/inventory/skus/{place['sku']['sku']}/receive",
            {"receive_location": "NOWHERE", "receive_quantity": "3"},
        )
    assert r.status_code == 422 and "NOWHERE" in _field_error(r.text, "receive_location")


def test_a_cycle_count_books_the_discrepancy(app, client, database, place):
    sku, a = place["sku"], place["a"]
    user = make_user(database, "warehouse", locations=[a["code"]], name="Wim Warehouse")
    with Console(app, user.email) as desk:
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/count",
            {"count_location": a["code"], "count_counted": "6", "count_reference": "CC-1"},
        )
        assert r.status_code == 303, r.text[:2000]
        page = desk.get(r.headers["location"]).text
    assert f"Count booked at {a['code']}: a difference of -4 units." in page
    assert _row(page, "movements", "Cycle count")[3:] == [
        "-4",
        "counted 6",
        "CC-1",
        f"Wim Warehouse ({user.email})",
    ]
    assert _level(client, sku, a)["on_hand"] == 6


def test_receiving_stock_adds_it_on_hand(app, client, database, place):
    sku, b = place["sku"], place["b"]
    user = make_user(database, "merchandiser")
    with Console(app, user.email) as desk:
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/receive",
            {"receive_location": b["code"], "receive_quantity": "5", "receive_reference": "DN-7"},
        )
        assert r.status_code == 303, r.text[:2000]
        page = desk.get(r.headers["location"]).text
    assert f"5 units received at {b['code']}." in page
    assert _row(page, "per-location", b["code"])[1] == "5"
    assert _row(page, "movements", "DN-7")[2:4] == ["Receipt", "+5"]
    assert _level(client, sku, b)["on_hand"] == 5


def test_a_transfer_leaves_the_source_and_is_received_at_the_destination(
    app, client, database, place
):
    sku, a, b = place["sku"], place["a"], place["b"]
    sender = make_user(database, "warehouse", locations=[a["code"]])
    receiver = make_user(database, "store_associate", locations=[b["code"]], name="Sam Store")
    with Console(app, sender.email) as desk:
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/transfer",
            {
                "transfer_location": a["code"],
                "transfer_to": b["code"],
                "transfer_quantity": "4",
                "transfer_eta": (utcnow() + timedelta(days=2)).date().isoformat(),
            },
        )
        assert r.status_code == 303, r.text[:2000]
        page = desk.get(r.headers["location"]).text
        assert f"4 units sent from {a['code']} to {b['code']}" in page
        assert _row(page, "movements", "Transfer out")[3] == "-4"
        # the sender may not book the arrival at the store: no receive form for it
        assert 'name="incoming_source" value="transfer"' not in page
    transfer_id = re.search(r"Transfer (trf_\w+)", page)
    assert transfer_id and _level(client, sku, a)["on_hand"] == 6
    with Console(app, receiver.email) as desk:
        page = _page(desk, sku)
        assert 'name="incoming_source" value="transfer"' in page
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/incoming",
            {
                "incoming_source": "transfer",
                "incoming_id": transfer_id.group(1),
                "incoming_quantity": "4",
            },
        )
        assert r.status_code == 303, r.text[:2000]
        page = desk.get(r.headers["location"]).text
    assert _row(page, "movements", "Transfer in")[3:] == [
        "+4",
        "",
        transfer_id.group(1),
        f"Sam Store ({receiver.email})",
    ]
    assert _level(client, sku, b)["on_hand"] == 4
    assert "Nothing on order or in transit." in page


def test_a_purchase_order_line_is_received_from_the_incoming_list(app, client, database, place):
    sku, a = place["sku"], place["a"]
    po_ref = ref("PO")
    r = client.post(
        "/api/v1/inventory/purchase-orders",
        json={
            "reference": po_ref,
            "location": a["code"],
            "eta": (utcnow() + timedelta(days=3)).isoformat(),
            "lines": [{"sku": sku["sku"], "quantity": 8}],
        },
    )
    assert r.status_code == 201, r.text
    po_id = r.json()["id"]
    user = make_user(database, "merchandiser")
    with Console(app, user.email) as desk:
        not_a_number = desk.post(
            f"/console/inventory/skus/{sku['sku']}/incoming",
            {"incoming_source": "purchase_order", "incoming_id": po_id, "incoming_quantity": "x"},
        )
        assert not_a_number.status_code == 422 and "whole number" in not_a_number.text
        forged = desk.post(
            f"/console/inventory/skus/{sku['sku']}/incoming",
            {"incoming_source": "transfer", "incoming_id": "\x00", "incoming_quantity": "1"},
        )
        assert forged.status_code == 422
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/incoming",
            {"incoming_source": "purchase_order", "incoming_id": po_id, "incoming_quantity": "3"},
        )
        assert r.status_code == 303, r.text[:2000]
        page = desk.get(r.headers["location"]).text
    assert _row(page, "movements", po_ref)[2:4] == ["Receipt", "+3"]
    assert _level(client, sku, a)["on_hand"] == 13
    assert (
        client.get(f"/api/v1/inventory/purchase-orders/{po_id}").json()["lines"][0]["received"] == 3
    )


def test_safety_stock_is_set_and_taken_off_what_can_be_promised(app, client, database, place):
    sku, a = place["sku"], place["a"]
    user = make_user(database, "merchandiser")
    with Console(app, user.email) as desk:
        r = desk.post(
            f"/console/inventory/skus/{sku['sku']}/safety",
            {"safety_location": a["code"], "safety_safety_stock": "3", "safety_reorder_point": "5"},
        )
        assert r.status_code == 303, r.text[:2000]
        page = desk.get(r.headers["location"]).text
    assert f"Safety stock at {a['code']} set to 3." in page
    assert _row(page, "per-location", a["code"])[1:5] == ["10", "0", "3", "7"]
    level = _level(client, sku, a)
    assert (level["safety_stock"], level["reorder_point"], level["available"]) == (3, 5, 7)


# --- who may ----------------------------------------------------------------------------


def test_a_store_associate_acts_only_at_their_store(app, client, database, place):
    sku, a, b = place["sku"], place["a"], place["b"]
    stock(database, sku, b, 2)
    user = make_user(database, "store_associate", locations=[b["code"]])
    before = len(_movements(client, sku))
    with Console(app, user.email) as desk:
        home = desk.get("/console/inventory").text
        assert f'href="/console/inventory?location={b["code"]}"' in home
        page = _page(desk, sku)
        for name in ("adjust_location", "count_location", "receive_location", "safety_location"):
            assert _options(page, name) == [b["code"]], name
        assert _options(page, "transfer_location") == [b["code"]]
        assert a["code"] in _options(page, "transfer_to")  # sending there is fine
        assert "Change stock here" in _row(page, "per-location", b["code"])[-1]
        assert "Change stock here" not in _row(page, "per-location", a["code"])[-1]
        forged = [
            (
                "adjust",
                {"adjust_location": a["code"], "adjust_quantity": "-1", "adjust_reason": "x"},
            ),
            ("count", {"count_location": a["code"], "count_counted": "0"}),
            ("receive", {"receive_location": a["code"], "receive_quantity": "1"}),
            ("safety", {"safety_location": a["code"], "safety_safety_stock": "1"}),
            (
                "transfer",
                {
                    "transfer_location": a["code"],
                    "transfer_to": b["code"],
                    "transfer_quantity": "1",
                },
            ),
        ]
        for action, body in forged:
            r = desk.post(f"/console/inventory/skus/{sku['sku']}/{action}", body)
            assert r.status_code == 403, (action, r.status_code)
            assert "Not allowed" in r.text and "location_forbidden" in r.text
        mine = desk.post(
            f"/console/inventory/skus/{sku['sku']}/adjust",
            {"adjust_location": b["code"], "adjust_quantity": "1", "adjust_reason": "found"},
        )
        assert mine.status_code == 303
    assert _level(client, sku, a)["on_hand"] == 10 and _level(client, sku, a)["safety_stock"] == 0
    assert _level(client, sku, b)["on_hand"] == 3
    assert len(_movements(client, sku)) == before + 1


def test_a_purchase_order_elsewhere_cannot_be_received_by_a_restricted_user(
    app, client, database, place
):
    sku, a, b = place["sku"], place["a"], place["b"]
    r = client.post(
        "/api/v1/inventory/purchase-orders",
        json={
            "reference": ref("PO"),
            "location": a["code"],
            "eta": (utcnow() + timedelta(days=3)).isoformat(),
            "lines": [{"sku": sku["sku"], "quantity": 8}],
        },
    )
    po_id = r.json()["id"]
    user = make_user(database, "store_associate", locations=[b["code"]])
    with Console(app, user.email) as desk:
        assert 'name="incoming_source"' not in _page(desk, sku)
        forged = desk.post(
            f"/console/inventory/skus/{sku['sku']}/incoming",
            {"incoming_source": "purchase_order", "incoming_id": po_id, "incoming_quantity": "8"},
        )
    assert forged.status_code == 403
    assert _level(client, sku, a)["on_hand"] == 10


def test_a_viewer_and_a_customer_service_agent_cannot_change_stock(app, client, database, place):
    sku, a = place["sku"], place["a"]
    for role in ("viewer", "customer_service"):
        user = make_user(database, role)
        with Console(app, user.email) as desk:
            assert desk.get("/console/inventory").status_code == 200
            r = desk.post(
                f"/console/inventory/skus/{sku['sku']}/receive",
                {"receive_location": a["code"], "receive_quantity": "1"},
            )
            assert r.status_code == 403 and "missing_scope" in r.text, role
    assert _level(client, sku, a)["on_hand"] == 10


def test_a_form_without_the_csrf_token_is_refused(app, client, database, place):
    sku, a = place["sku"], place["a"]
    user = make_user(database, "merchandiser")
    with Console(app, user.email) as desk:
        r = desk.http.post(
            f"/console/inventory/skus/{sku['sku']}/receive",
            data={"receive_location": a["code"], "receive_quantity": "1"},
        )
    assert r.status_code == 403 and "csrf_failed" in r.text
    assert _level(client, sku, a)["on_hand"] == 10


def test_signed_out_the_inventory_asks_to_sign_in(app):
    browser = TestClient(app, follow_redirects=False)
    r = browser.get("/console/inventory?location=X")
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login?next=")
