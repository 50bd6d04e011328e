"""The store and warehouse workbench over HTTP: the queue, each action in each state, the
location rule both ways, wrong scans and pickup codes, and bad input never a 500."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from switchyard.fulfillment.workbench_reads import WorkbenchReads
from switchyard.kernel.events import Actor
from tests.console.staff import Console, make_user
from tests.e2e.skeleton import available, make_channel, make_location, order_body, stock
from tests.e2e.test_fulfillment_flow import BERLIN_STORE, make_carrier
from tests.helpers import ref

BASE = "/console/workbench/fulfillments"


def make_item(client, channel, name: str = "Wool scarf") -> dict[str, Any]:
    body = {
        "sku": ref("SKU"),
        "product_name": name,
        "barcode": str(secrets.randbelow(10**12)).zfill(13),
        "weight_grams": 300,
        "prices": [{"channel": channel["code"], "currency": "EUR", "amount": "19.90"}],
    }
    r = client.post("/api/v1/skus", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def store(client, name: str = "Store Berlin Mitte") -> dict[str, Any]:
    return make_location(client, **{**BERLIN_STORE, "name": name, "code": ref("ST")})


def place(client, database, location, qty: int = 2, *, pickup: bool = True, **over: Any):
    """An order served by ``location`` alone (only it has the new SKU's stock)."""
    channel = make_channel(client)
    sku = make_item(client, channel)
    stock(database, sku, location, 5)
    extra = {"delivery_method": "pickup", "pickup_location": location["code"]} if pickup else {}
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, qty)], **extra, **over))
    assert r.status_code == 201, r.text
    order = r.json()
    (ful,) = order["fulfillments"]
    assert ful["location_id"] == location["id"]
    return order, ful["id"], sku


def fulfillment(client, fid: str) -> dict[str, Any]:
    r = client.get(f"/api/v1/fulfillments/{fid}")
    assert r.status_code == 200, r.text
    return r.json()


def pickup_code(client, order_id: str) -> str:
    events = client.get(f"/api/v1/orders/{order_id}/events").json()["items"]
    (ready,) = [e for e in events if e["type"] == "fulfillment.ready_for_pickup"]
    return str(ready["data"]["pickup_code"])


def associate(app, database, *locations: dict[str, Any], role: str = "store_associate"):
    user = make_user(database, role, locations=[loc["code"] for loc in locations])
    return user, Console(app, user.email)


def test_the_queue_shows_the_locations_open_work_by_status(app, client, database):
    berlin, munich = store(client), store(client, "Store München")
    order, fid, _sku = place(client, database, berlin)
    _, other_fid, _ = place(client, database, munich)
    _user, desk = associate(app, database, berlin)

    page = desk.get("/console/workbench")  # one location: chosen for them
    assert page.status_code == 200, page.text
    assert "Workbench: Store Berlin Mitte" in page.text
    assert "Store München" not in page.text  # not offered, not listed
    assert 'hx-trigger="every 30s"' in page.text
    assert "Nothing here" in page.text  # the default tab: released work to accept

    page = desk.get(f"/console/workbench?location={berlin['code']}&status=created")
    assert order["external_id"] in page.text and f"{BASE}/{fid}" in page.text
    assert other_fid not in page.text
    assert re.search(r"To release\s*<span class=\"badge warn\">1</span>", page.text)

    refused = desk.get(f"/console/workbench?location={munich['code']}&status=created")
    assert refused.status_code == 403 and other_fid not in refused.text
    assert "restricted to other locations" in refused.text
    unknown = desk.get("/console/workbench?location=NOWHERE-1")
    assert unknown.status_code == 422 and "unknown location" in unknown.text.lower()

    admin = make_user(database, "admin")
    with Console(app, admin.email) as boss:
        page = boss.get("/console/workbench")
        assert page.status_code == 200 and "Choose a location" in page.text
        page = boss.get(f"/console/workbench?location={munich['code']}&status=created")
        assert page.status_code == 200 and other_fid in page.text


def test_the_queue_pages_with_a_cursor(app, client, database, monkeypatch):
    from switchyard.console import workbench_view

    berlin = store(client)
    fids = [place(client, database, berlin)[1] for _ in range(3)]
    monkeypatch.setattr(workbench_view, "QUEUE_PAGE", 2)
    _, desk = associate(app, database, berlin)
    first = desk.get("/console/workbench?status=created")
    assert fids[0] in first.text and fids[1] in first.text and fids[2] not in first.text
    (cursor,) = re.findall(r'cursor=([^"&]+)">Next page', first.text)
    second = desk.get(f"/console/workbench?status=created&cursor={cursor}")
    assert fids[2] in second.text and fids[0] not in second.text
    bad = desk.get("/console/workbench?status=created&cursor=%%%not-ours")
    assert bad.status_code == 422 and "cursor" in bad.text


def test_click_and_collect_from_release_to_hand_over(app, client, database):
    berlin = store(client)
    order, fid, sku = place(client, database, berlin, qty=2)
    user, desk = associate(app, database, berlin)
    url = f"{BASE}/{fid}"

    page = desk.get(url)
    assert page.status_code == 200 and "Click &amp; collect" in page.text
    assert "Release to the location" in page.text and sku["sku"] in page.text
    r = desk.post(f"{url}/release", {"version": fulfillment(client, fid)["version"]})
    assert r.status_code == 303 and r.headers["location"] == f"{url}?done=released"
    assert fulfillment(client, fid)["status"] == "released"
    assert "Released to the location." in desk.get(r.headers["location"]).text

    r = desk.post(f"{url}/accept")
    assert r.status_code == 303 and fulfillment(client, fid)["status"] == "accepted"
    page = desk.get(url)
    assert "data-scan" in page.text and "Confirm pick" in page.text

    wrong = desk.post(f"{url}/scan", {"code": "NOT-ON-IT", "quantity": "1"})
    assert wrong.status_code == 422
    assert "is no SKU or barcode of this fulfillment" in wrong.text
    assert "that code is not on this fulfillment" in wrong.text
    assert fulfillment(client, fid)["lines"][0]["qty_picked"] == 0

    r = desk.post(f"{url}/scan", {"code": sku["barcode"], "quantity": "1"}, htmx=True)
    assert r.status_code == 200 and 'id="work"' in r.text and "Scanned." in r.text
    r = desk.post(f"{url}/scan", {"code": sku["sku"]})
    assert r.status_code == 303
    assert fulfillment(client, fid)["lines"][0]["qty_picked"] == 2
    over = desk.post(f"{url}/scan", {"code": sku["sku"]})
    assert over.status_code == 409 and "already scanned" in over.text

    r = desk.post(f"{url}/pick", {"version": fulfillment(client, fid)["version"]})
    assert r.status_code == 303 and fulfillment(client, fid)["status"] == "picked"
    page = desk.get(url)
    assert "On the pickup shelf" in page.text and "Pack in one package" not in page.text

    r = desk.post(f"{url}/ready", {"hold_days": "3"})
    assert r.status_code == 303 and fulfillment(client, fid)["status"] == "ready_for_pickup"
    code = pickup_code(client, order["id"])
    page = desk.get(url)
    assert "Pickup code the customer tells you" in page.text and code not in page.text

    wrong_code = "000000" if code != "000000" else "111111"
    r = desk.post(f"{url}/hand-over", {"pickup_code": wrong_code})
    assert r.status_code == 422 and "does not match" in r.text
    assert "nothing was handed over" in r.text
    assert fulfillment(client, fid)["status"] == "ready_for_pickup"
    empty = desk.post(f"{url}/hand-over", {"pickup_code": "  "})
    assert empty.status_code == 422 and "enter the customer&#39;s code" in empty.text

    r = desk.post(f"{url}/hand-over", {"pickup_code": code}, htmx=True)
    assert r.status_code == 200 and "Handed over to the customer." in r.text
    assert fulfillment(client, fid)["status"] == "picked_up"
    assert client.get(f"/api/v1/orders/{order['id']}").json()["status"] == "delivered"
    assert available(database, sku, berlin) == 3

    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    mine = [
        e for e in events if e["type"].startswith("fulfillment.") and e["actor"]["kind"] == "user"
    ]
    assert {e["type"] for e in mine} >= {
        "fulfillment.released",
        "fulfillment.accepted",
        "fulfillment.picked",
        "fulfillment.ready_for_pickup",
        "fulfillment.picked_up",
    }
    assert {e["actor"]["id"] for e in mine} == {user.id}
    page = desk.get(url).text
    history = page.split("<h2>History</h2>")[1]
    assert "Picked up" in history and user.display in history and code not in page


def test_a_berlin_associate_can_neither_open_nor_act_on_a_munich_fulfillment(app, client, database):
    berlin, munich = store(client), store(client, "Store München")
    order, fid, _ = place(client, database, munich)
    _, berliner = associate(app, database, berlin)
    _, muenchner = associate(app, database, munich)
    url = f"{BASE}/{fid}"

    page = berliner.get(url)
    assert page.status_code in (403, 404), page.status_code
    assert order["external_id"] not in page.text and "Release to the location" not in page.text
    for action, data in [
        ("release", {}),
        ("accept", {}),
        ("reject", {"reason": "not ours"}),
        ("scan", {"code": "X"}),
        ("pick", {}),
        ("pack", {"weight_grams": "abc"}),  # bad input too: still refused, not shown
        ("ship", {}),
        ("ready", {}),
        ("hand-over", {"pickup_code": "123456"}),
    ]:
        r = berliner.post(f"{url}/{action}", data)
        assert r.status_code in (403, 404), (action, r.status_code)
        assert order["external_id"] not in r.text
    for pdf in ("packing-slip.pdf", "packages/pkg_x/label.pdf"):
        assert berliner.get(f"{url}/{pdf}").status_code in (403, 404)
    assert fulfillment(client, fid)["status"] == "created"  # nothing happened

    page = muenchner.get(url)  # the other way round: Munich's own work
    assert page.status_code == 200 and order["external_id"] in page.text
    assert muenchner.post(f"{url}/accept").status_code == 303
    assert fulfillment(client, fid)["status"] == "accepted"
    assert berliner.get(f"{BASE}/ful_doesnotexist").status_code == 404


def test_reject_with_a_reason_hands_the_work_to_another_location(app, client, database):
    berlin, munich = store(client), store(client, "Store München")
    channel = make_channel(client)
    sku = make_item(client, channel)
    stock(database, sku, berlin, 5)
    stock(database, sku, munich, 5)
    order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
    (ful,) = order["fulfillments"]
    here, other = (berlin, munich) if ful["location_id"] == berlin["id"] else (munich, berlin)
    _, desk = associate(app, database, here)
    url = f"{BASE}/{ful['id']}"
    desk.post(f"{url}/release")
    page = desk.get(url)
    assert "We cannot fulfil it here (reject)" in page.text and "data-confirm" in page.text
    long = desk.post(f"{url}/reject", {"reason": "x" * 501})
    assert long.status_code == 422 and "at most 500 characters" in long.text
    assert fulfillment(client, ful["id"])["status"] == "released"

    r = desk.post(f"{url}/reject", {"reason": "flooded"})
    assert r.status_code == 303
    done = fulfillment(client, ful["id"])
    assert (done["status"], done["cancel_reason"], done["note"]) == (
        "cancelled",
        "rejected",
        "flooded",
    )
    after = client.get(f"/api/v1/orders/{order['id']}").json()
    live = [f for f in after["fulfillments"] if f["status"] != "cancelled"]
    assert [f["location_id"] for f in live] == [other["id"]]
    page = desk.get(url)
    assert "Rejected" in page.text and "flooded" in page.text and "Accept:" not in page.text


def test_ship_from_a_warehouse_pack_label_print_and_ship(app, client, database):
    warehouse = make_location(client, name="Warehouse Erfurt")
    carrier = make_carrier(client)
    _, fid, sku = place(client, database, warehouse, qty=1, pickup=False)
    _, desk = associate(app, database, warehouse, role="warehouse")
    url = f"{BASE}/{fid}"
    client.put(
        "/api/v1/pick-slots",
        json={
            "location": warehouse["code"],
            "slots": [{"sku": sku["sku"], "zone": "A", "bin": "A-01-3"}],
        },
    )
    page = desk.get(url)
    assert "A &middot; A-01-3" in page.text and "Ship to Anna Müller" in page.text

    assert desk.post(f"{url}/accept").status_code == 303
    not_yet = desk.post(f"{url}/pack")
    assert not_yet.status_code == 409 and "must be picked before packing" in not_yet.text
    assert desk.post(f"{url}/pick").status_code == 303  # nothing scanned: every line in full
    assert fulfillment(client, fid)["status"] == "picked"

    for bad in ({"weight_grams": "heavy"}, {"weight_grams": "0"}, {"length_mm": "99999999"}):
        r = desk.post(f"{url}/pack", bad)
        assert r.status_code == 422, (bad, r.status_code)
        assert 'class="field-error"' in r.text
    assert fulfillment(client, fid)["status"] == "picked"  # nothing partial saved
    r = desk.post(f"{url}/pack", {"weight_grams": "450", "length_mm": "300", "width_mm": "200"})
    assert r.status_code == 303
    packed = fulfillment(client, fid)
    assert packed["status"] == "packed" and packed["packages"][0]["weight_grams"] == 450

    page = desk.get(url)
    assert "Buy label" in page.text and "no label yet" in page.text
    slip = desk.get(f"{url}/packing-slip.pdf")
    assert slip.status_code == 200 and slip.content.startswith(b"%PDF")
    assert slip.headers["content-type"] == "application/pdf"
    package = packed["packages"][0]["id"]
    early = desk.get(f"{url}/packages/{package}/label.pdf")
    assert early.status_code == 409 and "no tracking number" in early.text

    r = desk.post(f"{url}/label", {"label_carrier": carrier["code"]})
    assert r.status_code == 303, r.text
    labelled = fulfillment(client, fid)
    assert labelled["packages"][0]["tracking_number"]
    label = desk.get(f"{url}/packages/{package}/label.pdf")
    assert label.status_code == 200 and label.content.startswith(b"%PDF")
    assert desk.get(url).text.count("Print label") == 1

    r = desk.post(f"{url}/ship")
    assert r.status_code == 303 and fulfillment(client, fid)["status"] == "shipped"
    page = desk.get(url)
    assert "Nothing left to do here" in page.text and "Ship</h2>" not in page.text


def test_ship_with_the_carriers_tracking_number_and_stale_pages(app, client, database):
    warehouse = make_location(client, name="Warehouse Erfurt")
    _, fid, _ = place(client, database, warehouse, qty=1, pickup=False)
    _, desk = associate(app, database, warehouse, role="warehouse")
    url = f"{BASE}/{fid}"
    stale = fulfillment(client, fid)["version"]
    desk.post(f"{url}/accept")
    r = desk.post(f"{url}/pick", {"version": str(stale)})  # the page was out of date
    assert r.status_code == 412 and "reload it and try again" in r.text
    assert fulfillment(client, fid)["status"] == "accepted"
    desk.post(f"{url}/pick", {"version": "not-a-number"})  # a forged version is ignored
    desk.post(f"{url}/pack")
    page = desk.get(url)
    assert "Tracking number" in page.text
    r = desk.post(f"{url}/ship")
    assert r.status_code == 409 and "create labels or send tracking" in r.text
    r = desk.post(f"{url}/ship", {"ship_carrier": "dhl", "tracking_number": "JJD0001234"})
    assert r.status_code == 303
    shipped = fulfillment(client, fid)
    assert (shipped["status"], shipped["tracking_number"]) == ("shipped", "JJD0001234")


def test_a_short_pick_reports_the_units_found(app, client, database):
    berlin = store(client)
    _, fid, _sku = place(client, database, berlin, qty=3, pickup=False)
    _, desk = associate(app, database, berlin)
    url = f"{BASE}/{fid}"
    desk.post(f"{url}/accept")
    line = fulfillment(client, fid)["lines"][0]["order_line_id"]
    field = f"found-{line}"
    page = desk.get(url)
    assert f'name="{field}"' in page.text and "Report short pick" in page.text
    for bad in ("", "many", "-1", "4"):
        r = desk.post(f"{url}/short-pick", {field: bad})
        assert r.status_code == 422, (bad, r.status_code, r.text[:300])
        assert f'id="e-{field}"' in r.text
    assert fulfillment(client, fid)["lines"][0]["qty_short"] == 0
    unknown = desk.post(f"{url}/short-pick", {"found-ol_nope": "1"})
    assert unknown.status_code == 422
    mismatch = desk.post(f"{url}/pick", {})  # fine: nothing scanned, all found
    assert mismatch.status_code == 303
    assert fulfillment(client, fid)["status"] == "picked"

    _, fid2, _ = place(client, database, berlin, qty=3, pickup=False)
    url2 = f"{BASE}/{fid2}"
    line2 = fulfillment(client, fid2)["lines"][0]["order_line_id"]
    desk.post(f"{url2}/accept")
    r = desk.post(f"{url2}/short-pick", {f"found-{line2}": "1"})
    assert r.status_code == 303 and r.headers["location"].endswith("done=short_picked")
    after = fulfillment(client, fid2)
    assert after["status"] == "picked"
    assert (after["lines"][0]["quantity"], after["lines"][0]["qty_short"]) == (1, 2)


def test_a_reader_sees_the_work_but_cannot_act(app, client, database):
    berlin = store(client)
    _, fid, _ = place(client, database, berlin)
    viewer = make_user(database, "viewer")
    with Console(app, viewer.email) as reader:
        page = reader.get(f"{BASE}/{fid}")
        assert page.status_code == 200 and "You may look at this fulfillment" in page.text
        assert "Release to the location" not in page.text
        r = reader.post(f"{BASE}/{fid}/release")
        assert r.status_code == 403 and "fulfillment:write" in r.text
        menu = page.text.split('<nav aria-label="Sections">')[1].split("</nav>")[0]
        assert "Workbench" not in menu
    assert fulfillment(client, fid)["status"] == "created"


def test_a_held_order_says_so_and_its_work_waits(app, client, database):
    berlin = store(client)
    order, fid, _ = place(client, database, berlin)
    r = client.post(f"/api/v1/orders/{order['id']}/holds", json={"type": "manual", "reason": "x"})
    assert r.status_code == 201, r.text
    _, desk = associate(app, database, berlin)
    page = desk.get(f"{BASE}/{fid}")
    assert "The order is on hold" in page.text
    r = desk.post(f"{BASE}/{fid}/release")
    assert r.status_code == 409 and "order_on_hold" in r.text
    assert fulfillment(client, fid)["status"] == "created"


def test_waves_take_the_released_work_and_list_it_by_zone_and_bin(app, client, database):
    warehouse = make_location(client, name="Warehouse Erfurt")
    elsewhere = make_location(client, name="Warehouse Leipzig")
    placed = [place(client, database, warehouse, qty=1, pickup=False) for _ in range(2)]
    skus = [sku for _, _, sku in placed]
    client.put(
        "/api/v1/pick-slots",
        json={
            "location": warehouse["code"],
            "slots": [{"sku": skus[0]["sku"], "zone": "B", "bin": "B-02"}],
        },
    )
    _, desk = associate(app, database, warehouse, role="warehouse")
    page = desk.get("/console/workbench/waves")
    assert page.status_code == 200 and "No waves at Warehouse Erfurt yet." in page.text
    empty = desk.post("/console/workbench/waves", {"location": warehouse["code"]})
    assert empty.status_code == 409 and "No released fulfillment" in empty.text

    for _, fid, _ in placed:
        desk.post(f"{BASE}/{fid}/release")
    bad = desk.post(
        "/console/workbench/waves", {"location": warehouse["code"], "max_fulfillments": "0"}
    )
    assert bad.status_code == 422 and 'id="e-max_fulfillments"' in bad.text
    r = desk.post(
        "/console/workbench/waves", {"location": warehouse["code"], "max_fulfillments": "10"}
    )
    assert r.status_code == 303, r.text
    wave_url = r.headers["location"].split("?")[0]
    page = desk.get(r.headers["location"])
    assert page.status_code == 200 and "Wave created" in page.text
    assert "Zone B" in page.text and "B-02" in page.text and "Zone unassigned" in page.text
    for _, fid, _ in placed:
        assert fid in page.text and fulfillment(client, fid)["status"] == "picking"
    only_b = desk.get(f"{wave_url}?zone=B")
    assert "B-02" in only_b.text and "Zone unassigned" not in only_b.text
    listing = desk.get("/console/workbench/waves")
    assert wave_url.rsplit("/", 1)[1] in listing.text

    refused = desk.post("/console/workbench/waves", {"location": elsewhere["code"]})
    assert refused.status_code == 403
    _, outsider = associate(app, database, elsewhere, role="warehouse")
    assert outsider.get(wave_url).status_code in (403, 404)
    assert outsider.get(f"/console/workbench/waves?location={warehouse['code']}").status_code == 403
    assert desk.get("/console/workbench/waves/wav_nope").status_code == 404


def test_the_workbench_reads_count_up_to_a_cap_and_list_newest_waves_first(client, database):
    warehouse = make_location(client)
    for _ in range(3):
        place(client, database, warehouse, qty=1, pickup=False)
    reads = database.run(
        Actor.system("tests"),
        lambda uow: (
            uow.repo(WorkbenchReads).queue_sizes(warehouse["id"], ["created", "packed"], 2),
            uow.repo(WorkbenchReads).queue_sizes(warehouse["id"], ["created"], 10),
        ),
        read_only=True,
    )
    assert reads == ({"created": 2, "packed": 0}, {"created": 3})
    client.post("/api/v1/fulfillments:release", json={"location": warehouse["code"]})
    ids = []
    for _ in range(2):
        r = client.post(
            "/api/v1/pick-waves",
            json={"location": warehouse["code"], "max_fulfillments": 1},
            headers={"Idempotency-Key": ref("idem")},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    newest = database.run(
        Actor.system("tests"),
        lambda uow: uow.repo(WorkbenchReads).recent_waves(warehouse["id"], None, 1),
        read_only=True,
    )
    assert [w["id"] for w in newest] == [ids[1], ids[0]]  # one page and the "more" row
    older = database.run(
        Actor.system("tests"),
        lambda uow: uow.repo(WorkbenchReads).recent_waves(warehouse["id"], ids[1], 5),
        read_only=True,
    )
    assert [w["id"] for w in older] == [ids[0]]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("scan", {"code": "x" * 5000, "quantity": "1"}),
        ("scan", {"code": "abc", "quantity": "9" * 5000}),
        ("scan", {"code": "abc", "quantity": "1.5"}),
        ("scan", {"code": "\x00\ufffd", "quantity": "-3"}),
        ("pick", {"version": "1e9"}),
        ("short-pick", {"found-": "1"}),
        ("pack", {"weight_grams": "NaN", "height_mm": " "}),
        ("label", {"label_carrier": "nope" * 40}),
        ("label", {"label_carrier": "no-such-carrier"}),
        ("ship", {"ship_carrier": "x" * 65, "tracking_number": "y" * 101}),
        ("ready", {"hold_days": "365"}),
        ("ready", {"hold_days": "soon"}),
        ("hand-over", {"pickup_code": "1" * 13}),
        ("reject", {"reason": "\U0001f600" * 600}),
        ("release", {"version": "-1"}),
        ("reject", {"reason": "flood\x00ed"}),
        ("ship", {"ship_carrier": "dhl\x00", "tracking_number": "1\x00"}),
        ("hand-over", {"pickup_code": "\x00"}),
    ],
)
def test_bad_input_is_a_message_never_a_500(app, client, database, path, data):
    berlin = store(client)
    _, fid, _ = place(client, database, berlin, qty=1, pickup=False)
    _, desk = associate(app, database, berlin)
    desk.post(f"{BASE}/{fid}/accept")
    before = fulfillment(client, fid)
    r = desk.post(f"{BASE}/{fid}/{path}", data)
    assert r.status_code < 500, r.text[:500]
    if r.status_code >= 400:
        assert 'role="alert"' in r.text
        after = fulfillment(client, fid)
        assert (after["status"], after["version"]) == (before["status"], before["version"])


def test_odd_addresses_and_queries_are_pages_not_500s(app, client, database):
    berlin = store(client)
    _, desk = associate(app, database, berlin)
    for url in [
        "/console/workbench?status=nonsense",
        "/console/workbench?location=" + "x" * 300,
        "/console/workbench?cursor=" + "%FF" * 50,
        f"{BASE}/" + "x" * 300,
        f"{BASE}/ful_nope/packing-slip.pdf",
        f"{BASE}/ful_nope/packages/p/label.pdf",
        "/console/workbench/waves?location=%00",
        "/console/workbench/waves/" + "w" * 300 + "?zone=" + "z" * 100,
    ]:
        r = desk.get(url)
        assert r.status_code < 500, (url, r.status_code, r.text[:300])
    for url in [
        f"{BASE}/ful_nope/accept",
        f"{BASE}/ful_nope/hand-over",
        "/console/workbench/waves",
    ]:
        r = desk.post(url, {"pickup_code": "1", "location": "nowhere"})
        assert r.status_code in (403, 404, 422), (url, r.status_code)
