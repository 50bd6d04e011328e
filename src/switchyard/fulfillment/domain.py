"""Fulfillments: the work one location does for one order, and its lifecycle.

Ship:    created -> released -> accepted -> (picking) -> picked -> packed -> shipped -> delivered
Pickup:  created -> released -> accepted -> (picking) -> picked -> (packed) -> ready_for_pickup
         -> picked_up
Cancelled (also after a rejection, a short pick of everything or an uncollected pickup) is
possible until the units leave. Every transition is idempotent: asking for the state a
fulfillment is already in changes nothing (``False`` is returned), so a location or 3PL may
safely resend an update. Steps that need no input (release, accept) are implied by later
ones and recorded as inferred; ``catch_up`` infers every missing step for an external
system reporting out of order. Each change is appended to ``steps``, which the service
turns into events.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from switchyard.fulfillment import shipping
from switchyard.fulfillment.packages import Package, PackageSpec, PackPlan
from switchyard.fulfillment.picking import check_picked
from switchyard.fulfillment.shipping import Label
from switchyard.fulfillment.status import (
    CANCELLABLE,
    CONSOLIDATED,
    MERGE_LEG,
    OPEN,
    PICKUP,
    RANK,
    REJECTABLE,
    SHIP,
    SHIP_TO_STORE,
    Status,
    Step,
)
from switchyard.fulfillment.status import Status as S
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed

__all__ = ["OPEN", "Fulfillment", "FulfillmentLine", "Status", "Step", "new_pickup_code"]


@dataclass(slots=True)
class FulfillmentLine:
    order_line_id: str
    sku_id: str
    quantity: int  # units this location delivers (reduced by a short pick)
    qty_picked: int = 0
    qty_packed: int = 0
    qty_short: int = 0  # units not found when picking, handed back for re-sourcing


@dataclass(slots=True)
class Fulfillment:
    id: str
    order_id: str
    location_id: str
    status: str
    lines: list[FulfillmentLine] = field(default_factory=list)
    carrier: str | None = None
    tracking_number: str | None = None
    version: int = 1
    delivery_method: str = SHIP
    packages: list[Package] = field(default_factory=list)
    wave_id: str | None = None
    cancel_reason: str | None = None
    note: str | None = None
    pickup_code: str | None = None
    pickup_deadline: datetime | None = None
    promised_delivery: date | None = None
    ship_to_location_id: str | None = None  # ship to store: where the customer collects
    # ship to a merge node (``MERGE_LEG``) or the merge node's parcel (``CONSOLIDATED``)
    purpose: str | None = None
    blocked_by: str | None = None  # not stored: why no work may be done now (order held)
    awaiting_production: bool = False  # not stored: made-to-order units not finished yet
    awaiting_legs: bool = False  # not stored: a consolidated parcel's legs not all arrived
    steps: list[Step] = field(default_factory=list)  # not stored: changes since loading

    def record(
        self, status: str, name: str | None = None, inferred: bool = False, **data: Any
    ) -> None:
        """Move to ``status`` and note the step (named ``name``, default the status)."""
        self.status = status
        self.steps.append(Step(name or status, inferred, data))

    def require_live(self) -> None:
        if self.status == S.CANCELLED:
            raise Conflict("fulfillment_cancelled", f"fulfillment {self.id} is cancelled")

    def require_not_past(self, target: str) -> None:
        self.require_live()
        if RANK[self.status] > RANK[target]:
            raise Conflict(
                "invalid_transition",
                f"fulfillment {self.id} is already {self.status}; it cannot become {target}",
                extra={"current_status": self.status},
            )

    def imply(self, target: str) -> None:
        """Take release and accept, which need no input, as implied by a later step."""
        if self.status == S.CREATED and RANK[target] > RANK[S.RELEASED]:
            self.require_unblocked()
            self.record(S.RELEASED, inferred=True)
        if self.status == S.RELEASED and RANK[target] > RANK[S.ACCEPTED]:
            self.record(S.ACCEPTED, inferred=True)

    def require_unblocked(self) -> None:
        """Refuse to release, or to start work, while the order is held. Units already
        picked go on: a hold is about the rest of the order (cancel to stop a parcel)."""
        if self.blocked_by:
            raise Conflict(
                self.blocked_by,
                f"fulfillment {self.id} may not be worked on now: {self.blocked_by}",
            )

    def require_made(self) -> None:
        """Nothing to pick before the work order that makes the units is done, nor before
        the transfer legs of a consolidated parcel arrived."""
        if self.awaiting_production:
            raise Conflict(
                "awaiting_production",
                f"fulfillment {self.id} waits for its units to be made (work order not done)",
            )
        if self.awaiting_legs:
            raise Conflict(
                "awaiting_legs",
                f"fulfillment {self.id} waits for its transfer legs to arrive",
            )

    def require_no_hand_back(self) -> None:
        """A merge leg's or consolidated parcel's units are not handed back one by one
        (the other side holds them too): cancel the order instead."""
        if self.purpose in (MERGE_LEG, CONSOLIDATED):
            raise Conflict(
                "consolidated_fulfillment",
                f"fulfillment {self.id} is part of a consolidated parcel: its units cannot be"
                " handed back alone",
                extra={"purpose": self.purpose},
            )

    def line(self, order_line_id: str) -> FulfillmentLine:
        for ln in self.lines:
            if ln.order_line_id == order_line_id:
                return ln
        raise ValidationFailed(
            "unknown_order_line",
            f"fulfillment {self.id} has no line {order_line_id}",
            [FieldError("order_line_id", "unknown_order_line", order_line_id)],
        )

    @property
    def to_store(self) -> bool:
        """Ship to store: the parcel goes to a store, where the customer collects it."""
        return self.ship_to_location_id is not None and self.purpose != MERGE_LEG

    @property
    def is_leg(self) -> bool:
        """A transfer of the order's units to the merge node ``ship_to_location_id``."""
        return self.purpose == MERGE_LEG

    @property
    def shown_purpose(self) -> str | None:
        return SHIP_TO_STORE if self.to_store else self.purpose

    @property
    def units_at_location(self) -> bool:
        """Its units have not left the location (they may still be cancelled or amended)."""
        return self.status in CANCELLABLE and not (
            self.to_store and self.status == S.READY_FOR_PICKUP
        )

    def takes_more(self, delivery_method: str, ship_to: str | None = None) -> bool:
        """Units sourced later at this location may join it: nobody works on it yet."""
        return (
            self.status == S.CREATED
            and self.delivery_method == delivery_method
            and self.ship_to_location_id == ship_to
            and not self.is_leg
        )

    def add_units(self, items: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
        """Add (order line id, sku id, quantity) items; returns ``{order_line_id, quantity}``
        of what was added."""
        if not self.takes_more(self.delivery_method, self.ship_to_location_id):
            raise Conflict("not_open", f"fulfillment {self.id} is already {self.status}")
        added = []
        for line_id, sku_id, qty in items:
            found = next((ln for ln in self.lines if ln.order_line_id == line_id), None)
            if found is None:
                self.lines.append(FulfillmentLine(line_id, sku_id, qty))
            else:
                found.quantity += qty
            added.append({"order_line_id": line_id, "quantity": qty})
        return added

    def quantities(self) -> dict[str, int]:
        return {ln.order_line_id: ln.quantity for ln in self.lines if ln.quantity > 0}

    # -- release and acceptance --------------------------------------------------------
    def release(self) -> bool:
        if self.status == S.RELEASED:
            return False
        self.require_not_past(S.RELEASED)
        self.require_unblocked()
        self.record(S.RELEASED)
        return True

    def accept(self) -> bool:
        if self.status == S.ACCEPTED:
            return False
        self.require_not_past(S.ACCEPTED)
        self.require_unblocked()
        self.imply(S.ACCEPTED)
        self.record(S.ACCEPTED)
        return True

    def reject(self, reason: str | None = None) -> bool:
        """The location will not do it: cancelled, its units handed back for re-sourcing."""
        if self.status == S.CANCELLED and self.cancel_reason == "rejected":
            return False
        self.require_live()
        self.require_no_hand_back()
        if self.status == S.CREATED:
            raise Conflict("not_released", f"fulfillment {self.id} has not been released")
        if self.status not in REJECTABLE:
            raise Conflict(
                "invalid_transition",
                f"fulfillment {self.id} is already {self.status}: report a short pick instead",
                extra={"current_status": self.status},
            )
        self.cancel_reason, self.note = "rejected", reason
        self.record(S.CANCELLED, "rejected", reason=reason, quantities=self.quantities())
        return True

    def cancel(self, reason: str = "cancelled", note: str | None = None) -> bool:
        if self.status == S.CANCELLED:
            return False
        at_store = self.to_store and self.status in (S.AT_STORE, S.READY_FOR_PICKUP)
        if at_store and reason != "not_collected":
            raise Conflict(
                "fulfillment_shipped",
                f"fulfillment {self.id} is at the pickup store: it can only go back to stock"
                " there as not collected",
            )
        if self.status not in CANCELLABLE and not at_store:
            raise Conflict("fulfillment_shipped", f"fulfillment {self.id} has already shipped")
        if reason not in ("order_cancelled", "stock_shorted"):  # shorted: made again
            self.require_no_hand_back()
        self.cancel_reason, self.note = reason, note
        self.record(
            S.CANCELLED, "cancelled", reason=reason, note=note, quantities=self.quantities()
        )
        return True

    # -- picking -----------------------------------------------------------------------
    def start_picking(self, wave_id: str | None = None) -> bool:
        if wave_id is not None:
            self.wave_id = wave_id
        if self.status == S.PICKING:
            return False
        self.require_not_past(S.PICKING)
        self.require_unblocked()
        self.require_made()
        self.imply(S.PICKING)
        self.record(S.PICKING, wave_id=wave_id)
        return True

    def scan(self, order_line_id: str, quantity: int) -> None:
        """Units of one line found on the shelf (scanned by SKU code or barcode)."""
        self.require_not_past(S.PICKING)
        self.require_unblocked()
        self.require_made()
        ln = self.line(order_line_id)
        if ln.qty_picked + quantity > ln.quantity:
            raise Conflict(
                "over_pick",
                f"line {order_line_id} needs {ln.quantity}; {ln.qty_picked} already scanned",
                [FieldError("quantity", "over_pick", f"at most {ln.quantity - ln.qty_picked}")],
            )
        self.start_picking()
        ln.qty_picked += quantity

    def pick(self, picked: dict[str, int] | None = None, allow_short: bool = False) -> bool:
        """Confirm picked quantities per order line. Omitted: as scanned if scanning began,
        else every line in full. Fewer than asked is an error unless ``allow_short``: then
        the missing units are a short pick, handed back for re-sourcing."""
        if self.status == S.PICKED:
            if picked is not None and any(
                picked.get(ln.order_line_id, 0) != ln.qty_picked for ln in self.lines
            ):
                raise Conflict("already_picked", f"fulfillment {self.id} was picked differently")
            return False
        self.require_not_past(S.PICKED)
        self.require_unblocked()
        self.require_made()
        if picked is None:
            scanned = any(ln.qty_picked for ln in self.lines)
            picked = {
                ln.order_line_id: ln.qty_picked if scanned else ln.quantity for ln in self.lines
            }
        shorts = check_picked(
            [(ln.order_line_id, ln.quantity) for ln in self.lines], picked, allow_short
        )
        if shorts:
            self.require_no_hand_back()
        self.imply(S.PICKED)
        for ln in self.lines:
            ln.qty_picked = picked.get(ln.order_line_id, 0)
            ln.qty_short += ln.quantity - ln.qty_picked
            ln.quantity = ln.qty_picked
        if shorts:
            lines = [{"order_line_id": k, "missing": v} for k, v in sorted(shorts.items())]
            self.steps.append(Step("short_picked", data={"lines": lines, "quantities": shorts}))
        if not self.quantities():
            self.cancel_reason = "short_pick"
            self.record(S.CANCELLED, "cancelled", reason="short_pick", quantities={})
            return True
        self.record(S.PICKED)
        return True

    def hand_over_now(self) -> bool:
        """A carry-out sale at the till: the units go with the customer at once (the steps
        before are implied)."""
        if self.status == S.PICKED_UP:
            return False
        if self.status != S.CREATED or self.delivery_method != PICKUP or self.to_store:
            raise Conflict("not_carry_out", f"fulfillment {self.id} cannot be handed over now")
        self.require_unblocked()
        self.imply(S.PICKED)
        for ln in self.lines:
            ln.qty_picked = ln.quantity
        self.record(S.PICKED, inferred=True)
        self.record(S.PICKED_UP, carry_out=True, quantities=self.quantities())
        return True

    # -- packing, shipping, delivery, pickup: see shipping.py --------------------------
    def pack(self, specs: list[PackageSpec] | None = None, plan: PackPlan | None = None) -> bool:
        return shipping.pack(self, specs, plan)

    def ship(self, carrier: str | None = None, tracking_number: str | None = None) -> bool:
        return shipping.ship(self, carrier, tracking_number)

    def deliver(self, package_ids: list[str] | None = None) -> bool:
        return shipping.deliver(self, package_ids)

    def ready_for_pickup(self, code: str, deadline: datetime) -> bool:
        return shipping.ready_for_pickup(self, code, deadline)

    def picked_up(self, code: str) -> bool:
        return shipping.picked_up(self, code)

    def label(self, carrier: str, service: str | None, labels: list[Label]) -> bool:
        return shipping.label(self, carrier, service, labels)

    def catch_up(self, target: str) -> None:
        shipping.catch_up(self, target)


def new_pickup_code() -> str:
    """Six digits the customer shows at the store counter."""
    return f"{secrets.randbelow(1_000_000):06d}"
