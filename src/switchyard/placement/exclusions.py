"""Locations excluded from an order's lines: they handed the units back.

A location that rejects a fulfillment, short-picks it or cancels it back is never asked
for those lines again, by any later sourcing of the order (re-sourcing, hold release,
amendment, backorders whose stock arrives): ``placement.stock.allocate_lines`` reads the
exclusions. Only a person lifts them (``clear``), for example after the warehouse that
flooded is dry again; the order's sourcing hold is then released to source again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.placement.in_flight import InFlight
from switchyard.sourcing.repository import SourcingRepository

REASONS = frozenset({"rejected", "short_picked", "cancelled"})


def exclude(
    uow: UnitOfWork,
    order: Order,
    location_id: str,
    line_ids: Iterable[str],
    reason: str,
    fulfillment_id: str | None,
) -> None:
    """``location_id`` handed these lines back (``reason``, one of ``REASONS``): never
    source them there again."""
    assert reason in REASONS, reason
    repo = uow.repo(SourcingRepository)
    lines = sorted(set(line_ids))
    known = repo.excluded_locations(order.id, lines)
    new = [lid for lid in lines if location_id not in known.get(lid, set())]
    if not new:
        return
    now = utcnow()
    repo.add_exclusions(
        [
            {
                "id": new_id("sex"),
                "order_id": order.id,
                "order_line_id": line_id,
                "location_id": location_id,
                "reason": reason,
                "fulfillment_id": fulfillment_id,
                "created_at": now,
            }
            for line_id in new
        ]
    )
    uow.emit(
        order.event(
            "order.location_excluded",
            {
                "location_id": location_id,
                "reason": reason,
                "lines": new,
                "fulfillment_id": fulfillment_id,
            },
        )
    )


def excluded_for(uow: UnitOfWork, order: Order, line_ids: Iterable[str]) -> set[str]:
    """Every location excluded for any of these lines (none for an order being placed)."""
    if order.id in uow.state(InFlight).new_orders:
        return set()
    found = uow.repo(SourcingRepository).excluded_locations(order.id, list(line_ids))
    return set().union(*found.values()) if found else set()


def listed(uow: UnitOfWork, order_id: str) -> list[dict[str, Any]]:
    """The order's exclusions, cleared ones too, oldest first."""
    if uow.repo(OrderRepository).get(order_id) is None:
        raise not_found("order", order_id)
    return uow.repo(SourcingRepository).exclusions(order_id)


def clear(
    uow: UnitOfWork,
    order_id: str,
    *,
    location: str | None,
    line_id: str | None,
    note: str,
) -> list[dict[str, Any]]:
    """Lift the order's active exclusions (of one location, id or code, and/or one line;
    or all). Returns the exclusions cleared; 422 ``no_exclusion`` when none matches."""
    order = uow.repo(OrderRepository).get(order_id, lock=True)
    if order is None:
        raise not_found("order", order_id)
    location_id = None
    if location is not None:
        row = uow.repo(LocationRepository).get(location)
        if row is None:
            raise ValidationFailed(
                "unknown_location",
                f"no location {location}",
                [FieldError("location", "unknown_location", location)],
            )
        location_id = row["id"]
    repo = uow.repo(SourcingRepository)
    active = [
        x
        for x in repo.exclusions(order.id)
        if x["cleared_at"] is None
        and (location_id is None or x["location_id"] == location_id)
        and (line_id is None or x["order_line_id"] == line_id)
    ]
    if not active:
        field = "location" if location_id else "line_id" if line_id else "order_id"
        raise ValidationFailed(
            "no_exclusion",
            f"order {order.id} has no active exclusion to clear there",
            [FieldError(field, "no_exclusion", "nothing excluded")],
        )
    now = utcnow()
    repo.clear_exclusions([x["id"] for x in active], now, uow.actor.name, note)
    cleared = [
        {
            "location_id": x["location_id"],
            "order_line_id": x["order_line_id"],
            "reason": x["reason"],
        }
        for x in active
    ]
    uow.emit(order.event("order.exclusions_cleared", {"exclusions": cleared, "note": note}))
    return [x | {"cleared_at": now, "cleared_by": uow.actor.name, "note": note} for x in active]
