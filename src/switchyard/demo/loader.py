"""Loads the demo retailer through the same use cases the API runs."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from typing import Any

from switchyard.auth.domain import Principal
from switchyard.catalog.sku_creation import create_skus
from switchyard.channels.repository import ChannelRepository
from switchyard.channels.service import create_channel, update_channel
from switchyard.db.uow import Database
from switchyard.demo import data
from switchyard.fulfillment import service as fulfillment
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.inventory import service as inventory
from switchyard.kernel.errors import Conflict
from switchyard.kernel.events import Actor
from switchyard.locations.service import create_location
from switchyard.orders import service as orders
from switchyard.orders.schemas import OrderCreate
from switchyard.placement.place import place_order

Progress = Callable[[str, int], Iterator[int]]
ACTOR = Actor.system("demo")
PRINCIPAL = Principal.system("demo")


def already_loaded(db: Database) -> bool:
    return db.run(
        ACTOR, lambda uow: uow.repo(ChannelRepository).get("web") is not None, read_only=True
    )


def load(
    db: Database, progress: Progress, *, orders_count: int = 300, seed: int = 7
) -> dict[str, int]:
    """Create the demo data; ``progress(label, total)`` yields indexes and shows progress."""
    rng = random.Random(seed)
    channels = {
        c["code"]: db.run(ACTOR, partial(create_channel, values=dict(c))) for c in data.CHANNELS
    }
    locations = [db.run(ACTOR, partial(create_location, values=loc)) for loc in data.locations()]
    _assign_locations(db, channels, locations)
    skus = _load_catalog(db, progress, list(channels))
    _load_stock(db, progress, rng, skus, locations)
    placed = _load_orders(db, progress, rng, skus, orders_count)
    return {
        "channels": len(channels),
        "locations": len(locations),
        "skus": len(skus),
        "orders": placed,
    }


def _assign_locations(
    db: Database, channels: dict[str, Any], locations: list[dict[str, Any]]
) -> None:
    by_type: dict[str, list[str]] = {}
    for loc in locations:
        by_type.setdefault(loc["type"], []).append(loc["id"])
    plan = {
        "pos": by_type["store"],
        "marketplace": by_type["warehouse"] + by_type["3pl"],
        "b2b-edi": by_type["warehouse"],
    }
    for code, ids in plan.items():
        db.run(
            ACTOR,
            partial(update_channel, ref=code, changes={"location_ids": ids}, expected_version=None),
        )


def _load_catalog(
    db: Database, progress: Progress, channel_codes: list[str]
) -> list[dict[str, Any]]:
    items = []
    for name, prefix, price, grams in data.PRODUCTS:
        for colour in data.COLOURS:
            for size in data.SIZES:
                items.append(
                    {
                        "sku": f"{prefix}-{colour[:3].upper()}-{size}",
                        "product_name": name,
                        "name": f"{name}, {colour}, {size}",
                        "weight_grams": grams,
                        "prices": [
                            {"channel": code, "currency": "EUR", "amount": Decimal(price)}
                            for code in channel_codes
                        ],
                    }
                )
    created: list[dict[str, Any]] = []
    per_product = len(data.COLOURS) * len(data.SIZES)
    chunk_size = 3 * per_product  # whole products per chunk: one product per name
    for start in progress("catalog", -(-len(items) // chunk_size)):
        chunk = items[start * chunk_size : (start + 1) * chunk_size]
        created += db.run(ACTOR, partial(create_skus, items=chunk))
    return created


def _load_stock(
    db: Database,
    progress: Progress,
    rng: random.Random,
    skus: list[dict[str, Any]],
    locations: list[dict[str, Any]],
) -> None:
    ranges = {"warehouse": (40, 400), "3pl": (0, 150), "store": (0, 12), "dropship": (0, 60)}
    for i in progress("stock", len(locations)):
        loc = locations[i]
        low, high = ranges[loc["type"]]

        def receive_all(
            uow: Any, loc: dict[str, Any] = loc, low: int = low, high: int = high
        ) -> None:
            for sku in skus:
                quantity = rng.randint(low, high)
                if quantity:
                    inventory.receive(
                        uow, sku["id"], loc["id"], quantity, reference="demo opening stock"
                    )

        db.run(ACTOR, receive_all)


def _load_orders(
    db: Database, progress: Progress, rng: random.Random, skus: list[dict[str, Any]], count: int
) -> int:
    placed = 0
    weights = {"web": 6, "marketplace": 2, "call-center": 1, "b2b-edi": 1}
    for i in progress("orders", count):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        city, postal, street, country = rng.choice(data.ADDRESSES)
        channel = rng.choices(list(weights), list(weights.values()))[0]
        lines = [
            {"sku": s["sku"], "quantity": rng.randint(1, 3)}
            for s in rng.sample(skus, rng.randint(1, 4))
        ]
        address = {
            "name": f"{first} {last}",
            "line1": street,
            "city": city,
            "postal_code": postal,
            "country_code": country,
        }
        body: dict[str, Any] = {
            "channel": channel,
            "external_id": f"DEMO-{10000 + i}",
            "customer": {
                "email": f"{first}.{last}{i % 37}@example.com".lower(),
                "name": f"{first} {last}",
            },
            "shipping_address": address,
            "billing_address": address,
            "lines": lines,
        }
        if channel == "b2b-edi":
            body["po_number"] = f"PO-{rng.randrange(100000, 999999)}"
            body["billing_address"] = {**address, "company": f"{last} Handels GmbH"}
        cmd = OrderCreate.model_validate(body)
        try:
            order = db.run(ACTOR, partial(place_order, cmd=cmd))
        except Conflict:
            continue  # sold out in the demo: a real shop would have refused the order too
        placed += 1
        _progress_order(db, rng, order.id)
    return placed


def _progress_order(db: Database, rng: random.Random, order_id: str) -> None:
    """Move an order along its life: some delivered, some shipped, some cancelled."""
    fate = rng.random()
    if fate < 0.08:
        db.run(
            ACTOR,
            lambda uow: orders.cancel_order(uow, order_id, None, "customer changed their mind"),
        )
        return
    steps = ["pick", "pack", "ship", "deliver"]
    depth = 4 if fate < 0.5 else 3 if fate < 0.7 else 1 if fate < 0.8 else 0
    fids = db.run(
        ACTOR,
        lambda uow: [f.id for f in uow.repo(FulfillmentRepository).for_order(order_id)],
        read_only=True,
    )
    for fid in fids:
        for step in steps[:depth]:
            details: dict[str, Any] = {}
            if step == "ship":
                details = {
                    "carrier": rng.choice(["DHL", "DPD", "UPS", "GLS"]),
                    "tracking_number": f"{rng.randrange(10**11, 10**12)}",
                }
            db.run(
                ACTOR,
                partial(
                    fulfillment.advance,
                    principal=PRINCIPAL,
                    fulfillment_id=fid,
                    action=step,
                    **details,
                ),
            )
