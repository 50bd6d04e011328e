"""Replay orders against a profile without changing anything (``switchyard sourcing
simulate``), so a merchant can compare profiles before activating one.

Orders come from a list of order bodies (as sent to ``POST /orders``) or from the orders
a channel stored since a date. They are sourced against today's stock in the channel's
scope and each location's full daily capacity, one by one in the order given (or as one
batch), and measured by ``simulate.report``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.locations.repository import LocationRepository
from switchyard.orders.repository import OrderRepository
from switchyard.sourcing import adapter
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import OrderLine, OrderRequest
from switchyard.sourcing.profile_repository import ProfileRepository
from switchyard.sourcing.profiles import channel_row
from switchyard.sourcing.ship_together import kits_of
from switchyard.sourcing.simulate import SimulationReport, simulate

PAGE = 500


def setup_for(uow: UnitOfWork, ref: str) -> adapter.Setup:
    """A profile version by id, or a channel (id or code) for the profile it uses now."""
    row = uow.repo(ProfileRepository).get_profile(ref)
    if row is not None:
        return adapter.setup_from_row(row)
    try:
        channel = channel_row(uow, ref, "profile")
    except ValidationFailed:
        raise not_found("sourcing_profile", ref) from None
    return adapter.channel_setup(uow, channel["id"])


def simulate_orders(
    uow: UnitOfWork,
    profile_ref: str,
    *,
    bodies: list[dict[str, Any]] | None = None,
    since: datetime | None = None,
    mode: Literal["sequential", "batch"] = "sequential",
    strategy: str | None = None,
    target_days: int = 3,
    time_limit: float = 50.0,
) -> SimulationReport:
    setup = setup_for(uow, profile_ref)
    now = utcnow()
    if bodies is not None:
        orders = [_from_body(uow, n, body, now) for n, body in enumerate(bodies)]
    else:
        orders = _stored(uow, setup.channel_id, since or now)
    sku_ids = sorted({line[1] for _, lines, _ in orders for line in lines})
    gross = not setup.profile.filters.respect_safety_stock
    levels = adapter.stock_levels(uow, sku_ids, setup.channel_id, now, gross=gross)
    pickups = [w["pickup_location_id"] for _, _, w in orders if w.get("pickup_location_id")]
    locations = adapter.network(
        uow,
        setup.channel_id,
        now,
        only={lv.location_id for lv in levels},
        also=pickups,
        whole_day=True,
        scoped=True,
    )
    ledger = Ledger.from_levels(
        levels, locations, respect_safety_stock=setup.profile.filters.respect_safety_stock
    )
    weights = adapter.weights(uow, sku_ids)
    requests = [_request(uow, o, weights, locations, setup.channel_id) for o in orders]
    return simulate(
        requests,
        locations,
        ledger,
        setup.profile,
        setup.cost_model,
        mode=mode,
        strategy=strategy,
        target_days=target_days,
        time_limit=time_limit,
    )


Replay = tuple[str, list[tuple[str, str, int, str, str]], dict[str, Any]]


def _from_body(uow: UnitOfWork, n: int, body: dict[str, Any], now: datetime) -> Replay:
    """An order body: (id, lines of (line id, SKU id, qty, code, line no), where)."""
    raw = body.get("lines") or []
    codes = [str(ln.get("sku", "")) for ln in raw if isinstance(ln, dict)]
    found = uow.repo(SkuRepository).by_refs(codes)
    errors = [
        FieldError(f"orders.{n}.lines.{i}.sku", "unknown_sku", code)
        for i, code in enumerate(codes)
        if code not in found
    ]
    if errors or not codes:
        raise ValidationFailed(
            "invalid_orders",
            f"order {n} cannot be replayed",
            errors or [FieldError(f"orders.{n}.lines", "required", "at least one line")],
        )
    quantities = [ln.get("quantity", 1) for ln in raw if isinstance(ln, dict)]
    bad = [i for i, q in enumerate(quantities) if not isinstance(q, int) or q < 1]
    if bad:
        raise ValidationFailed(
            "invalid_orders",
            f"order {n} cannot be replayed",
            [
                FieldError(f"orders.{n}.lines.{i}.quantity", "out_of_range", "1 or more")
                for i in bad
            ],
        )
    lines = [
        (f"l{i}", found[code]["id"], qty, code, str(i + 1))
        for i, (code, qty) in enumerate(zip(codes, quantities, strict=True))
    ]
    pickup = None
    if body.get("delivery_method") == "pickup" and body.get("pickup_location"):
        loc = uow.repo(LocationRepository).get(str(body["pickup_location"]))
        pickup = loc["id"] if loc else None
    placed = now
    if isinstance(body.get("placed_at"), str):
        try:
            placed = datetime.fromisoformat(body["placed_at"])
        except ValueError:
            raise ValidationFailed(
                "invalid_orders",
                f"order {n} cannot be replayed",
                [FieldError(f"orders.{n}.placed_at", "invalid_datetime", "ISO 8601 with zone")],
            ) from None
    where = {
        "address": body.get("shipping_address") or {},
        "pickup_location_id": pickup,
        "attributes": body.get("attributes") or {},
        "placed_at": placed,
    }
    return str(body.get("external_id") or f"order-{n}"), lines, where


def _stored(uow: UnitOfWork, channel_id: str, since: datetime) -> list[Replay]:
    found = []
    before = None
    while True:
        page = uow.repo(OrderRepository).search(
            before_id=before, limit=PAGE, channel_id=channel_id, placed_from=since
        )
        found += page[:PAGE]
        if len(page) <= PAGE:
            break
        before = page[PAGE - 1].id
    replays = []
    for order in reversed(found):  # oldest first, as they arrived
        lines = [
            (ln.id, ln.sku_id, ln.open_quantity, ln.sku, str(ln.line_no))
            for ln in order.lines
            if ln.open_quantity > 0
        ]
        if lines:
            pickup = order.pickup_location_id if order.delivery_method == "pickup" else None
            where = {
                "address": order.shipping_address,
                "pickup_location_id": pickup,
                "attributes": order.attributes,
                "placed_at": order.placed_at,
            }
            replays.append((order.id, lines, where))
    return replays


def _request(
    uow: UnitOfWork,
    replay: Replay,
    weights: dict[str, Decimal],
    locations: list[Any],
    channel_id: str,
) -> OrderRequest:
    order_id, lines, where = replay
    pickup = where["pickup_location_id"]
    store = next((loc for loc in locations if loc.id == pickup), None)
    point = adapter.place_address(uow, where["address"]) or adapter.centre_of(locations)
    lat, lon = (store.latitude, store.longitude) if store else (point.latitude, point.longitude)
    described = [(lid, code, no, qty) for lid, _, qty, code, no in lines]
    return OrderRequest(
        id=order_id,
        lines=tuple(
            OrderLine(lid, sku, qty, weights.get(sku, Decimal(0))) for lid, sku, qty, _, _ in lines
        ),
        latitude=lat,
        longitude=lon,
        country=str(where["address"].get("country_code", "")),
        channel_id=channel_id,
        delivery="pickup" if store else "ship",
        pickup_location_id=store.id if store else None,
        kits=kits_of(where["attributes"], described),
        placed_at=where["placed_at"],
    )
