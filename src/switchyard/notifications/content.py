"""What a notification says: reads the order, its channel and the step it is about, decides
whether it is sent at all (the channel's switch, the customer's email), and renders it.

Runs in the worker's claim transaction (``claims.py``) and for previews; reads only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.service import tracking_url
from switchyard.catalog.repository import SkuRepository
from switchyard.channels.notification_policy import NotificationPolicy, notification_policy
from switchyard.channels.repository import ChannelRepository
from switchyard.config import Settings
from switchyard.customers.repository import CustomerRepository
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.domain import Fulfillment
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.locations.repository import LocationRepository
from switchyard.notifications import domain as d
from switchyard.notifications.render import render
from switchyard.notifications.repository import NotificationRepository
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.payments.repository import PaymentRepository
from switchyard.sourcing.repository import SourcingRepository
from switchyard.tracking.domain import page_url

# Fields of an order update the customer hears about (attributes and notes are ours).
CHANGED_FIELDS = ("shipping_address", "billing_address", "phone", "delivery_method", "po_number")


@dataclass(frozen=True, slots=True)
class Message:
    recipient: str
    sender: str
    reply_to: str | None
    locale: str
    time_zone: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class Decision:
    """``status`` is ``ready`` (``message`` to send), ``skipped`` or ``suppressed``."""

    status: str
    reason: str | None = None
    message: Message | None = None


READY = "ready"


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _address(value: Any) -> str:
    if not isinstance(value, dict) or not value:
        return "-"
    city = " ".join(str(value[k]) for k in ("postal_code", "city") if value.get(k))
    return ", ".join(str(x) for x in (value.get("line1"), city, value.get("country_code")) if x)


@dataclass(slots=True)
class _Loaded:
    """Orders and SKU names a worker's batch read at once (``preload``)."""

    orders: dict[str, Order] = field(default_factory=dict)
    sku_names: dict[str, str] = field(default_factory=dict)


def preload(uow: UnitOfWork, order_ids: list[str]) -> None:
    """Read these orders, their lines and their SKUs' names in three queries, for the
    ``compose`` calls of this transaction that follow."""
    loaded = uow.state(_Loaded)
    rows = uow.repo(NotificationRepository).order_rows(order_ids)
    for order in uow.repo(OrderRepository).with_lines(rows):
        loaded.orders[order.id] = order
    sku_ids = sorted({ln.sku_id for o in loaded.orders.values() for ln in o.lines})
    for sku_id, row in uow.repo(SkuRepository).by_refs(sku_ids).items():
        loaded.sku_names[sku_id] = row["name"]


class _Names:
    def __init__(self, uow: UnitOfWork, order: Order) -> None:
        known = uow.state(_Loaded).sku_names
        missing = [ln.sku_id for ln in order.lines if ln.sku_id not in known]
        rows = uow.repo(SkuRepository).by_refs(missing) if missing else {}
        names = {**known, **{k: r["name"] for k, r in rows.items()}}
        self.by_line = {ln.id: names.get(ln.sku_id) or ln.sku for ln in order.lines}

    def items(self, quantities: dict[str, int]) -> list[dict[str, Any]]:
        return [
            {"name": self.by_line.get(line_id, line_id), "quantity": qty}
            for line_id, qty in sorted(quantities.items())
            if qty > 0
        ]


def compose(
    uow: UnitOfWork, notification: dict[str, Any], settings: Settings, *, preview: bool = False
) -> Decision:
    """Decide and render ``notification`` (a ``notifications`` row, or a preview's)."""
    trigger = notification["trigger"]
    order = uow.state(_Loaded).orders.get(notification["order_id"])
    if order is None:
        order = uow.repo(OrderRepository).get(notification["order_id"])
    if order is None:
        return Decision(d.SUPPRESSED, "order_not_found")
    channel = _channel(uow, order.channel_id)
    policy = notification_policy(channel.get("settings"))
    if not preview and not policy.sends(trigger):
        return Decision(d.SUPPRESSED, "trigger_off")
    fulfillment = None
    if notification.get("fulfillment_id"):
        fulfillment = uow.repo(FulfillmentRepository).get(notification["fulfillment_id"])
        if fulfillment is None:
            return Decision(d.SUPPRESSED, "fulfillment_not_found")
        if fulfillment.is_leg or (
            fulfillment.to_store and trigger in (d.SHIPPED, d.DELIVERED)
        ):  # on its way to a store or a merge node: the customer hears when it is ready
            return Decision(d.SUPPRESSED, "not_for_customer")
    if not preview:
        has_email = bool(order.email)
        opted_out = has_email and trigger in d.NON_ESSENTIAL and _opted_out(uow, order)
        skipped = d.skipped_for_customer(trigger, has_email, opted_out)
        if skipped:
            return Decision(d.SKIPPED, skipped)
    pickup_store = _pickup_store(uow, order, fulfillment)
    country = (order.shipping_address or {}).get("country_code") or (
        (pickup_store or {}).get("address", {}).get("country_code")
    )
    locale = d.choose_locale(order.attributes.get("locale"), policy.locale, country)
    zone = d.choose_time_zone(
        order.attributes.get("time_zone"),
        policy.time_zone,
        (pickup_store or {}).get("timezone"),
        country,
        _zones(),
    )
    view = _view(uow, order, channel, policy, notification, fulfillment, pickup_store, settings)
    rendered = render(trigger, locale, zone, view)
    message = Message(
        recipient=order.email or "",
        sender=policy.sender or settings.smtp_from,
        reply_to=policy.reply_to,
        locale=locale,
        time_zone=zone,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
    return Decision(READY, None, message)


def _opted_out(uow: UnitOfWork, order: Order) -> bool:
    """Whether the order's customer asked for no non-essential emails (read only for the
    triggers it matters to)."""
    if order.customer_id is None:
        return False
    found = uow.repo(CustomerRepository).opted_out([order.customer_id])
    return order.customer_id in found


@dataclass(slots=True)
class _Channels:
    """Channels read in this transaction (a worker's batch is mostly one channel's)."""

    found: dict[str, dict[str, Any]] = field(default_factory=dict)


def _channel(uow: UnitOfWork, channel_id: str) -> dict[str, Any]:
    cache = uow.state(_Channels).found
    if channel_id not in cache:
        cache[channel_id] = uow.repo(ChannelRepository).get(channel_id) or {}
    return cache[channel_id]


def _pickup_store(
    uow: UnitOfWork, order: Order, fulfillment: Fulfillment | None
) -> dict[str, Any] | None:
    store_id = None
    if fulfillment is not None and (
        fulfillment.to_store or fulfillment.delivery_method == "pickup"
    ):
        store_id = fulfillment.ship_to_location_id or fulfillment.location_id
    elif order.delivery_method == "pickup":
        store_id = order.pickup_location_id
    return uow.repo(LocationRepository).get(store_id) if store_id else None


def _view(
    uow: UnitOfWork,
    order: Order,
    channel: dict[str, Any],
    policy: NotificationPolicy,
    notification: dict[str, Any],
    fulfillment: Fulfillment | None,
    pickup_store: dict[str, Any] | None,
    settings: Settings,
) -> dict[str, Any]:
    names = _Names(uow, order)
    facts: dict[str, Any] = notification.get("facts") or {}
    promised = None
    if notification["trigger"] == d.CONFIRMATION:  # the only message that says the date
        promised = uow.repo(NotificationRepository).promised_delivery(order.id)
    store_address = (pickup_store or {}).get("address") or {}
    view: dict[str, Any] = {
        "trigger": notification["trigger"],
        "brand": {
            # what the customer bought from: the brand set, else the seller the channel
            # invoices as, else the channel's (internal) name
            "name": policy.brand_name
            or ((channel.get("settings") or {}).get("seller") or {}).get("legal_name")
            or channel.get("name")
            or "Switchyard",
            "logo_url": policy.logo_url,
            "color": policy.color,
            "footer": policy.footer,
        },
        "customer_name": order.customer_name,
        "tracking_url": page_url(settings.public_url, order.tracking_token),
        "order": {
            "reference": order.external_id,
            "placed_at": order.placed_at,
            "currency": order.currency,
            "lines": [
                {
                    "name": names.by_line[ln.id],
                    "sku": ln.sku,
                    "quantity": ln.open_quantity,
                    "amount": _amount(ln.amount),
                }
                for ln in order.lines
                if ln.open_quantity > 0
            ],
            "waiting": sum(ln.qty_backordered for ln in order.lines),
            "subtotal": _amount(order.subtotal),
            "shipping": _amount(order.shipping_charge),
            "taxes": _amount(order.taxes),
            "total": _amount(order.total),
            "promised_delivery": promised,
            "pickup_store": {
                "name": pickup_store.get("name"),
                "address": _address(store_address),
            }
            if pickup_store and order.delivery_method == "pickup"
            else None,
        },
    }
    trigger = notification["trigger"]
    if trigger == d.CONFIRMATION:
        view["order"] |= _as_ordered(order, names, facts)
    if trigger == d.CHANGED:
        view["change"] = _change(facts, names)
    elif trigger == d.DELAY:
        view["delay"] = _delay(facts, names, fulfillment)
    elif trigger == d.SHIPPED and fulfillment is not None:
        view["shipment"] = _shipment(uow, order, facts, names, fulfillment)
    elif trigger == d.READY_FOR_PICKUP and fulfillment is not None:
        view["pickup"] = _pickup(uow, facts, names, fulfillment, pickup_store)
    elif trigger == d.DELIVERED and fulfillment is not None:
        quantities = facts.get("quantities") or fulfillment.quantities()
        view["delivered"] = {"goods": names.items(quantities), "at": notification["created_at"]}
    elif trigger == d.CANCELLED:
        _, refunded = uow.repo(PaymentRepository).totals_for_order(order.id)
        cut = {ln["line_id"]: int(ln.get("cancelled", 0)) for ln in facts.get("lines") or []}
        if not cut:
            cut = {ln.id: ln.qty_cancelled for ln in order.lines}
        view["cancelled"] = {
            "lines": names.items(cut),
            "shipped": any(ln.qty_shipped for ln in order.lines),
            "refunded": _amount(Decimal(refunded)) if Decimal(refunded) > 0 else None,
            "reason": facts.get("reason"),
        }
    return view


def _as_ordered(order: Order, names: _Names, facts: dict[str, Any]) -> dict[str, Any]:
    """The confirmation's lines and totals as placed (``order.placed``'s facts), however
    the order changed before the message was rendered (cancellations, amendments)."""
    placed_skus = {str(ln.get("sku")) for ln in facts.get("lines") or []}
    lines = [ln for ln in order.lines if not placed_skus or ln.sku in placed_skus]
    amounts = {ln.id: ln.unit_price * ln.quantity - ln.discount for ln in lines}
    subtotal = sum(amounts.values(), Decimal(0))
    total = facts.get("total") or _amount(subtotal + order.shipping_charge + order.taxes)
    return {
        "lines": [
            {
                "name": names.by_line[ln.id],
                "sku": ln.sku,
                "quantity": ln.quantity,
                "amount": _amount(amounts[ln.id]),
            }
            for ln in lines
        ],
        "subtotal": _amount(subtotal),
        "total": str(total),
    }


def _open(snapshot: Any) -> int:
    if not isinstance(snapshot, dict):
        return 0
    return int(snapshot.get("ordered", 0)) - int(snapshot.get("cancelled", 0))


def _plain(value: Any) -> str:
    return str(value) if value else "-"


def _change(facts: dict[str, Any], names: _Names) -> dict[str, Any]:
    kind = facts.get("change") or ""
    before, after = facts.get("before") or {}, facts.get("after") or {}
    items: list[dict[str, Any]] = []
    if kind in ("line_quantity_changed", "line_cancelled"):
        line_id = before.get("line_id") or after.get("line_id")
        items.append(
            {
                "field": "line",
                "name": names.by_line.get(str(line_id), str(line_id)),
                "before": _open(before),
                "after": _open(after),
            }
        )
    elif kind == "line_added":
        items.append(
            {
                "field": "line",
                "name": names.by_line.get(str(after.get("line_id")), str(after.get("sku"))),
                "before": 0,
                "after": after.get("quantity"),
            }
        )
    else:
        for name in CHANGED_FIELDS:
            if name in after:
                shown = _address if name.endswith("address") else _plain
                items.append(
                    {
                        "field": name,
                        "name": name,
                        "before": shown(before.get(name)),
                        "after": shown(after.get(name)),
                    }
                )
    return {"kind": kind, "rows": items}


def _delay(facts: dict[str, Any], names: _Names, f: Fulfillment | None) -> dict[str, Any]:
    lines = [
        {
            "name": names.by_line.get(ln.get("line_id"), ln.get("line_id")),
            "quantity": ln.get("quantity"),
            "eta": ln.get("eta"),
        }
        for ln in facts.get("lines") or []
    ]
    if not lines and f is not None:
        lines = [{**item, "eta": None} for item in names.items(f.quantities())]
    return {"lines": lines, "promised_delivery": f.promised_delivery if f else None}


def _shipment(
    uow: UnitOfWork, order: Order, facts: dict[str, Any], names: _Names, f: Fulfillment
) -> dict[str, Any]:
    quantities = facts.get("quantities") or f.quantities()
    units, total, complete = d.shipped_share(
        sum(quantities.values()), sum(ln.open_quantity for ln in order.lines)
    )
    number = facts.get("tracking_number") or f.tracking_number
    if not number:
        number = next((p.tracking_number for p in f.packages if p.tracking_number), None)
    code = facts.get("carrier") or f.carrier
    if not code:
        code = next((p.carrier for p in f.packages if p.carrier), None)
    carrier = uow.repo(CarrierRepository).by_codes([code]).get(code) if code else None
    estimates: list[date] = [p.estimated_delivery for p in f.packages if p.estimated_delivery]
    return {
        "carrier": (carrier or {}).get("name") or code,
        "tracking_number": number,
        "tracking_link": tracking_url(carrier, number),
        "goods": names.items(quantities),
        "units": units,
        "total_units": total,
        "complete": complete,
        "estimated_delivery": max(estimates) if estimates else f.promised_delivery,
    }


def _pickup(
    uow: UnitOfWork,
    facts: dict[str, Any],
    names: _Names,
    f: Fulfillment,
    store: dict[str, Any] | None,
) -> dict[str, Any]:
    address = (store or {}).get("address") or {}
    hours = None
    if store:
        found = uow.repo(SourcingRepository).location_settings([store["id"]]).get(store["id"])
        if found and found.get("opens") and found.get("closes"):
            hours = f"{found['opens']}-{found['closes']}"
    deadline: datetime | str | None = f.pickup_deadline or facts.get("collect_by")
    return {
        "code": facts.get("pickup_code") or f.pickup_code,
        "store": (store or {}).get("name", ""),
        "address_lines": [
            str(x)
            for x in (
                address.get("line1"),
                " ".join(str(address[k]) for k in ("postal_code", "city") if address.get(k)),
            )
            if x
        ],
        "hours": hours,
        "collect_by": deadline,
        "goods": names.items(f.quantities()),
    }
