"""Purchase orders: expected supply with an ETA, preorders against it, and its receipt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.allocation import allocate_waiting, split_reservation
from switchyard.inventory.domain import OPEN, WAITING, Pair, check_lines
from switchyard.inventory.ledger import change_on_hand
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.inventory.signals import emit_change
from switchyard.inventory.supply_repository import SupplyRepository
from switchyard.inventory.tables import purchase_order_lines, purchase_orders
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    PreconditionFailed,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def create_purchase_order(
    uow: UnitOfWork,
    location_id: str,
    reference: str,
    eta: datetime,
    lines: list[tuple[str, int]],
    supplier: str | None = None,
) -> dict[str, Any]:
    """Expected supply: ``lines`` are (sku_id, quantity) arriving at ``location_id``."""
    check_lines(lines)
    supply = uow.repo(SupplyRepository)
    if supply.reference_taken(reference):
        raise Conflict(
            "purchase_order_exists",
            f"a purchase order '{reference}' exists",
            [FieldError("reference", "taken", "already used")],
        )
    now = utcnow()
    po: dict[str, Any] = {
        "id": new_id("po"),
        "reference": reference,
        "supplier": supplier,
        "location_id": location_id,
        "eta": eta,
        "status": "open",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    supply.add(purchase_orders, [po])
    supply.add(
        purchase_order_lines,
        [
            {
                "id": new_id("pol"),
                "purchase_order_id": po["id"],
                "sku_id": sku_id,
                "quantity": quantity,
                "received": 0,
                "preordered": 0,
            }
            for sku_id, quantity in lines
        ],
    )
    uow.emit(
        DomainEvent(
            "inventory.purchase_order_created",
            "purchase_order",
            po["id"],
            {"reference": reference, "location_id": location_id, "eta": eta.isoformat()},
        )
    )
    return get_purchase_order(uow, po["id"])


def get_purchase_order(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    supply = uow.repo(SupplyRepository)
    po = supply.purchase_order(ref)
    if po is None:
        raise not_found("purchase_order", ref)
    po["lines"] = supply.po_lines(po["id"])
    return po


def update_eta(
    uow: UnitOfWork, ref: str, eta: datetime, expected_version: int | None
) -> dict[str, Any]:
    po = get_purchase_order(uow, ref)
    check_version("purchase_order", expected_version, po["version"])
    _require_open(po)
    if not uow.repo(SupplyRepository).update_po(po["id"], po["version"], {"eta": eta}):
        raise PreconditionFailed("version_mismatch", "the purchase order changed: reload it")
    uow.emit(
        DomainEvent(
            "inventory.purchase_order_updated",
            "purchase_order",
            po["id"],
            {"before": {"eta": po["eta"].isoformat()}, "after": {"eta": eta.isoformat()}},
        )
    )
    return get_purchase_order(uow, po["id"])


def _require_open(po: dict[str, Any]) -> None:
    if po["status"] != "open":
        raise Conflict("purchase_order_closed", f"the purchase order is {po['status']}")


def receive_purchase_order(
    uow: UnitOfWork,
    ref: str,
    received: list[tuple[str, int]] | None = None,
    *,
    close: bool = False,
) -> dict[str, Any]:
    """Book arriving units (all outstanding when ``received`` is None).

    Preorders promised against a line take its units first (oldest first), then waiting
    backorders. The order closes when every line is in, or when ``close`` says so; then
    preorders still unserved go back to waiting.
    """
    po = get_purchase_order(uow, ref)
    _require_open(po)
    supply = uow.repo(SupplyRepository)
    lines = {ln["sku_id"]: ln for ln in supply.po_lines(po["id"], lock=True)}
    if received is None:
        received = [(s, max(0, ln["quantity"] - ln["received"])) for s, ln in lines.items()]
        received = [(s, q) for s, q in received if q > 0]
    else:
        check_lines(received)
        unknown = [
            FieldError(f"lines.{i}.sku", "not_on_purchase_order", "not on this purchase order")
            for i, (s, _) in enumerate(received)
            if s not in lines
        ]
        if unknown:
            raise ValidationFailed("invalid_lines", "the lines are not valid", unknown)
    location_id = po["location_id"]
    pairs: list[Pair] = []
    for sku_id, quantity in sorted(received):
        line = lines[sku_id]
        pair = (sku_id, location_id)
        change_on_hand(uow, pair, quantity, "receipt", reference=po["reference"], allocate=False)
        supply.add_received(line["id"], quantity)
        line["received"] += quantity
        _serve_preorders(uow, pair, line["id"], quantity)
        pairs.append(pair)
    done = all(ln["received"] >= ln["quantity"] for ln in lines.values())
    if done or close:
        _close(uow, po, "received")
    allocate_waiting(uow, pairs, utcnow())
    uow.emit(
        DomainEvent(
            "inventory.purchase_order_received",
            "purchase_order",
            po["id"],
            {
                "reference": po["reference"],
                "location_id": location_id,
                "lines": [{"sku_id": s, "quantity": q} for s, q in received],
            },
        )
    )
    return get_purchase_order(uow, po["id"])


def cancel_purchase_order(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    po = get_purchase_order(uow, ref)
    _require_open(po)
    _close(uow, po, "cancelled")
    uow.emit(
        DomainEvent(
            "inventory.purchase_order_cancelled",
            "purchase_order",
            po["id"],
            {"reference": po["reference"]},
        )
    )
    return get_purchase_order(uow, po["id"])


def _serve_preorders(uow: UnitOfWork, pair: Pair, line_id: str, units: int) -> None:
    res = uow.repo(ReservationRepository)
    queue = res.for_supply_line(line_id)
    if not queue:
        return
    now = utcnow()
    stock = uow.repo(StockRepository)
    served = 0
    for row in queue:
        take = min(units - served, row["quantity"])
        if take <= 0:
            break
        open_id = split_reservation(res, row, take, OPEN, now)
        served += take
        uow.emit(
            DomainEvent(
                "inventory.backorder_allocated",
                "reservation",
                open_id,
                {
                    "order_id": row["order_id"],
                    "order_line_id": row["order_line_id"],
                    "sku_id": pair[0],
                    "location_id": pair[1],
                    "quantity": take,
                    "reservation_id": open_id,
                    "source": "preorder",
                },
                order_id=row["order_id"],
            )
        )
    if served:
        before = stock.lock(*pair)
        assert before is not None
        after = stock.force_reserve(*pair, served, now)
        uow.repo(SupplyRepository).add_preordered(line_id, -served)
        emit_change(uow, pair, before, after, "preorder_allocated")


def _close(uow: UnitOfWork, po: dict[str, Any], status: str) -> None:
    """Close the order; its unserved preorders wait for stock like backorders."""
    supply = uow.repo(SupplyRepository)
    if not supply.update_po(po["id"], po["version"], {"status": status}):
        raise PreconditionFailed("version_mismatch", "the purchase order changed: reload it")
    res = uow.repo(ReservationRepository)
    now = utcnow()
    for line in supply.po_lines(po["id"]):
        for row in res.for_supply_line(line["id"]):
            res.set_status(row["id"], WAITING, now, supply_line_id=None)
            supply.add_preordered(line["id"], -row["quantity"])
            uow.emit(
                DomainEvent(
                    "inventory.preorder_backordered",
                    "reservation",
                    row["id"],
                    {
                        "order_id": row["order_id"],
                        "order_line_id": row["order_line_id"],
                        "sku_id": row["sku_id"],
                        "location_id": row["location_id"],
                        "quantity": row["quantity"],
                    },
                    order_id=row["order_id"],
                )
            )
