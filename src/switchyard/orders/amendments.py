"""Amendments: change a placed order while the affected units have not shipped.

Every amendment locks the order, checks ``If-Match``, applies the change to the aggregate,
validates the changed order and compares with the order before the change: new errors
reject the amendment (422 ``amendment_rejected``), new warnings hold the order. Inventory
and fulfilment follow: lowering or cancelling a line, or moving the order between shipping
and pickup, cancels the open fulfillments holding those lines and releases their
reservations; whatever is still wanted is reserved again (``stock.allocate_lines``) and
gets new fulfillments. Raising a quantity or adding a line only reserves the extra units.
The timeline gets ``order.amended`` with the change's before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed, check_version
from switchyard.kernel.ids import new_id
from switchyard.orders.checks import check_order
from switchyard.orders.domain import Order, OrderLine
from switchyard.orders.fulfillment_sync import free_lines
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import holds_from_findings
from switchyard.orders.input_checks import require_amounts_fit
from switchyard.orders.repository import OrderRepository
from switchyard.orders.service import channel_by_ref, compact, load_order, reserves_on_hold
from switchyard.placement import stock

REASON = "order_amended"


@dataclass(slots=True)
class Change:
    """What an amendment did to the aggregate, for the timeline and the stock follow-up."""

    kind: str
    before: dict[str, Any]
    after: dict[str, Any] = field(default_factory=dict)
    reserve: list[OrderLine] = field(default_factory=list)  # lines with units to reserve
    added: list[OrderLine] = field(default_factory=list)  # new lines to insert


def amend(
    uow: UnitOfWork,
    order_id: str,
    expected_version: int | None,
    apply: Callable[[Order], Change | None],
) -> Order:
    """Run one amendment; ``apply`` changes the order (None: nothing to change)."""
    order = load_order(uow, order_id, lock=True)
    check_version("order", expected_version, order.version)
    order.require_amendable()
    channel = channel_by_ref(uow, order.channel_id)
    checked_before = check_order(uow, channel, order)
    status_before = order.status
    change = apply(order)
    if change is None:
        return order
    checked = check_order(uow, channel, order)
    new = checked.new_since(checked_before)
    errors = [f for f in new if f.severity == "error"]
    if errors:
        raise ValidationFailed(
            "amendment_rejected",
            f"the changed order failed {len(errors)} check(s)",
            [FieldError(checked.field(f.field), f.code, f.message) for f in errors],
        )
    order.shipping_address = compact(checked.result.shipping_address)
    order.billing_address = compact(checked.result.billing_address) or None
    order.phone = checked.result.phone
    now = utcnow()
    holds = holds_from_findings(
        order.id, [f for f in new if f.severity == "warning"], uow.actor.name, now
    )
    if holds:
        order.held_since = order.held_since or now
    placed = stock.Placement()
    if not order.on_hold or reserves_on_hold(channel):
        placed = stock.allocate_lines(uow, order, change.reserve)
    require_amounts_fit(
        {f"lines.{ln.id}": ln.unit_price * ln.quantity for ln in order.lines}
        | {"total": order.total}
    )
    repo = uow.repo(OrderRepository)
    repo.add_lines(order, change.added)
    order.updated_at = now
    repo.save(order)
    uow.emit(
        order.event(
            "order.amended",
            {
                "change": change.kind,
                "before": change.before,
                "after": change.after,
                "warnings": [f.as_dict() for f in new],
                "status": {"from": status_before, "to": order.status},
            },
        )
    )
    if holds:
        uow.repo(HoldRepository).add(holds)
        uow.emit(
            order.event("order.held", {"cause": change.kind, "holds": [h.summary() for h in holds]})
        )
    stock.record(uow, order, placed, cause=change.kind)
    return order


def change_line_quantity(
    uow: UnitOfWork, order_id: str, line_id: str, quantity: int, expected_version: int | None
) -> Order:
    def apply(order: Order) -> Change | None:
        line = order.line(line_id)
        if quantity == line.open_quantity:
            return None
        before = line.snapshot()
        if quantity < line.qty_shipped:
            raise Conflict(
                "line_already_shipped",
                f"line {line.line_no}: {line.qty_shipped} already shipped, cannot go below",
                [FieldError("quantity", "line_already_shipped", f"at least {line.qty_shipped}")],
            )
        reserve = [line]
        if quantity < line.open_quantity:
            reserve = [order.line(lid) for lid in sorted(free_lines(uow, order, {line.id}, REASON))]
        line.set_open_quantity(quantity)
        change = Change("line_quantity_changed", {"line_id": line.id, **before}, reserve=reserve)
        change.after = {"line_id": line.id, **line.snapshot()}
        return change

    return amend(uow, order_id, expected_version, apply)


def cancel_line(
    uow: UnitOfWork,
    order_id: str,
    line_id: str,
    expected_version: int | None,
    reason: str | None = None,
) -> Order:
    def apply(order: Order) -> Change:
        line = order.line(line_id)
        if line.unshipped == 0:
            raise Conflict(
                "line_not_cancellable",
                f"line {line.line_no} is {line.status}: nothing unshipped to cancel",
                extra={"line_id": line.id, "status": line.status},
            )
        before = line.snapshot()
        freed = free_lines(uow, order, {line.id}, REASON)
        line.cancel_unshipped()
        reserve = [order.line(lid) for lid in sorted(freed - {line.id})]
        change = Change("line_cancelled", {"line_id": line.id, **before}, reserve=reserve)
        change.after = {"line_id": line.id, "reason": reason, **line.snapshot()}
        return change

    return amend(uow, order_id, expected_version, apply)


def add_line(
    uow: UnitOfWork,
    order_id: str,
    sku_code: str,
    quantity: int,
    unit_price: Decimal | None,
    discount: Decimal,
    expected_version: int | None,
) -> Order:
    def apply(order: Order) -> Change:
        repo = uow.repo(SkuRepository)
        sku = repo.by_codes([sku_code]).get(sku_code)
        if sku is None or not sku["active"]:
            raise ValidationFailed(
                "unknown_sku",
                f"SKU '{sku_code}' does not exist or is not sold any more",
                [FieldError("sku", "unknown_sku", sku_code)],
            )
        price = unit_price
        if price is None:
            price = repo.prices_for([sku["id"]], order.channel_id, order.currency).get(sku["id"])
        if price is None:
            raise ValidationFailed(
                "no_list_price",
                f"no {order.currency} price for '{sku_code}' on this channel: send unit_price",
                [FieldError("unit_price", "no_list_price", "required for this SKU")],
            )
        line_no = max((ln.line_no for ln in order.lines), default=0) + 1
        line = OrderLine(new_id("oli"), line_no, sku["id"], sku_code, quantity, price, discount)
        order.lines.append(line)
        after = {
            "line_id": line.id,
            "sku": sku_code,
            "quantity": quantity,
            "unit_price": str(price),
        }
        return Change("line_added", {}, after, reserve=[line], added=[line])

    return amend(uow, order_id, expected_version, apply)
