"""Promise options before ordering (``GET /promise``): what a shopper can choose for a
basket and a destination, with dates, cost and a sentence, counting expected supply.
With no option, ``reasons`` says why (``no_option``: no stock, too far, filtered out).

Read-only: nothing is reserved. ``at`` replaces the clock, so answers can be reproduced.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.sourcing import adapter
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import OrderLine, OrderRequest
from switchyard.sourcing.no_option import reasons_for_no_option
from switchyard.sourcing.options import promise_options
from switchyard.sourcing.profiles import channel_row


def promise(
    uow: UnitOfWork,
    channel_ref: str,
    skus: list[str],
    quantities: list[int],
    address: dict[str, Any],
    at: datetime | None = None,
) -> dict[str, Any]:
    """Delivery and pickup options for ``skus`` (codes or ids) sent to ``address``."""
    now = at or utcnow()
    channel = channel_row(uow, channel_ref, "query.channel")
    wanted, codes = _lines(uow, skus, quantities)
    point = adapter.place_address(uow, address)
    if point is None:
        raise ValidationFailed(
            "unknown_destination",
            "the destination's country is not known to Switchyard",
            [FieldError("query.country", "unknown_destination", str(address.get("country_code")))],
        )
    setup = adapter.channel_setup(uow, channel["id"])
    sku_ids = [sku_id for sku_id, _ in wanted]
    levels = adapter.stock_levels(uow, sku_ids, channel["id"], now)
    supplies = adapter.supplies(uow, sku_ids, channel["id"])
    ids = {level.location_id for level in levels} | {s.location_id for s in supplies}
    locations = adapter.network(uow, channel["id"], now, only=ids, pickup_stores=True)
    placed = {loc.id for loc in locations}
    supplies = [s for s in supplies if s.location_id in placed]
    weights = adapter.weights(uow, sku_ids)
    request = OrderRequest(
        id="promise",
        lines=tuple(
            OrderLine(f"l{n}", sku_id, qty, weights.get(sku_id, Decimal(0)))
            for n, (sku_id, qty) in enumerate(wanted)
        ),
        latitude=point.latitude,
        longitude=point.longitude,
        country=str(address.get("country_code") or ""),
        channel_id=channel["id"],
        placed_at=now,
    )
    ledger = Ledger.from_levels(levels, locations, respect_safety_stock=True)
    options = promise_options(
        request, locations, ledger, setup.profile, setup.cost_model, now, supplies=supplies
    )
    reasons = []
    if not options:
        reasons = reasons_for_no_option(
            request, locations, ledger, setup.profile, setup.cost_model, supplies, codes
        )
    shown = {k: v for k, v in address.items() if v}
    return {
        "at": now,
        "destination": point.as_dict() | shown,
        "options": [option.as_dict() for option in options],
        "reasons": reasons,
    }


def _lines(
    uow: UnitOfWork, skus: list[str], quantities: list[int]
) -> tuple[list[tuple[str, int]], dict[str, str]]:
    """(SKU id, quantity) per distinct SKU asked for, and each id's SKU code."""
    if not skus:
        raise ValidationFailed(
            "invalid_promise_request",
            "name at least one SKU",
            [FieldError("query.sku", "required", "one or more sku=")],
        )
    if quantities and len(quantities) != len(skus):
        raise ValidationFailed(
            "invalid_promise_request",
            "give one qty per sku, in the same order (or none for one of each)",
            [FieldError("query.qty", "count_mismatch", f"{len(skus)} expected")],
        )
    found = uow.repo(SkuRepository).by_refs(skus)
    missing = [ref for ref in skus if ref not in found]
    if missing:
        raise ValidationFailed(
            "unknown_sku",
            f"unknown SKU(s): {', '.join(missing)}",
            [FieldError("query.sku", "unknown_sku", ref) for ref in missing],
        )
    totals: dict[str, int] = {}
    for ref, qty in zip(skus, quantities or [1] * len(skus), strict=True):
        totals[found[ref]["id"]] = totals.get(found[ref]["id"], 0) + qty
    return list(totals.items()), {row["id"]: row["sku"] for row in found.values()}
