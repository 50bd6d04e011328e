"""The stock ledger over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from switchyard.kernel.clock import utcnow
from tests.helpers import assert_problem, make_key, ref
from tests.integration.test_inventory_fixtures import (
    make_channel,
    make_locations,
    make_skus,
    sku_code,
)

API = "/api/v1"


def _setup(database, skus=1, locations=1):
    sku_ids = make_skus(database, skus)
    return [sku_code(database, s) for s in sku_ids], sku_ids, make_locations(database, locations)


def test_receipt_is_idempotent_and_shows_in_levels_and_movements(client, database):
    (code,), _, (loc,) = _setup(database)
    body = {"sku": code, "location": loc, "quantity": 7, "reference": "GRN-1"}
    key = {"Idempotency-Key": ref("k")}
    r = client.post(f"{API}/inventory/receipts", json=body, headers=key)
    assert r.status_code == 201, r.text
    assert r.json()["on_hand"] == 7
    again = client.post(f"{API}/inventory/receipts", json=body, headers=key)
    assert again.headers.get("idempotent-replayed") == "true"
    level = client.get(f"{API}/inventory/levels/{code}/{loc}").json()
    assert (level["on_hand"], level["available"]) == (7, 7)
    moves = client.get(f"{API}/inventory/movements", params={"sku": code}).json()["items"]
    assert [(m["kind"], m["quantity"], m["reference"]) for m in moves] == [("receipt", 7, "GRN-1")]


def test_bad_input_is_a_problem_naming_the_field(client, database):
    (code,), _, (loc,) = _setup(database)
    r = client.post(
        f"{API}/inventory/receipts", json={"sku": "nope", "location": loc, "quantity": 1}
    )
    body = assert_problem(r, 422, "unknown_sku")
    assert body["errors"][0]["field"] == "sku"
    r = client.post(
        f"{API}/inventory/adjustments", json={"sku": code, "location": loc, "quantity": -1}
    )
    assert_problem(r, 422, "invalid_request")
    r = client.post(
        f"{API}/inventory/adjustments",
        json={"sku": code, "location": loc, "quantity": -1, "reason": "damaged"},
    )
    assert_problem(r, 409, "insufficient_on_hand")
    assert_problem(client.get(f"{API}/inventory/levels/{code}/{loc}"), 404, "stock_level_not_found")
    assert_problem(client.get(f"{API}/availability", params={"sku": "nope"}), 404, "sku_not_found")


def test_count_and_settings(client, database):
    (code,), _, (loc,) = _setup(database)
    client.post(f"{API}/inventory/receipts", json={"sku": code, "location": loc, "quantity": 10})
    r = client.post(f"{API}/inventory/counts", json={"sku": code, "location": loc, "counted": 8})
    assert (r.status_code, r.json()["difference"], r.json()["on_hand"]) == (201, -2, 8)
    r = client.patch(f"{API}/inventory/levels/{code}/{loc}", json={"safety_stock": 3})
    assert r.json()["available"] == 5
    assert_problem(
        client.patch(f"{API}/inventory/levels/{code}/{loc}", json={"safety_stock": -1}),
        422,
        "invalid_request",
    )


def test_holds_reserve_and_release(client, database):
    (code,), _, (loc,) = _setup(database)
    client.post(f"{API}/inventory/receipts", json={"sku": code, "location": loc, "quantity": 3})
    r = client.post(
        f"{API}/reservations", json={"lines": [{"sku": code, "location": loc, "quantity": 2}]}
    )
    assert r.status_code == 201, r.text
    hold = r.json()
    assert hold["status"] == "open" and hold["expires_at"] is not None
    (item,) = client.get(f"{API}/availability", params={"sku": code}).json()
    assert item["available"] == 1
    r = client.post(
        f"{API}/reservations",
        json={"lines": [{"sku": code, "location": loc, "quantity": 2}], "ttl_seconds": 60},
    )
    body = assert_problem(r, 409, "insufficient_stock")
    assert body["errors"][0]["field"] == "lines.0"
    assert client.delete(f"{API}/reservations/{hold['id']}").json() == {"released": 2}
    assert client.delete(f"{API}/reservations/{hold['id']}").json() == {"released": 0}
    assert client.get(f"{API}/reservations/{hold['id']}").json()["status"] == "released"
    assert_problem(client.get(f"{API}/reservations/hld_nope"), 404, "hold_not_found")


def test_transfer_and_purchase_order(client, database):
    (code,), _, (src, dst) = _setup(database, locations=2)
    client.post(f"{API}/inventory/receipts", json={"sku": code, "location": src, "quantity": 5})
    r = client.post(
        f"{API}/inventory/transfers",
        json={"from_location": src, "to_location": dst, "lines": [{"sku": code, "quantity": 4}]},
    )
    assert r.status_code == 201, r.text
    transfer = r.json()
    (item,) = client.get(f"{API}/availability", params={"sku": code, "location": [dst]}).json()
    assert item["available"] == 0 and item["incoming"][0]["source"] == "transfer"
    r = client.post(f"{API}/inventory/transfers/{transfer['id']}/receive", json={})
    assert r.json()["status"] == "received"
    eta = (utcnow() + timedelta(days=5)).isoformat()
    po_ref = ref("PO")
    r = client.post(
        f"{API}/inventory/purchase-orders",
        json={
            "reference": po_ref,
            "location": dst,
            "eta": eta,
            "lines": [{"sku": code, "quantity": 6}],
        },
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    (item,) = client.get(f"{API}/availability", params={"sku": code, "location": [dst]}).json()
    assert [f["available"] for f in item["future"]] == [10]
    later = (utcnow() + timedelta(days=8)).isoformat()
    r = client.patch(
        f"{API}/inventory/purchase-orders/{po_ref}",
        json={"eta": later},
        headers={"If-Match": '"7"'},
    )
    assert_problem(r, 412, "version_mismatch")
    r = client.patch(
        f"{API}/inventory/purchase-orders/{po_ref}",
        json={"eta": later},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    r = client.post(f"{API}/inventory/purchase-orders/{po_ref}/receive", json={})
    assert r.json()["status"] == "received"
    assert client.get(f"{API}/inventory/levels/{code}/{dst}").json()["on_hand"] == 10


def test_channel_availability_feed_and_protection(client, database):
    codes, skus, (a, b) = _setup(database, skus=3, locations=2)
    for code in codes:
        client.post(f"{API}/inventory/receipts", json={"sku": code, "location": a, "quantity": 4})
        client.post(f"{API}/inventory/receipts", json={"sku": code, "location": b, "quantity": 9})
    channel = make_channel(database, [a])
    r = client.put(f"{API}/inventory/protections/{channel}", json={"quantity": 1})
    assert r.json()["default"] == 1
    items = client.get(f"{API}/availability", params={"sku": codes, "channel": channel}).json()
    assert [i["available"] for i in items] == [3, 3, 3]
    start = sorted(skus)[0][:-1]
    from switchyard.api.pagination import encode_cursor

    page = client.get(
        f"{API}/availability/feed",
        params={"channel": channel, "limit": 2, "cursor": encode_cursor([start])},
    ).json()
    assert [i["sku_id"] for i in page["items"]] == sorted(skus)[:2]
    assert page["next_cursor"]
    assert_problem(
        client.get(f"{API}/availability/feed", params={"channel": "nope"}), 404, "channel_not_found"
    )


def test_sync_thousands_of_rows(client, database):
    _, skus, (loc,) = _setup(database, skus=2000)
    items = [{"sku": s, "quantity": 5} for s in skus]
    r = client.post(
        f"{API}/inventory/sync",
        json={"location": loc, "mode": "full", "scope": "location", "items": items},
    )
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2000
    r = client.post(
        f"{API}/inventory/sync",
        json={"location": loc, "mode": "delta", "items": [{"sku": "ghost", "quantity": 1}]},
    )
    body = assert_problem(r, 422, "unknown_sku")
    assert body["errors"][0]["field"] == "items.0.sku"


def _stocked_location(client, database, skus=10, each=10):
    codes, _, (loc,) = _setup(database, skus=skus)
    for code in codes:
        body = {"sku": code, "location": loc, "quantity": each}
        assert client.post(f"{API}/inventory/receipts", json=body).status_code == 201
    return codes, loc


def _on_hand(client, loc):
    items = client.get(f"{API}/inventory/levels", params={"location": loc, "limit": 200})
    return {lv["sku_id"]: lv["on_hand"] for lv in items.json()["items"]}


def _movements(client, loc):
    return len(
        client.get(f"{API}/inventory/movements", params={"location": loc, "limit": 200}).json()[
            "items"
        ]
    )


def test_a_partial_full_sync_needs_a_scope_and_is_guarded(client, database):
    """Issue 13 defect 5: a 2-row full snapshot must not zero the location's other SKUs."""
    codes, loc = _stocked_location(client, database, skus=10)
    two = [{"sku": codes[0], "quantity": 4}, {"sku": codes[1], "quantity": 10}]
    url = f"{API}/inventory/sync"
    body = assert_problem(
        client.post(url, json={"location": loc, "items": two}), 422, "invalid_sync"
    )
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("scope", "scope_required")]
    bad = {"location": loc, "scope": "all", "items": two}
    assert_problem(client.post(url, json=bad), 422, "invalid_request")
    too_much = {"location": loc, "mode": "full", "scope": "location", "items": two}
    body = assert_problem(client.post(url, json=too_much), 409, "snapshot_removes_too_much")
    assert (body["units_removed"], body["units_on_hand"], body["units_ratio"]) == (86, 100, 0.86)
    assert (body["skus_zeroed"], body["skus_in_stock"], body["max_removal_ratio"]) == (8, 10, 0.5)
    assert set(_on_hand(client, loc).values()) == {10} and _movements(client, loc) == 10
    # listed: the two rows only
    r = client.post(url, json={**too_much, "scope": "listed"})
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["scope"], result["dry_run"], result["changed"], result["unchanged"]) == (
        "listed",
        False,
        1,
        1,
    )
    assert result["changes"] == [
        {"sku_id": result["changes"][0]["sku_id"], "sku": codes[0], "before": 10, "after": 4}
    ]
    assert sorted(_on_hand(client, loc).values()) == [4] + [10] * 9
    # the whole location, on purpose: force (or a looser ratio)
    r = client.post(url, json={**too_much, "max_removal_ratio": 0.9})
    assert r.status_code == 200, r.text
    assert (r.json()["skus_zeroed"], r.json()["units_removed"]) == (8, 80)
    assert sorted(_on_hand(client, loc).values()) == [0] * 8 + [4, 10]


def test_a_dry_run_sync_answers_what_would_happen_and_changes_nothing(client, database):
    codes, loc = _stocked_location(client, database, skus=4)
    url = f"{API}/inventory/sync"
    rows = [{"sku": codes[0], "quantity": 25}, {"sku": codes[1], "quantity": 0}]
    body = {"location": loc, "scope": "location", "dry_run": True, "items": rows}
    before, moves = _on_hand(client, loc), _movements(client, loc)
    # would be refused: the dry run says so, with the same figures
    refused = assert_problem(client.post(url, json=body), 409, "snapshot_removes_too_much")
    assert refused["units_removed"] == 30
    key = {"Idempotency-Key": ref("dry")}
    r = client.post(url, json={**body, "force": True}, headers=key)
    assert r.status_code == 200, r.text
    dry = r.json()
    assert dry["dry_run"] is True and "idempotent-replayed" not in r.headers
    assert (dry["changed"], dry["units_added"], dry["units_removed"], dry["skus_zeroed"]) == (
        4,
        15,
        30,
        3,
    )
    listed = [(c["sku"], c["before"], c["after"]) for c in dry["changes"]]
    assert listed[0] == (codes[0], 10, 25)  # the biggest change first
    assert sorted(listed[1:]) == sorted((code, 10, 0) for code in codes[1:])
    assert _on_hand(client, loc) == before and _movements(client, loc) == moves
    again = client.post(url, json={**body, "force": True}, headers=key)
    assert again.json() == dry and "idempotent-replayed" not in again.headers
    real = client.post(url, json={**body, "dry_run": False, "force": True}, headers=key)
    assert real.status_code == 200, real.text
    assert {**real.json(), "dry_run": True} == dry
    assert _movements(client, loc) == moves + 4


def test_a_delta_sync_takes_signed_quantities(client, database):
    codes, loc = _stocked_location(client, database, skus=2)
    rows = [{"sku": codes[0], "quantity": -3}, {"sku": codes[1], "quantity": 2}]
    r = client.post(f"{API}/inventory/sync", json={"location": loc, "mode": "delta", "items": rows})
    assert r.status_code == 200, r.text
    assert (r.json()["units_removed"], r.json()["units_added"], r.json()["scope"]) == (3, 2, None)
    assert sorted(_on_hand(client, loc).values()) == [7, 12]
    full = {"location": loc, "scope": "listed", "items": rows}
    body = assert_problem(client.post(f"{API}/inventory/sync", json=full), 422, "invalid_sync")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("items.0.quantity", "negative")]


def test_policies_and_verify_need_their_scopes(client, anon, database):
    (code,), (sku,), _ = _setup(database)
    r = client.put(f"{API}/inventory/policies/{code}", json={"backorder_policy": "preorder"})
    assert r.json()["effective"] == "preorder"
    assert_problem(
        client.put(f"{API}/inventory/policies/{code}", json={"backorder_policy": "maybe"}),
        422,
        "invalid_backorder_policy",
    )
    reader = make_key(database, ["inventory:read"])
    r = anon.get(f"{API}/inventory/verify", headers={"Authorization": f"Bearer {reader}"})
    assert_problem(r, 403, "missing_scope")
    r = anon.post(
        f"{API}/inventory/receipts",
        json={"sku": code, "location": "x", "quantity": 1},
        headers={"Authorization": f"Bearer {reader}"},
    )
    assert_problem(r, 403, "missing_scope")
    report = client.get(f"{API}/inventory/verify").json()
    assert not [d for d in report["differences"] if d["sku_id"] == sku]


def test_a_key_restricted_to_a_location_writes_only_there(anon, database):
    (code,), _, (mine, other) = _setup(database, locations=2)
    key = make_key(database, ["inventory:write"], [mine])
    auth = {"Authorization": f"Bearer {key}"}
    r = anon.post(
        f"{API}/inventory/receipts",
        json={"sku": code, "location": mine, "quantity": 1},
        headers=auth,
    )
    assert r.status_code == 201, r.text
    r = anon.post(
        f"{API}/inventory/receipts",
        json={"sku": code, "location": other, "quantity": 1},
        headers=auth,
    )
    assert_problem(r, 403, "location_forbidden")
