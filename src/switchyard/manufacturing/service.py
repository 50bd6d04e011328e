"""Make-to-order use cases: where a SKU is made and from what, planning a line's
production at placement, and the work order's life (start, complete, cancel).

A SKU with an active route is made to order: placing it books a production slot at the
first site (by priority) that has the components in stock and capacity on the earliest
day, reserves the components there for the order line, and plans a work order due
``lead_days`` later. The line's fulfillment at the site may be released but not picked
until the work order is done (``awaiting_production``). Completing the work order
consumes the components (movement ``production_use``), adds the finished units to the
site's on-hand (``production``) and reserves them for the line. Capacity is booked with
one conditional statement per day, so it is never overbooked under concurrency.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from switchyard.auth.domain import Principal
from switchyard.catalog.repository import SkuRepository
from switchyard.catalog.service import get_sku
from switchyard.db.ttl_cache import TTLCache
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import service as inventory
from switchyard.inventory.ledger import change_on_hand
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    PreconditionFailed,
    ValidationFailed,
    not_found,
)
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository
from switchyard.manufacturing import domain
from switchyard.manufacturing.domain import CANCELLED, DONE, IN_PRODUCTION, PLANNED, Route
from switchyard.manufacturing.repository import ManufacturingRepository
from switchyard.orders.repository import OrderRepository

_routes = TTLCache("manufacturing.routes")


def routes_of(uow: UnitOfWork, sku_ids: list[str]) -> dict[str, tuple[Route, ...]]:
    """The made-to-order SKUs among ``sku_ids`` and their routes (master-data cache)."""

    def load(missing: list[str]) -> dict[str, tuple[Route, ...]]:
        found = uow.repo(ManufacturingRepository).routes_for(missing)
        return {sku_id: tuple(found.get(sku_id, ())) for sku_id in missing}

    return {k: v for k, v in _routes.get_many(uow.conn, sku_ids, load).items() if v}


# -- master data -----------------------------------------------------------------------
def set_production(
    uow: UnitOfWork, ref: str, routes: list[dict[str, Any]], bom: list[dict[str, Any]]
) -> dict[str, Any]:
    """Replace where and from what a SKU is made (empty routes: it is stocked again)."""
    sku = get_sku(uow, ref)
    locations = uow.repo(LocationRepository)
    errors: list[FieldError] = []
    route_rows = []
    for i, r in enumerate(routes):
        loc = locations.get(r["location"])
        if loc is None or not loc["active"]:
            errors.append(FieldError(f"routes.{i}.location", "unknown_location", r["location"]))
        errors += domain.route_errors(i, r["lead_days"], r["daily_capacity"])
        if loc is not None:
            route_rows.append(
                {
                    "sku_id": sku["id"],
                    "location_id": loc["id"],
                    "lead_days": r["lead_days"],
                    "daily_capacity": r["daily_capacity"],
                    "priority": i if r.get("priority") is None else r["priority"],
                    "active": True,
                }
            )
    if len({row["location_id"] for row in route_rows}) != len(route_rows):
        errors.append(FieldError("routes", "duplicate_location", "one route per site"))
    found = uow.repo(SkuRepository).by_refs([b["sku"] for b in bom])
    bom_rows = []
    for i, b in enumerate(bom):
        part = found.get(b["sku"])
        if part is None:
            errors.append(FieldError(f"bom.{i}.sku", "unknown_sku", b["sku"]))
        elif part["id"] == sku["id"]:
            errors.append(FieldError(f"bom.{i}.sku", "made_of_itself", "a SKU cannot use itself"))
        else:
            bom_rows.append(
                {"sku_id": sku["id"], "component_sku_id": part["id"], "quantity": b["quantity"]}
            )
    if len({row["component_sku_id"] for row in bom_rows}) != len(bom_rows):
        errors.append(FieldError("bom", "duplicate_component", "each component once"))
    if route_rows and not bom_rows and not errors:
        errors.append(FieldError("bom", "required", "what one unit is made of"))
    if errors:
        raise ValidationFailed("invalid_production", "the production setup is not valid", errors)
    uow.repo(ManufacturingRepository).replace(sku["id"], route_rows, bom_rows)
    uow.emit(
        DomainEvent(
            "catalog.production_set",
            "sku",
            sku["id"],
            {"sku": sku["sku"], "routes": len(route_rows), "bom": len(bom_rows)},
        )
    )
    return production_of(uow, sku["id"])


def production_of(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    sku = get_sku(uow, ref)
    repo = uow.repo(ManufacturingRepository)
    return {
        "sku": sku["sku"],
        "routes": repo.all_routes(sku["id"]),
        "bom": [{"sku_id": c, "quantity": q} for c, q in repo.bom(sku["id"])],
    }


# -- planning at placement ---------------------------------------------------------------
def plan_line(
    uow: UnitOfWork,
    order_id: str,
    line_id: str,
    sku_id: str,
    quantity: int,
    routes: tuple[Route, ...],
    *,
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """Book production for an order line and reserve the components: the work order to
    store once the order exists (``add_work_orders``), or None when no site has the
    components and a free slot within the horizon."""
    now = now or utcnow()
    repo = uow.repo(ManufacturingRepository)
    bom = repo.bom(sku_id)
    needs = domain.component_needs(bom, quantity)
    for route in routes:
        have = inventory.available(uow, [c for c, _ in needs], [route.location_id])
        if not bom or any(have.get((c, route.location_id), 0) < q for c, q in needs):
            continue
        day = _first_slot(uow, route, quantity, _today(uow, route.location_id, now))
        if day is None:
            continue
        requests = [
            inventory.ReservationRequest(c, route.location_id, q, order_id, line_id)
            for c, q in needs
        ]
        try:
            inventory.reserve(uow, requests)
        except Conflict as exc:
            if exc.code != "insufficient_stock":
                raise
            repo.unbook(route.location_id, sku_id, day, quantity)
            continue
        due = domain.due_day(day, route.lead_days)
        row = {
            "id": new_id("wko"),
            "order_id": order_id,
            "order_line_id": line_id,
            "sku_id": sku_id,
            "location_id": route.location_id,
            "quantity": quantity,
            "start_day": day,
            "due_day": due,
            "status": PLANNED,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        return row
    return None


def add_work_orders(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Store planned work orders (after their order, which they refer to)."""
    repo = uow.repo(ManufacturingRepository)
    for row in rows:
        repo.add_work_order(row)
        uow.emit(_event("work_order.planned", row))


def ready_from(uow: UnitOfWork, location_id: str, due: date) -> datetime:
    """When a work order due on ``due`` is finished: the site's opening of that day."""
    zone = ZoneInfo(_zone(uow, location_id))
    return datetime.combine(due, time(8, 0), tzinfo=zone)


def _today(uow: UnitOfWork, location_id: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(_zone(uow, location_id))).date()


def _zone(uow: UnitOfWork, location_id: str) -> str:
    loc = uow.repo(LocationRepository).get(location_id) or {}
    return str(loc.get("timezone") or "UTC")


def _first_slot(uow: UnitOfWork, route: Route, quantity: int, today: date) -> date | None:
    repo = uow.repo(ManufacturingRepository)
    for day in domain.slot_days(today):
        if repo.book(route.location_id, route.sku_id, day, quantity, route.daily_capacity):
            return day
    return None


# -- the work order's life ---------------------------------------------------------------
def get_work_order(uow: UnitOfWork, principal: Principal, work_order_id: str) -> dict[str, Any]:
    row = uow.repo(ManufacturingRepository).work_order(work_order_id)
    if row is None:
        raise not_found("work_order", work_order_id)
    principal.require_location(row["location_id"])
    return row


def start(uow: UnitOfWork, principal: Principal, work_order_id: str) -> dict[str, Any]:
    return _move(uow, principal, work_order_id, IN_PRODUCTION)


def complete(uow: UnitOfWork, principal: Principal, work_order_id: str) -> dict[str, Any]:
    return _move(uow, principal, work_order_id, DONE)


def _move(uow: UnitOfWork, principal: Principal, work_order_id: str, target: str) -> dict[str, Any]:
    row = get_work_order(uow, principal, work_order_id)
    uow.repo(OrderRepository).get(row["order_id"], lock=True)  # order row first
    repo = uow.repo(ManufacturingRepository)
    row = repo.work_order(work_order_id, lock=True) or row
    if row["status"] == CANCELLED:
        raise Conflict("work_order_cancelled", f"work order {work_order_id} is cancelled")
    if not domain.advance(row["status"], target, work_order_id):
        return row
    now = utcnow()
    if target == DONE:
        if row["status"] == PLANNED:
            uow.emit(_event("work_order.started", {**row, "status": IN_PRODUCTION}))
        _finish(uow, row)
    row = {**row, "status": target}
    if not repo.save(row, now):
        raise PreconditionFailed("version_mismatch", f"work order {work_order_id} changed")
    row["version"] += 1
    uow.emit(
        _event("work_order.started" if target == IN_PRODUCTION else "work_order.completed", row)
    )
    return row


def _finish(uow: UnitOfWork, row: dict[str, Any]) -> None:
    """Components out, finished goods in, reserved for the order line."""
    bom = tuple(uow.repo(ManufacturingRepository).bom(row["sku_id"]))
    site, line_id, qty = row["location_id"], row["order_line_id"], row["quantity"]
    inventory.consume(uow, line_id, site, qty, row["id"], parts=bom, kind="production_use")
    change_on_hand(
        uow, (row["sku_id"], site), qty, "production", reference=row["id"], allocate=False
    )
    inventory.reserve(
        uow,
        [inventory.ReservationRequest(row["sku_id"], site, qty, row["order_id"], line_id)],
    )


def cancel_for_order(uow: UnitOfWork, order_id: str) -> list[str]:
    """The order was cancelled: its unfinished work orders are cancelled and their slots
    given back (the order's cancellation released the components)."""
    repo = uow.repo(ManufacturingRepository)
    now = utcnow()
    cancelled = []
    for row in repo.for_order(order_id):
        if row["status"] in (DONE, CANCELLED):
            continue
        if row["status"] == PLANNED:
            repo.unbook(row["location_id"], row["sku_id"], row["start_day"], row["quantity"])
        repo.save({**row, "status": CANCELLED}, now)
        uow.emit(_event("work_order.cancelled", {**row, "status": CANCELLED}))
        cancelled.append(row["id"])
    return cancelled


def _event(type_: str, row: dict[str, Any]) -> DomainEvent:
    return DomainEvent(
        type_,
        "work_order",
        row["id"],
        {
            "order_line_id": row["order_line_id"],
            "sku_id": row["sku_id"],
            "location_id": row["location_id"],
            "quantity": row["quantity"],
            "start_day": row["start_day"].isoformat(),
            "due_day": row["due_day"].isoformat(),
            "status": row["status"],
        },
        order_id=row["order_id"],
    )
