"""Transfers between locations: off the source when shipped, in transit, on at the
destination when received (partly or in full)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.domain import check_lines
from switchyard.inventory.ledger import change_on_hand
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.supply_repository import SupplyRepository
from switchyard.inventory.tables import transfer_lines, transfers
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def create_transfer(
    uow: UnitOfWork,
    from_location_id: str,
    to_location_id: str,
    lines: list[tuple[str, int]],
    *,
    eta: datetime | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """Ship ``lines`` (sku_id, quantity) from one location to another.

    Only unreserved units can leave: reserved stock belongs to orders at the source.
    """
    check_lines(lines)
    if from_location_id == to_location_id:
        raise ValidationFailed(
            "same_location",
            "a transfer moves stock between two different locations",
            [FieldError("to_location", "same_location", "same as from_location")],
        )
    transfer_id = new_id("trf")
    stock = uow.repo(StockRepository)
    index = {sku_id: i for i, (sku_id, _) in enumerate(lines)}
    short: list[FieldError] = []
    for sku_id, quantity in sorted(lines):
        level = stock.lock(sku_id, from_location_id)
        free = level.on_hand - level.reserved if level else 0
        if free < quantity:
            short.append(
                FieldError(f"lines.{index[sku_id]}", "insufficient_stock", f"{free} unreserved")
            )
    if short:
        raise Conflict("insufficient_stock", "not enough unreserved stock to transfer", short)
    for sku_id, quantity in sorted(lines):
        change_on_hand(
            uow, (sku_id, from_location_id), -quantity, "transfer_out", reference=transfer_id
        )
    now = utcnow()
    supply = uow.repo(SupplyRepository)
    supply.add(
        transfers,
        [
            {
                "id": transfer_id,
                "from_location_id": from_location_id,
                "to_location_id": to_location_id,
                "status": "in_transit",
                "reference": reference,
                "eta": eta,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    supply.add(
        transfer_lines,
        [
            {
                "id": new_id("trl"),
                "transfer_id": transfer_id,
                "sku_id": s,
                "quantity": q,
                "received": 0,
            }
            for s, q in lines
        ],
    )
    uow.emit(
        DomainEvent(
            "inventory.transfer_shipped",
            "transfer",
            transfer_id,
            {
                "from_location_id": from_location_id,
                "to_location_id": to_location_id,
                "lines": [{"sku_id": s, "quantity": q} for s, q in lines],
            },
        )
    )
    return get_transfer(uow, transfer_id)


def get_transfer(uow: UnitOfWork, transfer_id: str) -> dict[str, Any]:
    supply = uow.repo(SupplyRepository)
    row = supply.transfer(transfer_id)
    if row is None:
        raise not_found("transfer", transfer_id)
    row["lines"] = supply.transfer_lines(transfer_id)
    return row


def receive_transfer(
    uow: UnitOfWork,
    transfer_id: str,
    received: list[tuple[str, int]] | None = None,
    *,
    close: bool = False,
) -> dict[str, Any]:
    """Book units arriving at the destination (all still in transit when None).

    The transfer is received when every unit is in, or when ``close`` says the rest is
    lost (then it simply never arrives: it already left the source's ledger).
    """
    transfer = get_transfer(uow, transfer_id)
    if transfer["status"] != "in_transit":
        raise Conflict("transfer_closed", f"the transfer is {transfer['status']}")
    supply = uow.repo(SupplyRepository)
    lines = {ln["sku_id"]: ln for ln in supply.transfer_lines(transfer_id, lock=True)}
    if received is None:
        received = [(s, ln["quantity"] - ln["received"]) for s, ln in lines.items()]
        received = [(s, q) for s, q in received if q > 0]
    else:
        check_lines(received)
        errors = []
        for i, (sku_id, quantity) in enumerate(received):
            line = lines.get(sku_id)
            if line is None:
                errors.append(FieldError(f"lines.{i}.sku", "not_on_transfer", "not shipped"))
            elif quantity > line["quantity"] - line["received"]:
                errors.append(
                    FieldError(
                        f"lines.{i}.quantity",
                        "more_than_shipped",
                        f"{line['quantity'] - line['received']} in transit",
                    )
                )
        if errors:
            raise ValidationFailed("invalid_lines", "the lines are not valid", errors)
    for sku_id, quantity in sorted(received):
        change_on_hand(
            uow,
            (sku_id, transfer["to_location_id"]),
            quantity,
            "transfer_in",
            reference=transfer_id,
        )
        supply.add_transfer_received(lines[sku_id]["id"], quantity)
        lines[sku_id]["received"] += quantity
    now = utcnow()
    done = all(ln["received"] >= ln["quantity"] for ln in lines.values())
    if done or close:
        supply.set_transfer_status(transfer_id, "received", {"updated_at": now})
    uow.emit(
        DomainEvent(
            "inventory.transfer_received",
            "transfer",
            transfer_id,
            {
                "to_location_id": transfer["to_location_id"],
                "lines": [{"sku_id": s, "quantity": q} for s, q in received],
                "complete": done,
            },
        )
    )
    return get_transfer(uow, transfer_id)
