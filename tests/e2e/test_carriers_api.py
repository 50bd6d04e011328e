"""Carrier definitions, rate tables, zones and rate shopping through the API."""

from __future__ import annotations

import secrets

from tests.e2e.skeleton import make_location
from tests.e2e.test_fulfillment_flow import make_carrier
from tests.helpers import assert_problem, make_key, ref

BERLIN = {"country_code": "DE", "postal_code": "10115", "city": "Berlin"}


def quote(client, location, carrier, **over):
    body = {
        "location": location["code"],
        "destination": BERLIN,
        "weights_grams": [900],
        "carriers": [carrier["code"]],
        "ship_date": "2030-05-03",
        **over,
    }
    r = client.post("/api/v1/rate-quotes", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_carrier_lifecycle(client, anon, database):
    carrier = make_carrier(client)
    url = f"/api/v1/carriers/{carrier['code']}"
    got = client.get(url)
    assert got.headers["etag"] == '"1"'
    std = next(s for s in got.json()["services"] if s["code"] == "std")
    assert std["transit_days"] == {"1": 3, "2": 3, "3": 3, "4": 3}
    assert {"zone": 1, "max_weight_grams": 1000, "amount": "4.90"} in std["rates"]
    r = client.patch(url, json={"name": "Paket Express AG"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    svc = {
        "name": "Economy",
        "currency": "EUR",
        "rates": [{"zone": 1, "max_weight_grams": 500, "amount": "2.5"}],
        "transit_days": {"1": 5},
    }
    r = client.put(f"{url}/services/eco", json=svc, headers={"If-Match": '"2"'})
    assert r.status_code == 200 and r.json()["version"] == 3, r.text
    assert [s["code"] for s in r.json()["services"]] == ["eco", "exp", "std"]
    r = client.put(f"{url}/services/eco", json={**svc, "name": "Eco"}, headers={"If-Match": '"2"'})
    assert_problem(r, 412, "version_mismatch")
    assert_problem(
        client.post("/api/v1/carriers", json={"code": carrier["code"], "name": "x"}),
        409,
        "carrier_code_taken",
    )
    listed = client.get("/api/v1/carriers", params={"limit": 500}).json()["items"]
    assert carrier["id"] in {c["id"] for c in listed}
    fulfiller = {"Authorization": f"Bearer {make_key(database, ['fulfillment:write'])}"}
    assert_problem(
        anon.post("/api/v1/carriers", json={"code": ref("C"), "name": "x"}, headers=fulfiller),
        403,
        "missing_scope",
    )


def test_invalid_definitions_name_the_fields(client):
    body = {
        "code": ref("C"),
        "name": "Bad",
        "tracking_pattern": "AB##",
        "tracking_url": "ftp://x",
    }
    err = assert_problem(client.post("/api/v1/carriers", json=body), 422, "invalid_carrier")
    assert {e["field"] for e in err["errors"]} == {"tracking_pattern", "tracking_url"}
    body = {
        "code": ref("C"),
        "name": "Bad",
        "services": [
            {
                "code": "s",
                "name": "S",
                "currency": "EUR",
                "rates": [
                    {"zone": 2, "max_weight_grams": 1000, "amount": "1"},
                    {"zone": 2, "max_weight_grams": 1000, "amount": "2"},
                ],
                "transit_days": {"1": 1},
            }
        ],
    }
    err = assert_problem(client.post("/api/v1/carriers", json=body), 422, "invalid_service")
    assert {e["field"] for e in err["errors"]} == {"services.0.rates.1", "services.0.transit_days"}
    body["services"][0]["rates"][0]["zone"] = 9
    assert_problem(client.post("/api/v1/carriers", json=body), 422, "invalid_request")
    assert client.get(f"/api/v1/carriers/{body['code']}").status_code == 404


def test_rate_shopping_meets_the_promise_at_the_lowest_price(client):
    carrier, warehouse = make_carrier(client), make_location(client)  # Erfurt
    q = quote(client, warehouse, carrier)
    assert (q["zone"]["zone"], q["zone"]["basis"]) == (2, "city")
    assert 200 < q["zone"]["distance_km"] < 260
    assert [(x["service"], x["amount"]) for x in q["quotes"]] == [("std", "4.90"), ("exp", "9.90")]
    assert q["best"]["service"] == "std"
    assert q["quotes"][0]["ship_date"] == "2030-05-03"
    assert q["quotes"][0]["estimated_delivery"] == "2030-05-08"  # 3 working days after Friday
    tight = quote(client, warehouse, carrier, deliver_by="2030-05-06")
    assert (tight["best"]["service"], tight["best"]["meets_promise"]) == ("exp", True)
    late = quote(client, warehouse, carrier, deliver_by="2030-05-03")
    assert (late["best"]["service"], late["best"]["meets_promise"]) == ("exp", False)
    heavy = quote(client, warehouse, carrier, weights_grams=[900, 40_000])
    assert heavy["quotes"] == [] and heavy["best"] is None
    two = quote(client, warehouse, carrier, weights_grams=[900, 4000])
    assert two["best"]["amount"] == "11.80"
    body = {"location": warehouse["code"], "destination": BERLIN, "weights_grams": [1]}
    r = client.post("/api/v1/rate-quotes", json={**body, "carriers": [ref("NOPE")]})
    assert_problem(r, 422, "unknown_carrier")


def test_zones_from_centroids_and_countries(client):
    carrier, warehouse = make_carrier(client), make_location(client)
    postal = "0" + "".join(secrets.choice("123456789") for _ in range(4))
    place = {"country_code": "DE", "postal_code": postal, "city": "Nirgendwo"}
    assert quote(client, warehouse, carrier, destination=place)["zone"] == {
        "zone": 4,
        "distance_km": None,
        "basis": "country",
    }
    r = client.put(
        "/api/v1/geo-centroids",
        json={
            "centroids": [
                {
                    "country_code": "DE",
                    "postal_code": postal[:3],
                    "latitude": 51.05,
                    "longitude": 13.74,
                }
            ]
        },
    )
    assert r.json() == {"stored": 1}, r.text
    zone = quote(client, warehouse, carrier, destination=place)["zone"]
    assert (zone["zone"], zone["basis"]) == (2, "postal_code")
    bad = {"centroids": [{"country_code": "DE", "latitude": 1, "longitude": 1}]}
    assert_problem(client.put("/api/v1/geo-centroids", json=bad), 422, "invalid_centroids")
    paris = quote(client, warehouse, carrier, destination={"country_code": "FR", "city": "Paris"})
    assert (paris["zone"]["zone"], paris["zone"]["basis"]) == (5, "country")
    assert paris["quotes"] == []  # the carrier serves zones 1 to 4 only
    listed = client.get("/api/v1/geo-centroids", params={"country_code": "DE", "limit": 500}).json()
    assert any(c["key"] == postal[:3] for c in listed["items"])
