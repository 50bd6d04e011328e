"""Choosing where an order's lines are reserved: the sourcing engine under the channel's
active sourcing profile (``switchyard.sourcing``).

``allocate`` asks the engine (filters, strategy, split limit, ship-complete or
ship-available, kits kept together), reserves what it chose and stores the decision with
its log and delivery promise. By default it is all or nothing (409
``insufficient_stock`` naming the lines it could not source); with ``partial=True`` it
reserves what the profile can source and the caller treats the rest under the backorder
policies (``placement.stock``).

A kit line is sourced as its components, kept together at one location whatever the
profile says (a kit is packed as one unit), and reserved as components; the order line,
its fulfillment and documents show the kit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from switchyard.catalog.kits import Parts, parts_of
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import service as inventory
from switchyard.kernel.errors import Conflict, FieldError
from switchyard.locations.repository import LocationRepository
from switchyard.orders.domain import Order
from switchyard.placement import decisions
from switchyard.placement.in_flight import InFlight


@dataclass(frozen=True, slots=True)
class Demand:
    index: int
    line_id: str
    sku_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Allocation:
    line_id: str
    sku_id: str
    location_id: str
    quantity: int  # units of the line's SKU (kits, for a kit)
    parts: Parts = ()  # a kit's components reserved: (sku id, units)

    def reservations(self, order_id: str) -> list[inventory.ReservationRequest]:
        """What to reserve: the SKU itself, or a kit's components."""
        wanted = self.parts or ((self.sku_id, self.quantity),)
        return [
            inventory.ReservationRequest(sku, self.location_id, units, order_id, self.line_id)
            for sku, units in wanted
        ]


# A kit line goes to the engine as one line per component, ``<line id>~<component id>``,
# grouped so that they ship together from one location (a kit is packed as one unit).
_PART = "~"


def engine_lines(
    demands: list[Demand], kits: dict[str, Parts]
) -> tuple[list[tuple[str, str, int]], list[tuple[str, ...]]]:
    """The engine's lines for ``demands`` (kits as their components) and the kit groups."""
    lines: list[tuple[str, str, int]] = []
    bundles: list[tuple[str, ...]] = []
    for d in demands:
        parts = kits.get(d.sku_id)
        if not parts:
            lines.append((d.line_id, d.sku_id, d.quantity))
            continue
        ids = tuple(f"{d.line_id}{_PART}{sku}" for sku, _ in parts)
        lines += [(i, sku, d.quantity * per) for i, (sku, per) in zip(ids, parts, strict=True)]
        bundles.append(ids)
    return lines, bundles


def fold(
    sourced: list[tuple[str, str, str, int]], demands: list[Demand], kits: dict[str, Parts]
) -> list[Allocation]:
    """The engine's (line id, sku, location, units) back as allocations of order lines: a
    kit's components at one location make as many whole kits as the scarcest allows."""
    by_line = {d.line_id: d for d in demands}
    plain: list[Allocation] = []
    units: dict[tuple[str, str], dict[str, int]] = {}
    for line_id, sku, location_id, qty in sourced:
        if _PART not in line_id:
            plain.append(Allocation(line_id, sku, location_id, qty))
            continue
        kit_line = line_id.split(_PART, 1)[0]
        got = units.setdefault((kit_line, location_id), {})
        got[sku] = got.get(sku, 0) + qty
    for (line_id, location_id), got in units.items():
        d = by_line[line_id]
        parts = kits[d.sku_id]
        whole = min(got.get(sku, 0) // per for sku, per in parts)
        if whole > 0:
            reserved = tuple((sku, whole * per) for sku, per in parts)
            plain.append(Allocation(line_id, d.sku_id, location_id, whole, reserved))
    return plain


def kit_parts(uow: UnitOfWork, demands: list[Demand]) -> dict[str, Parts]:
    """The components of the kits among ``demands``' SKUs."""
    return parts_of(uow, sorted({d.sku_id for d in demands}))


def candidate_locations(uow: UnitOfWork, channel_id: str) -> list[str]:
    """Active shipping locations the channel sells from (all of them if it names none)."""
    allowed = set(uow.repo(ChannelRepository).location_ids(channel_id))
    return [
        loc["id"]
        for loc in uow.repo(LocationRepository).all_active()
        if "ship" in loc["capabilities"] and (not allowed or loc["id"] in allowed)
    ]


def shortfall(demands: list[Demand], allocations: list[Allocation]) -> list[Demand]:
    """What of each demand the allocations leave open."""
    got: dict[str, int] = {}
    for a in allocations:
        got[a.line_id] = got.get(a.line_id, 0) + a.quantity
    return [
        Demand(d.index, d.line_id, d.sku_id, d.quantity - got.get(d.line_id, 0))
        for d in demands
        if d.quantity > got.get(d.line_id, 0)
    ]


def insufficient(short: list[Demand]) -> Conflict:
    return Conflict(
        "insufficient_stock",
        "not enough stock for this order",
        [
            FieldError(
                f"lines.{d.index}.quantity",
                "insufficient_stock",
                f"{d.quantity} cannot be sourced under the channel's sourcing profile",
            )
            for d in short
        ],
    )


def allocate(
    uow: UnitOfWork,
    order_id: str,
    channel_id: str,
    demands: list[Demand],
    *,
    locations: list[str] | None = None,
    order: Order | None = None,
    exclude: Iterable[str] = (),
    partial: bool = False,
    at_commit: bool = False,
    consolidate: bool = False,
) -> list[Allocation]:
    """Source ``demands`` with the engine and reserve there; retried if stock moved.

    ``at_commit``: a complete decision's balances are updated just before commit (a hot
    SKU's balance is then locked for the commit only; see ``inventory.late``).

    ``locations`` limits the choice to these locations; ``exclude`` names locations that
    handed this order back (the decision log says so); ``order`` is the order being
    placed (else it is loaded) for its destination, pickup store and kits.

    ``consolidate``: an order being placed may be consolidated at a merge node of the
    profile (not with kits: their components travel as they are reserved); the node is
    noted in ``InFlight.merge_nodes`` for ``stock.record``.
    """
    if not demands:
        return []
    kits = kit_parts(uow, demands)
    lines, bundles = engine_lines(demands, kits)
    excluded = sorted(set(exclude))
    state = uow.state(InFlight)
    consolidate = consolidate and not kits and order_id in state.new_orders
    for attempt in range(3):
        sourced = decisions.decide(
            uow, order_id, channel_id, lines, order=order, only=locations, exclude=excluded,
            bundles=bundles, consolidate=consolidate,
        )  # fmt: skip
        allocations = fold(
            [(a.line_id, a.sku, a.location_id, a.quantity) for a in sourced.decision.allocations],
            demands,
            kits,
        )
        if not partial and sourced.decision.unsourced:
            raise insufficient(shortfall(demands, allocations))
        if sourced.decision.unsourced:  # the caller lets them wait, but only where allowed
            candidates = locations or candidate_locations(uow, channel_id)
            uow.state(InFlight).waiting_at[order_id] = decisions.waiting_locations(
                uow, sourced, [c for c in candidates if c not in excluded]
            )
        requests = [r for a in allocations for r in a.reservations(order_id)]
        late = at_commit and not sourced.decision.unsourced
        try:  # no savepoint needed: a refused reserve leaves every balance as it was
            inventory.reserve(uow, requests, at_commit=late)
        except Conflict as exc:
            if exc.code != "insufficient_stock" or attempt == 2:
                raise
            continue
        decisions.record(uow, sourced)
        node = sourced.decision.merge_node_id
        if node is not None:
            state.merge_nodes[order_id] = node
        return allocations
    raise AssertionError("unreachable")
