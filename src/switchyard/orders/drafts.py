"""Draft orders: staff (call centre, field sales) build an order step by step, then place it.

A draft holds the order body as drafted so far; nothing is validated beyond types and
nothing is reserved until it is placed. Placing runs the same placement as
``POST /orders`` (validation, holds, reservation) in the same transaction that marks the
draft placed, so a draft becomes exactly one order. The order's external id defaults to
the draft's id; the place request may give one instead. Either way a channel's order id
is taken once: placing a draft under one the channel already sent is 409 ``order_exists``,
as for ``POST /orders``.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from switchyard.db.uow import UnitOfWork
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
from switchyard.orders.domain import Order
from switchyard.orders.draft_repository import DraftRepository
from switchyard.orders.input_checks import require_storable
from switchyard.orders.schemas import OrderCreate
from switchyard.orders.service import channel_by_ref
from switchyard.placement.place import place_order

DRAFT_STATUSES = frozenset({"open", "placed", "discarded"})


def _event(
    row: dict[str, Any], type_: str, data: dict[str, Any], order_id: str | None = None
) -> DomainEvent:
    return DomainEvent(
        type_, "draft_order", row["id"], data, order_id=order_id, channel_id=row["channel_id"]
    )


def create_draft(uow: UnitOfWork, channel_ref: str, content: dict[str, Any]) -> dict[str, Any]:
    require_storable(content)
    channel = channel_by_ref(uow, channel_ref)
    now = utcnow()
    row = {
        "id": new_id("dro"),
        "channel_id": channel["id"],
        "status": "open",
        "content": content,
        "order_id": None,
        "created_by": uow.actor.name,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    uow.repo(DraftRepository).add(row)
    uow.emit(_event(row, "draft_order.created", {"lines": len(content.get("lines") or [])}))
    return row


def get_draft(uow: UnitOfWork, draft_id: str, *, lock: bool = False) -> dict[str, Any]:
    row = uow.repo(DraftRepository).get(draft_id, lock=lock)
    if row is None:
        raise not_found("draft_order", draft_id)
    return row


def _open_draft(uow: UnitOfWork, draft_id: str, expected_version: int | None) -> dict[str, Any]:
    row = get_draft(uow, draft_id, lock=True)
    check_version("draft order", expected_version, row["version"])
    if row["status"] == "placed":
        raise Conflict(
            "draft_already_placed",
            f"draft {draft_id} was placed as order {row['order_id']}",
            extra={"order_id": row["order_id"]},
        )
    if row["status"] != "open":
        raise Conflict("draft_not_open", f"draft {draft_id} is {row['status']}")
    return row


def _write(uow: UnitOfWork, row: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    if not uow.repo(DraftRepository).update(row["id"], row["version"], values):
        raise PreconditionFailed("version_mismatch", f"draft {row['id']} changed meanwhile")
    return get_draft(uow, row["id"])


def update_draft(
    uow: UnitOfWork, draft_id: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    """Replace the top-level fields in ``changes`` (``lines`` replaces every line)."""
    require_storable(changes)
    row = _open_draft(uow, draft_id, expected_version)
    content = dict(row["content"])
    changed = {k: v for k, v in changes.items() if content.get(k) != v}
    if not changed:
        return row
    before = {k: content.get(k) for k in changed}
    content.update(changed)
    updated = _write(uow, row, {"content": content})
    uow.emit(_event(row, "draft_order.updated", {"before": before, "after": changed}))
    return updated


def discard_draft(uow: UnitOfWork, draft_id: str, expected_version: int | None) -> None:
    row = _open_draft(uow, draft_id, expected_version)
    _write(uow, row, {"status": "discarded"})
    uow.emit(_event(row, "draft_order.discarded", {}))


def place_draft(
    uow: UnitOfWork, draft_id: str, expected_version: int | None, external_id: str | None = None
) -> Order:
    """Place the draft as an order whose external id is ``external_id``, else the draft's
    own, else the draft's id."""
    row = _open_draft(uow, draft_id, expected_version)
    body = {**row["content"], "channel": row["channel_id"]}
    body["external_id"] = external_id or body.get("external_id") or row["id"]
    try:
        cmd = OrderCreate.model_validate(body)
    except ValidationError as exc:
        raise ValidationFailed(
            "draft_incomplete",
            "the draft is not a complete order yet",
            [
                FieldError(".".join(str(p) for p in e["loc"]), e["type"], e["msg"])
                for e in exc.errors()
            ],
        ) from None
    order = place_order(uow, cmd, draft_id=row["id"], at_commit=False)
    _write(uow, row, {"status": "placed", "order_id": order.id})
    uow.emit(_event(row, "draft_order.placed", {"order_id": order.id}, order_id=order.id))
    return order
