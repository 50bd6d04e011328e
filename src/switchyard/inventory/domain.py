"""Inventory rules in plain Python: availability, stock signals, allocation plans.

No framework imports: the repository and service layers feed these functions plain
values, and the unit tests call them directly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from switchyard.kernel.errors import FieldError, ValidationFailed

MOVEMENT_KINDS = frozenset(
    {
        "receipt",
        "adjustment",
        "transfer_out",
        "transfer_in",
        "shipment",
        "return",
        "cycle_count",
        "external_sync",
        "short_pick",
        "production",  # finished goods made at the site (make to order)
        "production_use",  # components consumed by a work order
        "merge_in",  # a consolidation leg arrived at the merge node, reserved there
    }
)
# Most units one balance holds: below the 4-byte integer columns hold (2**31 - 1).
MAX_STOCK = 2_000_000_000
POLICIES = frozenset({"deny", "backorder", "preorder"})
OPEN, WAITING, PREORDER = "open", "waiting", "preorder"
CONSUMED, RELEASED, EXPIRED = "consumed", "released", "expired"
RESERVATION_STATUSES = frozenset({OPEN, WAITING, PREORDER, CONSUMED, RELEASED, EXPIRED})
TRANSFER_STATUSES = frozenset({"in_transit", "received"})
PURCHASE_ORDER_STATUSES = frozenset({"open", "received", "cancelled"})

Pair = tuple[str, str]  # (sku_id, location_id)


@dataclass(frozen=True, slots=True)
class ReservationRequest:
    """One line's request for stock of one SKU at one location."""

    sku_id: str
    location_id: str
    quantity: int
    order_id: str | None = None
    order_line_id: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Level:
    """A balance as the ledger holds it."""

    on_hand: int
    reserved: int
    safety_stock: int = 0
    reorder_point: int | None = None

    @property
    def available(self) -> int:
        return available_of(self.on_hand, self.reserved, self.safety_stock)

    def before_adding(self, *, on_hand: int = 0, reserved: int = 0) -> Level:
        """This balance as it was before ``on_hand`` and ``reserved`` units were added."""
        return Level(
            self.on_hand - on_hand, self.reserved - reserved, self.safety_stock, self.reorder_point
        )


def available_of(on_hand: int, reserved: int, safety_stock: int) -> int:
    """What can still be promised: on hand, less reserved and safety stock, never below 0."""
    return max(0, on_hand - reserved - safety_stock)


def check_quantities(requests: list[ReservationRequest], field: str = "lines") -> None:
    errors = [
        FieldError(f"{field}.{i}.quantity", "not_positive", "quantity must be at least 1")
        for i, r in enumerate(requests)
        if r.quantity <= 0
    ]
    if errors:
        raise ValidationFailed("invalid_quantity", "quantities must be positive", errors)


def group_by_pair(requests: list[ReservationRequest]) -> list[tuple[Pair, int, list[int]]]:
    """Requests summed per (sku, location), in the stable lock order, with their indexes.

    Every use case that touches several stock rows visits them in this sorted order, so
    two transactions never wait on each other in a cycle.
    """
    totals: dict[Pair, int] = defaultdict(int)
    indexes: dict[Pair, list[int]] = defaultdict(list)
    for i, r in enumerate(requests):
        totals[(r.sku_id, r.location_id)] += r.quantity
        indexes[(r.sku_id, r.location_id)].append(i)
    return [(pair, totals[pair], indexes[pair]) for pair in sorted(totals)]


def signals(before: Level, after: Level) -> list[str]:
    """Event types a balance change raises, besides ``inventory.changed``."""
    found = []
    was, now = before.available, after.available
    if was > 0 and now == 0:
        found.append("inventory.out_of_stock")
    if was == 0 and now > 0:
        found.append("inventory.back_in_stock")
    point = after.reorder_point
    if point is not None and now < point <= was:
        found.append("inventory.low")
    return found


def plan_allocation(available: int, waiting: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Oldest first: (reservation id, units) to allocate from ``available`` units.

    ``waiting`` is (id, quantity) oldest first. The oldest line takes all it can, partly
    if that is all there is; a younger line never jumps the queue.
    """
    plan = []
    for res_id, quantity in waiting:
        if available <= 0:
            break
        take = min(quantity, available)
        plan.append((res_id, take))
        available -= take
    return plan


def plan_shortfall(deficit: int, open_newest_first: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Newest reservations give back units until ``deficit`` is covered: (id, units)."""
    plan = []
    for res_id, quantity in open_newest_first:
        if deficit <= 0:
            break
        take = min(quantity, deficit)
        plan.append((res_id, take))
        deficit -= take
    return plan


def reconcile_snapshot(counted: int, movements_since: int) -> int:
    """on_hand now, from a count taken earlier plus what the ledger moved since (>= 0)."""
    return max(0, counted + movements_since)


def kit_available(per_component: dict[str, int], quantities: dict[str, int]) -> int:
    """Kits that can be built: the minimum over components of available // per-kit qty."""
    if not quantities:
        return 0
    return min(per_component.get(c, 0) // q for c, q in quantities.items() if q > 0)


def timeline(available_now: int, supply: list[tuple[datetime, int]]) -> list[tuple[datetime, int]]:
    """Cumulative availability by date: now, then after each expected arrival (by ETA)."""
    points: list[tuple[datetime, int]] = []
    total = available_now
    by_date: dict[datetime, int] = defaultdict(int)
    for eta, quantity in supply:
        by_date[eta] += quantity
    for eta in sorted(by_date):
        total += by_date[eta]
        points.append((eta, total))
    return points


def resolve_policy(channel_policy: str | None, sku_policy: str | None) -> str:
    """A SKU's own policy wins over its channel's; with neither, stock is never oversold."""
    for policy in (sku_policy, channel_policy):
        if policy in POLICIES:
            return policy
    return "deny"


def check_policy(policy: str, field: str = "backorder_policy") -> None:
    if policy not in POLICIES:
        raise ValidationFailed(
            "invalid_backorder_policy",
            f"'{policy}' is not one of {', '.join(sorted(POLICIES))}",
            [FieldError(field, "invalid_choice", "deny, backorder or preorder")],
        )


def check_lines(lines: list[tuple[str, int]]) -> None:
    """(sku_id, quantity) lines: positive quantities, one line per SKU, at least one."""
    errors = [
        FieldError(f"lines.{i}.quantity", "not_positive", "at least 1")
        for i, (_, q) in enumerate(lines)
        if q <= 0
    ]
    seen: set[str] = set()
    for i, (sku_id, _) in enumerate(lines):
        if sku_id in seen:
            errors.append(FieldError(f"lines.{i}.sku", "duplicate_sku", "one line per SKU"))
        seen.add(sku_id)
    if not lines:
        errors.append(FieldError("lines", "empty", "at least one line"))
    if errors:
        raise ValidationFailed("invalid_lines", "the lines are not valid", errors)
