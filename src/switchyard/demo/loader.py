"""Loads the demo retailer through the same use cases the API runs."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import partial
from typing import Any

from switchyard.auth.domain import Principal
from switchyard.carriers import service as carriers
from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.schemas import CarrierCreate
from switchyard.carriers.tracking_numbers import generate as generate_tracking_number
from switchyard.carriers.zones import CITY, POSTAL, fold_city, fold_postal
from switchyard.catalog.kits import set_components
from switchyard.catalog.repository import SkuRepository
from switchyard.catalog.sku_creation import create_skus
from switchyard.channels.repository import ChannelRepository
from switchyard.channels.service import create_channel, update_channel
from switchyard.compliance import service as compliance
from switchyard.compliance.party_list import load_party_list
from switchyard.db.uow import Database, UnitOfWork
from switchyard.demo import data
from switchyard.fulfillment import pickup, shipments, work
from switchyard.fulfillment import service as fulfillment
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.inventory.sync import sync_stock
from switchyard.kernel.errors import Conflict
from switchyard.kernel.events import Actor
from switchyard.locations.repository import LocationRepository
from switchyard.locations.service import create_location
from switchyard.orders import service as orders
from switchyard.orders.repository import OrderRepository
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
    carrier_count, centroid_count = _load_carriers(db)
    skus = _load_catalog(db, progress, list(channels))
    kits = _load_kits(db, list(channels))
    slots = _load_slots(db, skus)
    parties, embargoes = _load_compliance(db)
    _load_stock(db, progress, rng, skus, locations)
    kinds = {loc["id"]: loc["type"] for loc in locations}
    placed = _load_orders(db, progress, rng, skus, kits, kinds, orders_count)
    placed += _load_screened_order(db)
    placed += _load_pickups(db, rng, skus)
    return {
        "channels": len(channels),
        "locations": len(locations),
        "skus": len(skus),
        "kits": len(kits),
        "carriers": carrier_count,
        "centroids": centroid_count,
        "pick slots": slots,
        "denied parties": parties,
        "embargoes": embargoes,
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


def _load_carriers(db: Database) -> tuple[int, int]:
    """DHL, DPD and GLS with their services and rate tables, and the centres of the demo's
    postal codes and cities (what ``PUT /geo-centroids`` stores)."""
    for carrier in data.CARRIERS:  # through the API's schema, as POST /carriers does
        values = CarrierCreate.model_validate(carrier).model_dump()
        db.run(ACTOR, partial(carriers.create_carrier, values=values))
    rows = {
        (country, kind, key): {
            "country_code": country,
            "kind": kind,
            "key": key,
            "latitude": lat,
            "longitude": lon,
        }
        for country, postal, city, lat, lon in data.CENTROIDS
        for kind, key in [
            (POSTAL, fold_postal(postal)) if postal else (CITY, fold_city(city or ""))
        ]
    }
    count = db.run(ACTOR, partial(carriers.put_centroids, rows=list(rows.values())))
    return len(data.CARRIERS), count


def _load_kits(db: Database, channel_codes: list[str]) -> list[dict[str, Any]]:
    """The bundles of ``data.KITS``: a SKU with a price and the components' weight."""

    def create(uow: UnitOfWork) -> list[dict[str, Any]]:
        made = []
        for code, name, price, parts in data.KITS:
            found = uow.repo(SkuRepository).by_refs([c for c, _ in parts])
            item = {
                "sku": code,
                "product_name": name.split(":")[0],
                "name": name,
                "weight_grams": sum(found[c]["weight_grams"] * q for c, q in parts),
                "prices": [
                    {"channel": ch, "currency": "EUR", "amount": Decimal(price)}
                    for ch in channel_codes
                ],
            }
            (kit,) = create_skus(uow, [item])
            components = [{"sku": c, "quantity": q} for c, q in parts]
            made.append(set_components(uow, kit["id"], components, None))
        return made

    return db.run(ACTOR, create)


def _load_slots(db: Database, skus: list[dict[str, Any]]) -> int:
    """A pick slot for every SKU at the warehouses: its area (by product), aisle, bay, level."""
    area_of = {prefix: area for area, prefixes in data.PICK_ZONES.items() for prefix in prefixes}
    slots = []
    seen: dict[str, int] = {}
    for sku in skus:
        prefix = sku["sku"].split("-", 1)[0]
        area = area_of[prefix]
        n = seen[area] = seen.get(area, -1) + 1
        aisle, bay, level = n // 60 + 1, n // 4 % 15 + 1, n % 4 + 1
        slots.append(
            {"sku": sku["sku"], "zone": area, "bin": f"{area[0]}{aisle:02d}-{bay:02d}-{level}"}
        )
    count = 0
    for code in data.PICKING_LOCATIONS:
        count += db.run(
            ACTOR, partial(work.put_slots, principal=PRINCIPAL, location=code, slots=slots)
        )
    return count


def _load_compliance(db: Database) -> tuple[int, int]:
    """The fictional restricted-party list (screening on), the embargo list and settings."""
    buffer = io.StringIO()
    columns = ["_id", "source", "type", "programs", "name", "alt_names", "addresses"]
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    for party in data.DENIED_PARTIES:
        writer.writerow({"source": data.DEMO_LIST_SOURCE, "programs": "DEMO", **party})
    content = buffer.getvalue().encode()

    def load_lists(uow: UnitOfWork) -> tuple[int, int]:
        loaded = load_party_list(uow, content)
        compliance.update_settings(
            uow, {"screening_threshold": 90.0, "hold_unscreenable_names": True}, None
        )
        for embargo in data.EMBARGOES:
            compliance.add_embargo(uow, embargo)
        return int(loaded["count"]), len(data.EMBARGOES)

    return db.run(ACTOR, load_lists)


def _load_stock(
    db: Database,
    progress: Progress,
    rng: random.Random,
    skus: list[dict[str, Any]],
    locations: list[dict[str, Any]],
) -> None:
    """Opening stock: a full count of each location, as its WMS or tills would send it
    (``POST /inventory/sync``; a few statements per location instead of one per SKU)."""
    ranges = {"warehouse": (40, 400), "3pl": (0, 150), "store": (0, 12), "dropship": (0, 60)}
    for i in progress("stock", len(locations)):
        loc = locations[i]
        low, high = ranges[loc["type"]]
        counted = [(sku["id"], rng.randint(low, high)) for sku in skus]
        db.run(
            ACTOR,
            partial(
                sync_stock,
                location_id=loc["id"],
                items=[(sku_id, qty) for sku_id, qty in counted if qty],
                scope="location",
                reference="demo opening stock",
            ),
        )


def _order_body(
    rng: random.Random, i: int, channel: str, first: str, last: str, lines: list[dict[str, Any]]
) -> dict[str, Any]:
    city, postal, street, country = rng.choice(data.ADDRESSES)
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
    return body


def _load_orders(
    db: Database,
    progress: Progress,
    rng: random.Random,
    skus: list[dict[str, Any]],
    kits: list[dict[str, Any]],
    kinds: dict[str, str],
    count: int,
) -> int:
    placed = 0
    weights = {"web": 6, "marketplace": 2, "call-center": 1, "b2b-edi": 1}
    for i in progress("orders", count):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        channel = rng.choices(list(weights), list(weights.values()))[0]
        lines = [
            {"sku": s["sku"], "quantity": rng.randint(1, 3)}
            for s in rng.sample(skus, rng.randint(1, 4))
        ]
        if i % data.KIT_ORDER_EVERY == 7:  # now and then a bundle
            kit = kits[i // data.KIT_ORDER_EVERY % len(kits)]
            lines.append({"sku": kit["sku"], "quantity": 1})
        cmd = OrderCreate.model_validate(_order_body(rng, i, channel, first, last, lines))
        try:
            order = db.run(ACTOR, partial(place_order, cmd=cmd))
        except Conflict:
            continue  # sold out in the demo: a real shop would have refused the order too
        placed += 1
        _progress_order(db, rng, order.id, kinds)
    return placed


def _load_screened_order(db: Database) -> int:
    """One order whose customer is named like a listed party: screening holds it."""
    name, email = data.SCREENED_CUSTOMER
    address = {
        "name": name,
        "line1": "Leopoldstrasse 44",
        "city": "München",
        "postal_code": "80802",
        "country_code": "DE",
    }
    body = {
        "channel": "web",
        "external_id": "DEMO-SCREENED-1",
        "customer": {"email": email, "name": name},
        "shipping_address": address,
        "billing_address": address,
        "lines": [{"sku": "TOT-BLA-M", "quantity": 1}],
    }
    try:
        db.run(ACTOR, partial(place_order, cmd=OrderCreate.model_validate(body)))
    except Conflict:
        return 0  # sold out by a very long demo
    return 1


# Click & collect at the Berlin store, so its associate finds work on the workbench: one
# order to pick, one picked, two waiting on the pickup shelf.
PICKUP_STORE = "ST-BER"
PICKUP_STEPS = ((), ("pick",), ("pick", "ready"), ("pick", "ready"))


def _load_pickups(db: Database, rng: random.Random, skus: list[dict[str, Any]]) -> int:
    store = db.run(
        ACTOR, lambda uow: uow.repo(LocationRepository).get(PICKUP_STORE), read_only=True
    )
    store_id = store["id"] if store else None
    placed = 0
    for i, steps in enumerate(PICKUP_STEPS):
        first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
        lines = [{"sku": s["sku"], "quantity": 1} for s in rng.sample(skus, 2)]
        body = _order_body(rng, 20000 + i, "web", first, last, lines)
        body |= {"delivery_method": "pickup", "pickup_location": PICKUP_STORE}
        try:
            order = db.run(ACTOR, partial(place_order, cmd=OrderCreate.model_validate(body)))
        except Conflict:
            continue
        placed += 1

        def at_store(uow: UnitOfWork, order_id: str = order.id) -> list[str]:
            found = uow.repo(FulfillmentRepository).for_order(order_id)
            return [f.id for f in found if f.location_id == store_id]

        for fid in db.run(ACTOR, at_store, read_only=True):
            for step in steps:
                if step == "ready":
                    db.run(
                        ACTOR,
                        partial(pickup.ready_for_pickup, principal=PRINCIPAL, fulfillment_id=fid),
                    )
                else:
                    db.run(
                        ACTOR,
                        partial(
                            fulfillment.advance,
                            principal=PRINCIPAL,
                            fulfillment_id=fid,
                            action=step,
                        ),
                    )
    return placed


def _book_labels(uow: UnitOfWork, fulfillment_id: str, rng: random.Random) -> None:
    """Labels from the rate shopper: the cheapest service that meets the promise (as
    ``POST /fulfillments/{id}/labels`` without a carrier), numbered from the seed."""
    f = uow.repo(FulfillmentRepository).get(fulfillment_id)
    assert f is not None
    order = uow.repo(OrderRepository).get(f.order_id)
    assert order is not None
    location = uow.repo(LocationRepository).get(f.location_id) or {}
    open_ = [p for p in f.packages if not p.tracking_number]
    best = carriers.quote_and_choose(
        uow,
        carriers.place_of_location(location),
        carriers.place_of_address(order.shipping_address),
        [p.weight_grams for p in open_],
        deliver_by=f.promised_delivery,
    ).best
    assert best is not None, f"no demo carrier serves fulfillment {fulfillment_id}"
    carrier = uow.repo(CarrierRepository).get(best.carrier) or {}
    numbers = [generate_tracking_number(carrier["tracking_pattern"], rng) for _ in open_]
    shipments.book_labels(
        uow,
        PRINCIPAL,
        fulfillment_id,
        carrier=best.carrier,
        service=best.service,
        tracking_numbers=numbers,
    )


def _progress_order(db: Database, rng: random.Random, order_id: str, kinds: dict[str, str]) -> None:
    """Move an order along its life: some delivered, some shipped, some cancelled. Our
    warehouses and stores book labels with the rate shopper; the 3PL and the drop-ship
    supplier report their own carrier's tracking number when they ship."""
    fate = rng.random()
    if fate < 0.08:
        db.run(
            ACTOR,
            lambda uow: orders.cancel_order(uow, order_id, None, "customer changed their mind"),
        )
        return
    steps = ["pick", "pack", "ship", "deliver"]
    depth = 4 if fate < 0.5 else 3 if fate < 0.7 else 1 if fate < 0.8 else 0
    found = db.run(
        ACTOR,
        lambda uow: [
            (f.id, f.location_id) for f in uow.repo(FulfillmentRepository).for_order(order_id)
        ],
        read_only=True,
    )
    for fid, location_id in found:
        own = kinds.get(location_id) in ("warehouse", "store")
        for step in steps[:depth]:
            if step == "pack":
                seed = rng.getrandbits(64)  # drawn outside: a retried attempt numbers alike

                def pack(
                    uow: UnitOfWork, fid: str = fid, own: bool = own, seed: int = seed
                ) -> None:
                    shipments.pack(uow, PRINCIPAL, fid, None)
                    if own:
                        _book_labels(uow, fid, random.Random(seed))

                db.run(ACTOR, pack)
                continue
            details: dict[str, Any] = {}
            if step == "ship" and not own:
                carrier = rng.choice(data.CARRIERS)
                details = {
                    "carrier": carrier["code"],
                    "tracking_number": generate_tracking_number(carrier["tracking_pattern"], rng),
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
