"""Sourcing profiles as versioned data per channel, and per-location sourcing settings."""

from __future__ import annotations

from tests.e2e.skeleton import make_channel, make_location
from tests.helpers import assert_problem, make_key

BASE = "/api/v1/sourcing/profiles"


def draft(client, channel, **over) -> dict:
    body = {"channel": channel["code"], "name": "Web", **over}
    r = client.post(BASE, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_a_channel_without_a_profile_uses_the_default(client):
    channel = make_channel(client, currency="CHF")
    r = client.get(f"/api/v1/sourcing/active-profiles/{channel['code']}")
    assert r.status_code == 200, r.text
    profile = r.json()
    assert profile["id"] is None and profile["strategy"] == "lowest_cost"
    assert profile["fulfilment"] == "ship_available" and profile["max_splits"] is None
    assert profile["cost_model"]["currency"] == "CHF"
    assert {z["name"] for z in profile["cost_model"]["zones"]} == {"Z1", "Z2", "Z3", "Z4", "Z5"}
    default = client.get("/api/v1/sourcing/cost-models/default", params={"currency": "eur"})
    assert default.json()["currency"] == "EUR"


def test_versions_drafts_activation_and_read_only_history(client):
    channel = make_channel(client)
    first = draft(client, channel, strategy="nearest", max_splits=0)
    assert (first["version"], first["status"], first["revision"]) == (1, "draft", 1)
    assert first["filters"]["location_types"] == ["3pl", "dropship", "store", "warehouse"]
    url = f"{BASE}/{first['id']}"
    r = client.patch(url, json={"fulfilment": "ship_complete"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"' and r.json()["fulfilment"] == "ship_complete"
    assert r.json()["strategy"] == "nearest"  # untouched fields stay
    stale = client.patch(url, json={"strategy": "priority"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "version_mismatch")

    r = client.post(f"{url}/activate")
    assert r.status_code == 200 and r.json()["status"] == "active", r.text
    active = client.get(f"/api/v1/sourcing/active-profiles/{channel['id']}").json()
    assert active["id"] == first["id"] and active["fulfilment"] == "ship_complete"
    assert_problem(client.patch(url, json={"strategy": "priority"}), 409, "profile_not_draft")

    second = draft(client, channel, based_on=first["id"], strategy="lowest_cost")
    assert second["version"] == 2 and second["fulfilment"] == "ship_complete"
    assert second["max_splits"] == 0 and second["strategy"] == "lowest_cost"
    client.post(f"{BASE}/{second['id']}/activate")
    assert client.get(url).json()["status"] == "retired"
    active = client.get(f"/api/v1/sourcing/active-profiles/{channel['code']}").json()
    assert active["id"] == second["id"]
    assert_problem(client.patch(url, json={"name": "x"}), 409, "profile_not_draft")

    listed = client.get(BASE, params={"channel": channel["code"]}).json()["items"]
    assert [(p["version"], p["status"]) for p in listed] == [(1, "retired"), (2, "active")]
    drafts = client.get(BASE, params={"channel": channel["code"], "status": "draft"}).json()
    assert drafts["items"] == []
    client.post(f"{url}/activate")  # rolling back to an older version is allowed
    assert client.get(f"{BASE}/{second['id']}").json()["status"] == "retired"


def test_cost_models_are_merged_over_the_default_and_validated(client):
    channel = make_channel(client)
    store = make_location(client, type="store", capabilities=["ship_from_store"])
    profile = draft(
        client,
        channel,
        cost_model={
            "handling_by_type": {"store": {"per_shipment": "9.50", "per_unit": 1}},
            "handling_by_location": {store["code"]: {"per_shipment": "0.5", "per_unit": "0"}},
            "split_penalty": "2.5",
        },
    )
    model = profile["cost_model"]
    assert model["handling_by_type"]["store"] == {"per_shipment": "9.50", "per_unit": "1"}
    assert model["handling_by_type"]["warehouse"] == {"per_shipment": "1.20", "per_unit": "0.25"}
    assert model["handling_by_location"] == {store["id"]: {"per_shipment": "0.5", "per_unit": "0"}}
    assert model["split_penalty"] == "2.5"

    bad_zones = [{"name": "A", "max_km": 100, "base": 1, "per_kg": 0, "transit_days": 1}]
    r = client.post(
        BASE, json={"channel": channel["code"], "name": "x", "cost_model": {"zones": bad_zones}}
    )
    assert {e["field"] for e in assert_problem(r, 422, "invalid_cost_model")["errors"]} == {
        "cost_model.zones"
    }
    r = client.post(
        BASE,
        json={
            "channel": channel["code"],
            "name": "x",
            "cost_model": {"handling_by_type": {"spaceport": {"per_shipment": 1, "per_unit": 1}}},
        },
    )
    assert assert_problem(r, 422, "invalid_cost_model")["errors"][0]["field"] == (
        "cost_model.handling_by_type.spaceport"
    )
    r = client.post(
        BASE,
        json={
            "channel": channel["code"],
            "name": "x",
            "cost_model": {
                "handling_by_location": {"no-such-place": {"per_shipment": 1, "per_unit": 1}}
            },
        },
    )
    assert_problem(r, 422, "unknown_location")


def test_invalid_profiles_name_every_field(client):
    channel = make_channel(client)
    r = client.post(
        BASE,
        json={
            "channel": channel["code"],
            "name": "x",
            "strategy": "cheapest-ish",
            "fulfilment": "whenever",
            "filters": {"location_types": ["moon"]},
        },
    )
    fields = {e["field"] for e in assert_problem(r, 422, "invalid_sourcing_profile")["errors"]}
    assert fields == {"strategy", "fulfilment", "filters.location_types"}
    r = client.post(BASE, json={"channel": channel["code"], "name": "x", "max_splits": -1})
    assert_problem(r, 422, "invalid_request")
    r = client.post(BASE, json={"channel": "nope", "name": "x"})
    assert_problem(r, 422, "unknown_channel")
    assert_problem(client.post(BASE, json={"name": "x"}), 422, "invalid_sourcing_profile")
    assert_problem(client.get(f"{BASE}/spf_nothing"), 404, "sourcing_profile_not_found")
    assert_problem(client.get(BASE, params={"status": "odd"}), 422, "invalid_status")


def test_scopes(anon, database, client):
    channel = make_channel(client)
    reader = {"Authorization": f"Bearer {make_key(database, ['sourcing:read'])}"}
    r = anon.post(BASE, json={"channel": channel["code"], "name": "x"}, headers=reader)
    assert_problem(r, 403, "missing_scope")
    assert anon.get(BASE, headers=reader).status_code == 200
    orders_only = {"Authorization": f"Bearer {make_key(database, ['orders:write'])}"}
    assert_problem(anon.get(BASE, headers=orders_only), 403, "missing_scope")


def test_location_settings(client):
    store = make_location(client, type="store")
    url = f"/api/v1/sourcing/locations/{store['code']}"
    assert client.get(url).json() == {
        "location_id": store["id"],
        "priority": 100,
        "networks": [],
        "handling_days": 0,
        "holidays": [],
        "opens": "09:00",
        "closes": "20:00",
        "pickup_lead_minutes": 120,
    }
    body = {
        "priority": 3,
        "networks": ["north", "north"],
        "holidays": ["2026-12-25"],
        "opens": "10:00",
        "closes": "18:30",
        "pickup_lead_minutes": 45,
    }
    r = client.put(url, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["networks"] == ["north"] and r.json()["holidays"] == ["2026-12-25"]
    assert client.get(url).json()["priority"] == 3
    r = client.put(url, json={**body, "opens": "19:00", "closes": "08:00"})
    assert_problem(r, 422, "invalid_opening_hours")
    assert_problem(client.put(url, json={"opens": "25:00"}), 422, "invalid_request")
    assert_problem(client.get("/api/v1/sourcing/locations/nowhere"), 404, "location_not_found")
