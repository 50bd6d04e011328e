"""Every reservation comes from a sourcing decision that respects the profile (issue 20
defect 1), for random networks, profiles and order streams, on both databases: no open
reservation at a location the profile excludes, no location past its daily capacity, and
each reserved (order, location) is a shipment of one of the order's decisions."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select

from switchyard.inventory.tables import reservations
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref

ACTOR = Actor.system("tests")
CITIES = [(53.55, 10.00), (48.14, 11.58), (52.52, 13.40), (50.94, 6.96), (51.34, 12.37)]
ADDRESSES = [
    ("Berlin", "10115"),
    ("München", "80331"),
    ("Hamburg", "20095"),
    ("Köln", "50667"),
    ("Leipzig", "04109"),
]


def _open_reservations(database, order_ids: list[str]) -> list[dict]:
    def read(uow):
        rows = uow.conn.execute(
            select(
                reservations.c.order_id, reservations.c.location_id, reservations.c.status
            ).where(reservations.c.order_id.in_(order_ids), reservations.c.status == "open")
        ).mappings()
        return [dict(r) for r in rows]

    return database.run(ACTOR, read, read_only=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_reservation_outside_the_plan(client, database, seed):
    rng = random.Random(seed)
    locations = []
    for lat, lon in CITIES:
        kind = rng.choice(["warehouse", "warehouse", "store"])
        caps = ["ship", "ship_from_store", "pickup"] if kind == "store" else ["ship"]
        locations.append(
            make_location(
                client,
                code=ref("L"),
                type=kind,
                capabilities=caps,
                latitude=lat,
                longitude=lon,
                daily_capacity=rng.choice([None, 1, 2, 3]),
            )
        )
    allowed_types = rng.choice([["warehouse"], ["warehouse", "store"], ["store"]])
    channel = make_channel(
        client,
        location_ids=[loc["id"] for loc in locations],
        backorder_policy=rng.choice(["backorder", "deny"]),
    )
    r = client.post(
        "/api/v1/sourcing/profiles",
        json={
            "channel": channel["code"],
            "name": "random",
            "strategy": rng.choice(["lowest_cost", "nearest", "priority"]),
            "filters": {"location_types": allowed_types},
        },
    )
    assert r.status_code == 201, r.text
    assert client.post(f"/api/v1/sourcing/profiles/{r.json()['id']}/activate").status_code == 200
    skus = [make_sku(client, channel) for _ in range(3)]
    for sku in skus:
        for loc in rng.sample(locations, rng.randint(1, len(locations))):
            stock(database, sku, loc, rng.randint(0, 4) or 1)
    placed = []
    for _ in range(12):
        city, postal = rng.choice(ADDRESSES)
        address = {"name": "Anna Müller", "line1": "Hauptstrasse 1", "city": city,
                   "postal_code": postal, "country_code": "DE"}  # fmt: skip
        lines = [(sku, rng.randint(1, 2)) for sku in rng.sample(skus, rng.randint(1, 2))]
        r = client.post("/api/v1/orders", json=order_body(channel, lines, shipping_address=address))
        assert r.status_code in (201, 409), r.text
        if r.status_code == 201:
            placed.append(r.json())

    by_id = {loc["id"]: loc for loc in locations}
    shipped_from: dict[str, set[str]] = {}
    for order in placed:
        decisions = client.get(f"/api/v1/orders/{order['id']}/sourcing").json()["decisions"]
        shipped_from[order["id"]] = {
            s["location_id"] for d in decisions for s in d["decision"]["shipments"]
        }
    held = _open_reservations(database, [o["id"] for o in placed])
    for row in held:
        loc = by_id[row["location_id"]]
        assert loc["type"] in allowed_types, (seed, row, loc["type"], allowed_types)
        assert row["location_id"] in shipped_from[row["order_id"]], (seed, row)
    fulfillments = Counter(f["location_id"] for order in placed for f in order["fulfillments"])
    for location_id, count in fulfillments.items():
        cap = by_id[location_id]["daily_capacity"]
        assert cap is None or count <= cap, (seed, location_id, count, cap)
