"""Make-to-order rules (pure): routes, bills of materials, production slots, work orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from switchyard.kernel.errors import Conflict, FieldError

PLANNED, IN_PRODUCTION, DONE, CANCELLED = "planned", "in_production", "done", "cancelled"
STATUSES = (PLANNED, IN_PRODUCTION, DONE, CANCELLED)
# How far ahead a production slot is looked for before the line is refused.
HORIZON_DAYS = 90
MAX_LEAD_DAYS = 365
MAX_CAPACITY = 1_000_000


@dataclass(frozen=True, slots=True)
class Route:
    sku_id: str
    location_id: str
    lead_days: int
    daily_capacity: int
    priority: int = 0


def route_errors(index: int, lead_days: int, daily_capacity: int) -> list[FieldError]:
    errors = []
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        errors.append(
            FieldError(f"routes.{index}.lead_days", "out_of_range", f"0 to {MAX_LEAD_DAYS}")
        )
    if not 1 <= daily_capacity <= MAX_CAPACITY:
        errors.append(
            FieldError(f"routes.{index}.daily_capacity", "out_of_range", f"1 to {MAX_CAPACITY:,}")
        )
    return errors


def slot_days(today: date, horizon: int = HORIZON_DAYS) -> list[date]:
    """The days a production slot may be booked on, earliest first."""
    return [today + timedelta(days=n) for n in range(horizon)]


def due_day(start: date, lead_days: int) -> date:
    """When units started on ``start`` are finished."""
    return start + timedelta(days=lead_days)


def component_needs(bom: list[tuple[str, int]], quantity: int) -> list[tuple[str, int]]:
    """Units of each component that ``quantity`` finished units consume."""
    return [(sku_id, per * quantity) for sku_id, per in bom]


NEXT = {PLANNED: IN_PRODUCTION, IN_PRODUCTION: DONE}


def advance(status: str, target: str, work_order_id: str) -> bool:
    """May a work order in ``status`` move to ``target``? False: it is there already."""
    if status == target:
        return False
    if target == DONE and status == PLANNED:
        return True  # starting is implied by finishing
    if NEXT.get(status) != target:
        raise Conflict(
            "invalid_transition",
            f"work order {work_order_id} is {status}; it cannot become {target}",
            extra={"current_status": status},
        )
    return True
