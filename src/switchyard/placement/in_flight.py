"""What sourcing knows, within one unit of work, about the orders it is working on.

Kept on the unit of work (``uow.state(InFlight)``), so it lives exactly as long as the
transaction and a retried use case starts without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class InFlight:
    # Why units are being sourced when a use case knows better than the default
    # (placement, follow_up, excluded): ``placement.caused_by``.
    cause: str | None = None
    # Decision numbers already known per order: an order being placed has none stored
    # yet, so its decisions need no ``max(seq)`` query.
    last_seq: dict[str, int] = field(default_factory=dict)
    # Per order: the last decision recorded and its promise; the ``fulfillment.created``
    # handler reads a new fulfillment's promise from it.
    decisions: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    # Orders created in this unit of work, with the fulfillment promises added for them so
    # far: those are all of such an order's fulfillments, so its promise needs no query.
    new_orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Per order: where units the last decision left unsourced may wait (locations that pass
    # every filter of the profile but today's capacity); ``stock.allocate_lines`` reads it.
    waiting_at: dict[str, list[str]] = field(default_factory=dict)
    # Per (order, site): when made-to-order units are finished there; the promise of the
    # site's fulfillment starts from it.
    ready_from: dict[tuple[str, str], datetime] = field(default_factory=dict)
    # Per order being placed: the merge node its decision consolidates at (legs from the
    # other locations, one parcel from the node); ``stock.record`` creates them so.
    merge_nodes: dict[str, str] = field(default_factory=dict)
    # Work orders planned for orders not stored yet: ``stock.record`` stores them.
    work_orders: list[dict[str, Any]] = field(default_factory=list)

    def start_order(self, order_id: str) -> None:
        """``order_id`` is being created in this unit of work (no decisions yet)."""
        self.last_seq[order_id] = 0
        self.new_orders[order_id] = []
