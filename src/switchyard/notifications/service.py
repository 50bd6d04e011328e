"""Use cases: an order's notifications with their attempts, a resend, a preview."""

from __future__ import annotations

from typing import Any

from switchyard.config import Settings
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.status import PICKUP, Status
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.kernel.ids import new_id
from switchyard.notifications import domain as d
from switchyard.notifications.claims import event
from switchyard.notifications.content import READY, compose
from switchyard.notifications.repository import NotificationRepository
from switchyard.orders.repository import OrderRepository

# The content a resend copies; the new message gets its own id, key and Message-ID.
COPIED = (
    "trigger",
    "order_id",
    "channel_id",
    "fulfillment_id",
    "facts",
    "recipient",
    "sender",
    "reply_to",
    "locale",
    "subject",
    "text_body",
    "html_body",
)


def for_order(uow: UnitOfWork, order_id: str) -> list[dict[str, Any]]:
    """The order's notifications, oldest first, each with its attempts."""
    if uow.repo(OrderRepository).get(order_id) is None:
        raise not_found("order", order_id)
    repo = uow.repo(NotificationRepository)
    rows = repo.for_order(order_id)
    attempts = repo.attempts_of([r["id"] for r in rows])
    return [{**r, "attempts_log": attempts[r["id"]]} for r in rows]


def get(uow: UnitOfWork, notification_id: str) -> dict[str, Any]:
    repo = uow.repo(NotificationRepository)
    row = repo.get(notification_id)
    if row is None:
        raise not_found("notification", notification_id)
    return {**row, "attempts_log": repo.attempts_of([notification_id])[notification_id]}


def resend(uow: UnitOfWork, notification_id: str) -> dict[str, Any]:
    """A new notification with the same content (rendered again if the first never was),
    a new key and a new Message-ID: the customer gets the message once more."""
    repo = uow.repo(NotificationRepository)
    original = repo.get(notification_id)
    if original is None:
        raise not_found("notification", notification_id)
    now = utcnow()
    new = new_id("ntf")
    row = {
        **{k: original[k] for k in COPIED},
        "id": new,
        "key": d.key("resend", notification_id, new),
        "status": d.QUEUED,
        "message_id": d.message_id(new),
        "resent_from": notification_id,
        "attempts": 0,
        "next_attempt_at": now,
        "retry_from": now,
        "created_at": now,
        "updated_at": now,
    }
    repo.add(row)
    uow.emit(event(row, "notification.resent", {"resent_from": notification_id}))
    return get(uow, new)


def preview(
    uow: UnitOfWork,
    settings: Settings,
    trigger: str,
    order_id: str,
    fulfillment_id: str | None = None,
) -> dict[str, Any]:
    """``trigger``'s message rendered against the order as it is now (nothing is stored).
    Triggers about a fulfillment use ``fulfillment_id`` or the order's latest one that
    fits (shipped for ``shipped``, a pickup for ``ready_for_pickup``)."""
    if trigger not in d.TRIGGERS:
        raise ValidationFailed(
            "invalid_trigger",
            f"'{trigger}' is no trigger",
            [FieldError("trigger", "invalid_choice", f"one of: {', '.join(d.TRIGGERS)}")],
        )
    order = uow.repo(OrderRepository).get(order_id)
    if order is None:
        raise not_found("order", order_id)
    if trigger in d.PER_FULFILLMENT and fulfillment_id is None:
        fulfillment_id = _example_fulfillment(uow, order_id, trigger)
        if fulfillment_id is None:
            raise ValidationFailed(
                "no_fulfillment",
                f"order {order_id} has no fulfillment to preview '{trigger}' with",
                [FieldError("fulfillment_id", "required", "the order has none that fits")],
            )
    row: dict[str, Any] = {
        "id": "preview",
        "trigger": trigger,
        "order_id": order_id,
        "channel_id": order.channel_id,
        "fulfillment_id": fulfillment_id,
        "facts": {},
        "created_at": utcnow(),
    }
    decision = compose(uow, row, settings, preview=True)
    if decision.status != READY or decision.message is None:
        raise ValidationFailed(
            "not_previewable",
            f"'{trigger}' is not sent for this order: {decision.reason}",
            [FieldError("fulfillment_id", decision.reason or "not_previewable", "choose another")],
        )
    m = decision.message
    return {
        "trigger": trigger,
        "order_id": order_id,
        "fulfillment_id": fulfillment_id,
        "recipient": m.recipient or None,
        "sender": m.sender,
        "reply_to": m.reply_to,
        "locale": m.locale,
        "time_zone": m.time_zone,
        "subject": m.subject,
        "text": m.text,
        "html": m.html,
    }


def _example_fulfillment(uow: UnitOfWork, order_id: str, trigger: str) -> str | None:
    found = [
        f
        for f in uow.repo(FulfillmentRepository).for_order(order_id)
        if f.status != Status.CANCELLED and not f.is_leg
    ]
    if trigger == d.READY_FOR_PICKUP:
        found = [f for f in found if f.delivery_method == PICKUP or f.to_store]
    else:
        found = [f for f in found if f.delivery_method != PICKUP and not f.to_store] or found
    return found[-1].id if found else None
