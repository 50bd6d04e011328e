"""Available to promise: per SKU, per location, per channel, now and by date.

A channel sees only its locations (none assigned: all active ones) and never its
protected units; kits are as available as their scarcest component allows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from switchyard.db.ttl_cache import TTLCache
from switchyard.db.uow import UnitOfWork
from switchyard.inventory.availability_repository import AvailabilityRepository
from switchyard.inventory.domain import kit_available, timeline
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found

# SKU rows by id or code: master data, cached per process (``switchyard.db.ttl_cache``),
# so a SKU changed by another process may show its old code or kit flag for up to
# ``master_data_ttl`` seconds; a new SKU is found at once (misses are never cached).
_skus = TTLCache("inventory.sku_by_ref")


def resolve_skus(uow: UnitOfWork, refs: list[str], field: str = "sku") -> list[dict[str, Any]]:
    """SKU rows for ids or codes, in the order asked; unknown ones are reported."""

    def load(missing: list[str]) -> dict[str, dict[str, Any]]:
        rows = uow.repo(AvailabilityRepository).skus(missing)
        return {r["id"]: r for r in rows} | {r["sku"]: r for r in rows}

    by_ref = _skus.get_many(uow.conn, refs, load)
    missing = [ref for ref in refs if ref not in by_ref]
    if missing and len(refs) == 1:
        raise not_found("sku", missing[0])
    if missing:
        raise ValidationFailed(
            "unknown_sku",
            f"unknown SKU(s): {', '.join(missing)}",
            [FieldError(field, "unknown_sku", m) for m in missing],
        )
    return list({by_ref[ref]["id"]: dict(by_ref[ref]) for ref in refs}.values())


def _kit_locations(
    quantities: dict[str, int], by_location: dict[str, dict[str, int]]
) -> dict[str, int]:
    return {loc: kit_available(avail, quantities) for loc, avail in by_location.items()}


def availability(
    uow: UnitOfWork,
    sku_refs: list[str],
    *,
    channel_id: str | None = None,
    location_ids: list[str] | None = None,
) -> list[dict[str, Any]]:
    """ATP for each SKU: totals, per location, incoming supply and availability by date."""
    repo = uow.repo(AvailabilityRepository)
    found = resolve_skus(uow, sku_refs)
    kits = repo.components([s["id"] for s in found if s["is_kit"]])
    wanted = {s["id"] for s in found} | {c for parts in kits.values() for c in parts}
    plain = [s["id"] for s in found if not s["is_kit"]]
    stock, supply = repo.stock_and_supply(sorted(wanted), plain, channel_id, location_ids, utcnow())
    balances: dict[str, list[dict[str, Any]]] = defaultdict(list)
    codes: dict[str, str] = {}
    for row in stock:
        balances[row["sku_id"]].append(row)
        codes[row["location_id"]] = row["location_code"]
    incoming: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in supply:
        incoming[row["sku_id"]].append(row)
    protections = repo.protections(channel_id, sorted(wanted)) if channel_id else {}
    result = []
    for sku in found:
        if sku["is_kit"]:
            item = _kit_item(sku, kits.get(sku["id"], {}), balances, codes)
        else:
            item = _sku_item(sku, balances[sku["id"]], incoming[sku["id"]])
        protection = protections.get(sku["id"], protections.get(None, 0))
        item["protection"] = protection
        item["available"] = max(0, item["available_total"] - protection)
        item["future"] = [
            {"date": d, "available": max(0, q - protection)} for d, q in item["future"]
        ]
        result.append(item)
    return result


def _sku_item(
    sku: dict[str, Any], rows: list[dict[str, Any]], supply: list[dict[str, Any]]
) -> dict[str, Any]:
    arriving: list[dict[str, Any]] = []
    at: dict[str, list[dict[str, Any]]] = defaultdict(list)
    dated: list[tuple[datetime, int]] = []
    for s in sorted(supply, key=lambda r: (r["eta"] is None, r["eta"] or 0, r["source_id"])):
        unpromised = max(0, s["quantity"] - s["preordered"])
        entry = {
            "location_id": s["location_id"],
            "eta": s["eta"],
            "quantity": s["quantity"],
            "unpromised": unpromised,
            "source": s["source"],
            "source_id": s["source_id"],
        }
        arriving.append(entry)
        at[s["location_id"]].append(entry)
        if s["eta"] is not None and unpromised > 0:
            dated.append((s["eta"], unpromised))
    per_location = [
        {
            "location_id": r["location_id"],
            "location_code": r["location_code"],
            "on_hand": r["on_hand"],
            "reserved": r["reserved"],
            "safety_stock": r["safety_stock"],
            "available": r["available"],
            "incoming": at.get(r["location_id"], []),
        }
        for r in rows
    ]
    total = sum(r["available"] for r in rows)
    return {
        "sku_id": sku["id"],
        "sku": sku["sku"],
        "is_kit": False,
        "on_hand": sum(r["on_hand"] for r in rows),
        "reserved": sum(r["reserved"] for r in rows),
        "available_total": total,
        "locations": per_location,
        "incoming": arriving,
        "future": timeline(total, dated),
    }


def _kit_item(
    sku: dict[str, Any],
    quantities: dict[str, int],
    balances: dict[str, list[dict[str, Any]]],
    codes: dict[str, str],
) -> dict[str, Any]:
    by_location: dict[str, dict[str, int]] = defaultdict(dict)
    for component in quantities:
        for r in balances[component]:
            by_location[r["location_id"]][component] = r["available"]
    kits = _kit_locations(quantities, by_location)
    return {
        "sku_id": sku["id"],
        "sku": sku["sku"],
        "is_kit": True,
        "on_hand": None,
        "reserved": None,
        "available_total": sum(kits.values()),
        "locations": [
            {"location_id": loc, "location_code": codes[loc], "available": kits[loc]}
            for loc in sorted(kits)
            if kits[loc] > 0
        ],
        "incoming": [],
        "future": [],
        "components": [{"sku_id": c, "quantity": q} for c, q in sorted(quantities.items())],
    }


def feed(
    uow: UnitOfWork, channel_id: str, after_id: str | None, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit + 1`` active SKUs after ``after_id`` with what the channel may sell."""
    repo = uow.repo(AvailabilityRepository)
    now = utcnow()
    rows = repo.feed_page(channel_id, after_id, limit, now)
    kit_ids = [r["id"] for r in rows if r["is_kit"]]
    kit_totals: dict[str, int] = {}
    if kit_ids:
        kits = repo.components(kit_ids)
        by_kit: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for r in repo.kit_balances(kit_ids, channel_id, now):
            by_kit[r["kit_sku_id"]][r["location_id"]][r["component_sku_id"]] = r["available"]
        kit_totals = {k: sum(_kit_locations(kits.get(k, {}), by_kit[k]).values()) for k in kit_ids}
    return [
        {
            "sku_id": r["id"],
            "sku": r["sku"],
            "available": max(0, kit_totals.get(r["id"], r["available"]) - r["protection"]),
        }
        for r in rows
    ]
