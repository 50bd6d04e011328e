"""Fulfillment statuses, their order, and the record of one change (a step)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class Status:
    CREATED = "created"
    RELEASED = "released"
    ACCEPTED = "accepted"
    PICKING = "picking"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    AT_STORE = "at_store"  # ship to store: the parcel arrived at the pickup store
    READY_FOR_PICKUP = "ready_for_pickup"
    PICKED_UP = "picked_up"
    CANCELLED = "cancelled"


S = Status
SHIP, PICKUP = "ship", "pickup"
DELIVERY_METHODS = (SHIP, PICKUP)
# Purposes (stored, null for a parcel to the customer): consolidation's transfer to the
# merge node and the merge node's parcel; ship to store is shown, not stored.
MERGE_LEG, CONSOLIDATED, SHIP_TO_STORE = "merge_leg", "consolidated", "ship_to_store"
ORDERED = [S.CREATED, S.RELEASED, S.ACCEPTED, S.PICKING, S.PICKED, S.PACKED, S.SHIPPED, S.DELIVERED]
RANK = {s: i for i, s in enumerate(ORDERED)} | {S.READY_FOR_PICKUP: 6, S.PICKED_UP: 7}
RANK[S.AT_STORE] = RANK[S.DELIVERED]  # ship to store: shipped, at_store, ready, picked_up
OPEN = frozenset(ORDERED[:6])  # nothing has left the location yet
CANCELLABLE = OPEN | {S.READY_FOR_PICKUP}
REJECTABLE = frozenset({S.RELEASED, S.ACCEPTED, S.PICKING})
STATUSES = frozenset(RANK) | {S.CANCELLED}


@dataclass(frozen=True, slots=True)
class Step:
    """One change, in the order it happened; ``name`` becomes the event ``fulfillment.<name>``."""

    name: str
    inferred: bool = False
    data: dict[str, Any] = field(default_factory=dict)
