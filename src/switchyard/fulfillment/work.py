"""Work at our own locations: storage slots, pick waves with zone pick lists, scanning."""

from __future__ import annotations

from typing import Any

from switchyard.auth.domain import Principal
from switchyard.catalog.kits import parts_of
from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.picking import PickItem, ScanTarget, pick_list, resolve_scan
from switchyard.fulfillment.release import allowed_locations
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.service import locked, persist
from switchyard.fulfillment.status import Status
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id

WAVE_LIMIT = 500


def put_slots(
    uow: UnitOfWork, principal: Principal, location: str, slots: list[dict[str, str]]
) -> int:
    """Say where SKUs are stored at a location (zone and bin); replaces earlier slots."""
    (location_id,) = allowed_locations(uow, principal, location) or []
    skus = uow.repo(SkuRepository).by_refs([s["sku"] for s in slots])
    errors = [
        FieldError(f"slots.{i}.sku", "unknown_sku", s["sku"])
        for i, s in enumerate(slots)
        if s["sku"] not in skus
    ]
    if errors:
        raise ValidationFailed("unknown_sku", "some slots name unknown SKUs", errors)
    now = utcnow()
    rows = {
        skus[s["sku"]]["id"]: {"zone": s["zone"], "bin": s["bin"], "updated_at": now} for s in slots
    }
    uow.repo(WorkRepository).put_slots(
        location_id, [{"sku_id": k, **v} for k, v in sorted(rows.items())]
    )
    return len(rows)


def create_wave(
    uow: UnitOfWork, principal: Principal, location: str, max_fulfillments: int
) -> dict[str, Any]:
    """Take released (or accepted) fulfillments not yet in a wave into a new wave: they
    move to ``picking`` and the wave's pick list groups their units by zone and bin."""
    (location_id,) = allowed_locations(uow, principal, location) or []
    candidates = uow.repo(WorkRepository).ids_where(
        statuses=[Status.RELEASED, Status.ACCEPTED],
        location_ids=[location_id],
        unwaved=True,
        limit=max_fulfillments,
    )
    if not candidates:
        raise Conflict("nothing_to_pick", "no released fulfillment at this location is waiting")
    wave_id = new_id("wav")
    uow.repo(WorkRepository).add_wave(
        {"id": wave_id, "location_id": location_id, "created_at": utcnow()}
    )
    taken = []
    for _, fulfillment_id in sorted(candidates):
        order, f = locked(uow, principal, fulfillment_id)
        # A consolidated parcel whose legs have not all arrived waits for a later wave.
        waiting = f.awaiting_legs
        if f.wave_id is None and f.status in (Status.RELEASED, Status.ACCEPTED) and not waiting:
            f.start_picking(wave_id)
            persist(uow, order, f)
            taken.append(f.id)
    if not taken:  # a concurrent wave took them all
        raise Conflict("nothing_to_pick", "no released fulfillment at this location is waiting")
    uow.emit(
        DomainEvent(
            "fulfillment.wave_created",
            "pick_wave",
            wave_id,
            {"location_id": location_id, "fulfillments": taken},
        )
    )
    return wave_view(uow, principal, wave_id)


def wave_view(
    uow: UnitOfWork, principal: Principal, wave_id: str, zone: str | None = None
) -> dict[str, Any]:
    """The wave and what is still to pick in it, by zone (only ``zone`` if given)."""
    wave = uow.repo(WorkRepository).wave(wave_id)
    if wave is None:
        raise not_found("pick_wave", wave_id)
    principal.require_location(wave["location_id"])
    members = uow.repo(FulfillmentRepository).page(
        location_ids=None,
        status=None,
        order_id=None,
        after_id=None,
        limit=WAVE_LIMIT,
        wave_id=wave_id,
    )
    open_ = [f for f in members if f.status == Status.PICKING]
    kits = parts_of(uow, sorted({ln.sku_id for f in open_ for ln in f.lines}))
    # A kit is picked as its components: (sku id, units per kit line unit).
    wanted = {ln.sku_id: kits.get(ln.sku_id) or ((ln.sku_id, 1),) for f in open_ for ln in f.lines}
    sku_ids = sorted({sku for parts in wanted.values() for sku, _ in parts})
    skus = {r["id"]: r for r in uow.repo(SkuRepository).by_refs(sku_ids).values()}
    items = [
        PickItem(
            f.id,
            ln.order_line_id,
            sku,
            skus[sku]["sku"],
            skus[sku]["barcode"],
            (ln.quantity - ln.qty_picked) * per,
        )
        for f in open_
        for ln in f.lines
        if ln.quantity > ln.qty_picked
        for sku, per in wanted[ln.sku_id]
    ]
    zones = pick_list(items, uow.repo(WorkRepository).slots(wave["location_id"], sku_ids))
    return {
        **wave,
        "fulfillments": [{"id": f.id, "order_id": f.order_id, "status": f.status} for f in members],
        "zones": [z for z in zones if zone is None or z["zone"] == zone],
    }


def scan(
    uow: UnitOfWork, principal: Principal, fulfillment_id: str, code: str, quantity: int
) -> Fulfillment:
    """Units found on the shelf, identified by scanning a SKU code or barcode."""
    order, f = locked(uow, principal, fulfillment_id)
    f.require_not_past(Status.PICKING)
    skus = {
        r["id"]: r for r in uow.repo(SkuRepository).by_refs([ln.sku_id for ln in f.lines]).values()
    }
    targets = [
        ScanTarget(
            ln.order_line_id,
            skus[ln.sku_id]["sku"],
            skus[ln.sku_id]["barcode"],
            ln.quantity - ln.qty_picked,
        )
        for ln in f.lines
    ]
    f.scan(resolve_scan(code.strip(), targets, quantity), quantity)
    return persist(uow, order, f, force=True)


def line_for_sku(uow: UnitOfWork, f: Fulfillment, ref: str) -> str:
    """The order line of this fulfillment holding the SKU named by code, barcode or id."""
    skus = {
        r["id"]: r for r in uow.repo(SkuRepository).by_refs([ln.sku_id for ln in f.lines]).values()
    }
    for ln in f.lines:
        row = skus.get(ln.sku_id, {})
        if ref in (ln.sku_id, row.get("sku"), row.get("barcode")):
            return ln.order_line_id
    raise ValidationFailed(
        "unknown_sku",
        f"'{ref}' is no SKU of fulfillment {f.id}",
        [FieldError("sku", "unknown_sku", ref)],
    )


def picked_quantities(
    uow: UnitOfWork, f: Fulfillment, lines: list[dict[str, Any]] | None
) -> dict[str, int] | None:
    """Quantities per order line from lines naming an order line or a SKU."""
    if lines is None:
        return None
    picked: dict[str, int] = {}
    for ln in lines:
        line = ln.get("order_line_id") or line_for_sku(uow, f, ln.get("sku") or "")
        picked[line] = picked.get(line, 0) + ln["quantity"]
    return picked


def confirm_pick(
    uow: UnitOfWork,
    principal: Principal,
    fulfillment_id: str,
    lines: list[dict[str, Any]] | None,
    allow_short: bool = False,
    expected_version: int | None = None,
) -> Fulfillment:
    """Picked quantities confirmed; with ``allow_short`` missing units are a short pick."""
    order, f = locked(uow, principal, fulfillment_id)
    check_version("fulfillment", expected_version, f.version)
    f.pick(picked_quantities(uow, f, lines), allow_short=allow_short)
    return persist(uow, order, f)
