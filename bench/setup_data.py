"""Benchmark fixtures: a channel, locations, SKUs with prices and stock, an API key."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from switchyard.auth.service import create_api_key
from switchyard.catalog.sku_creation import create_skus
from switchyard.channels.service import create_channel
from switchyard.db.uow import Database
from switchyard.inventory import service as inventory
from switchyard.kernel.events import Actor
from switchyard.locations.service import create_location

ACTOR = Actor.system("bench")


def build(
    db: Database, *, skus: int, locations: int, stock: int, price: str = "10.00"
) -> dict[str, Any]:
    channel = db.run(
        ACTOR,
        lambda uow: create_channel(
            uow, {"code": "bench", "name": "Bench", "type": "web", "currency": "EUR"}
        ),
    )
    locs = [
        db.run(
            ACTOR,
            lambda uow, i=i: create_location(
                uow,
                {
                    "code": f"L{i:03d}",
                    "name": f"Location {i}",
                    "type": "warehouse",
                    "address": {
                        "line1": "Street 1",
                        "city": "Erfurt",
                        "postal_code": "99092",
                        "country_code": "DE",
                    },
                },
            ),
        )
        for i in range(locations)
    ]
    rows: list[dict[str, Any]] = []
    for start in range(0, skus, 1000):
        items = [
            {
                "sku": f"B{i:06d}",
                "product_name": f"Product {i // 10}",
                "prices": [{"channel": "bench", "currency": "EUR", "amount": Decimal(price)}],
            }
            for i in range(start, min(skus, start + 1000))
        ]
        rows += db.run(ACTOR, lambda uow, items=items: create_skus(uow, items))

    def receive_all(uow: Any) -> None:
        for loc in locs:
            for sku in rows:
                inventory.receive(uow, sku["id"], loc["id"], stock, reference="bench")

    if stock:
        db.run(ACTOR, receive_all)
    _, key = db.run(ACTOR, lambda uow: create_api_key(uow, "bench", ["admin"]))
    return {"channel": channel, "locations": locs, "skus": rows, "key": key}
