"""Placing an order: the one place that says what happens, in order.

``place_order`` validates the whole order (422 ``order_rejected`` listing every failed
check, nothing written), matches the customer, holds it when checks warn, sources and
reserves its lines (also while held, unless the channel sets ``reserve_on_hold: false``),
stores it, then creates a fulfillment per location and the delivery promise:

1. validate: ``orders.checks.run_checks`` (address, phone, catalog, company rules,
   screening) against master data (``orders.master_data``);
2. customer: ``customers.service.match_or_create`` by email;
3. hold: warnings become holds (``orders.holds_domain``);
4. source and reserve: ``placement.stock.allocate_lines`` asks the sourcing engine
   under the channel's profile (``placement.allocation``, ``placement.decisions``) and
   reserves there, the rest under the backorder policies;
5. record: the order and its lines, then ``placement.stock.record``: the allocation
   events and one fulfillment per location; the ``fulfillment.created`` handler
   (``placement.handlers``) gives each its promise (``placement.promising``).

Units handed back later (a location rejects or short-picks them) and backorders whose
stock arrives elsewhere are sourced again by ``placement.resourcing``. A carry-out sale
at a till (``carry_out``) reserves at the store alone and is handed over in the same
transaction (``placement.carry_out``).
"""

from __future__ import annotations

import secrets

from switchyard.customers.service import match_or_create
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict
from switchyard.kernel.ids import new_id
from switchyard.orders import master_data
from switchyard.orders.checks import run_checks
from switchyard.orders.domain import Order, OrderLine
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.holds_domain import holds_from_findings
from switchyard.orders.input_checks import require_amounts_fit, require_storable
from switchyard.orders.repository import OrderRepository
from switchyard.orders.schemas import OrderCreate
from switchyard.orders.service import channel_by_ref, compact, reserves_on_hold
from switchyard.placement import decisions, stock
from switchyard.placement.carry_out import hand_over, refuse_held_carry_out, require_carry_out


def place_order(
    uow: UnitOfWork, cmd: OrderCreate, *, draft_id: str | None = None, at_commit: bool = True
) -> Order:
    """Validate, hold, source, reserve and record one order.

    ``at_commit``: the stock of a complete sourcing decision is reserved just before
    commit, so a hot SKU's balance is locked for the commit only (``inventory.late``); a
    caller that places many orders in one transaction passes False, since a balance taken
    meanwhile would run all of them again.
    """
    payload = cmd.model_dump()
    carry_out = payload.pop("carry_out")
    require_storable(payload)
    if carry_out:
        require_carry_out(cmd.delivery_method, cmd.pickup_location)
        at_commit = False  # the units are handed over, so consumed, in this transaction
    channel = channel_by_ref(uow, cmd.channel)
    currency = cmd.currency or channel["currency"]
    payload["currency"] = currency
    payload["pickup_location_id"] = payload.pop("pickup_location")
    by_code = master_data.skus_by_codes(uow, [ln.sku for ln in cmd.lines])
    prices = master_data.prices_for(
        uow, [r["id"] for r in by_code.values()], channel["id"], currency
    )
    for line in payload["lines"]:  # list prices stand in for missing ones (discount checks)
        if line["unit_price"] is None and line["sku"] in by_code:
            line["unit_price"] = prices.get(by_code[line["sku"]]["id"])
    result = run_checks(uow, channel, payload, by_code, prices)
    result.raise_for_errors()
    now = utcnow()
    order = Order(
        id=new_id("ord"),
        channel_id=channel["id"],
        external_id=cmd.external_id,
        customer_id=None,
        email=cmd.customer.email.lower() if cmd.customer.email else None,
        customer_name=cmd.customer.name,
        phone=result.phone,
        currency=currency,
        delivery_method=cmd.delivery_method,
        pickup_location_id=payload["pickup_location_id"],
        shipping_address=compact(result.shipping_address),
        billing_address=compact(result.billing_address) or None,
        shipping_charge=cmd.shipping_charge,
        taxes=cmd.taxes,
        po_number=cmd.po_number,
        notes=cmd.notes,
        attributes=cmd.attributes,
        tracking_token=secrets.token_urlsafe(24),
        placed_at=now,
        updated_at=now,
        draft_id=draft_id,
    )
    for i, ln in enumerate(cmd.lines):
        sku = by_code[ln.sku]
        price = ln.unit_price if ln.unit_price is not None else prices[sku["id"]]
        order.lines.append(
            OrderLine(new_id("oli"), i + 1, sku["id"], ln.sku, ln.quantity, price, ln.discount)
        )
    require_amounts_fit(
        {f"lines.{i}": ln.unit_price * ln.quantity for i, ln in enumerate(order.lines)}
        | {"total": order.total}
    )
    if cmd.customer.email:
        name = cmd.customer.name or cmd.customer.email
        order.customer_id = match_or_create(uow, cmd.customer.email, name, result.phone)
    holds = holds_from_findings(order.id, result.warnings, uow.actor.name, now)
    if holds:
        order.held_since = now
    uow.emit(
        order.event(
            "order.placed",
            {
                "external_id": order.external_id,
                "total": str(order.total),
                "currency": currency,
                "delivery_method": order.delivery_method,
                "draft_id": draft_id,
                "warnings": [f.as_dict() for f in result.warnings],
                "lines": [{"sku": ln.sku, "quantity": ln.quantity} for ln in order.lines],
            },
        )
    )
    if holds:
        uow.emit(order.event("order.held", {"holds": [h.summary() for h in holds]}))
    placed = stock.Placement()
    decisions.new_order(uow, order.id)
    if carry_out:
        refuse_held_carry_out(holds)
        store = [str(order.pickup_location_id)]
        placed = stock.allocate_lines(uow, order, order.lines, only=store, waits=False)
    elif not holds or reserves_on_hold(channel):
        placed = stock.allocate_lines(uow, order, order.lines, at_commit=at_commit)

    def exists() -> None:
        existing = uow.repo(OrderRepository).id_by_external(channel["id"], cmd.external_id)
        raise Conflict(
            "order_exists",
            f"channel {channel['code']} already sent order '{cmd.external_id}'",
            extra={"order_id": existing},
        )

    uow.repo(OrderRepository).insert(order, if_exists=exists)
    uow.repo(HoldRepository).add(holds)
    stock.record(uow, order, placed, cause="placement")
    if carry_out:
        hand_over(uow, order)
    return order
