"""SQL for order search and the exception queue, shaped for the indexes in ``tables``.

Every search is "newest first" by id. Ids start with their creation time (``new_id``) and
an order's id is made with its ``placed_at``, so a date range also bounds the id: the
query walks one range of the primary key instead of sorting every order in the range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, select

from switchyard.fulfillment.tables import fulfillments
from switchyard.orders.tables import order_holds, order_lines, orders

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# How far an id's timestamp may be from the order's placed_at (they are made together).
_ID_SLACK = timedelta(seconds=2)


def id_at(when: datetime, prefix: str = "ord") -> str:
    """The smallest id ``new_id(prefix)`` could have made at ``when``."""
    millis = max(0, int(when.timestamp() * 1000))
    chars = []
    for _ in range(10):
        millis, rem = divmod(millis, 32)
        chars.append(_ALPHABET[rem])
    return f"{prefix}_{''.join(reversed(chars))}"


@dataclass(frozen=True, slots=True)
class SearchFilters:
    status: str | None = None
    channel_id: str | None = None
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None
    customer_id: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    sku_id: str | None = None
    location_id: str | None = None
    hold_type: str | None = None


def active_hold_of(hold_type: str) -> Any:
    return exists().where(
        order_holds.c.order_id == orders.c.id,
        order_holds.c.type == hold_type,
        order_holds.c.released_at.is_(None),
    )


def _order_ids(order_id: Any, condition: Any, low: str | None, high: str | None) -> Any:
    """The distinct order ids of rows matching ``condition``, within the id bounds.

    Joined rather than written as ``IN``: PostgreSQL then reads the ``(filter, order_id)``
    index backwards and stops after a page, instead of walking every order from the newest
    until enough match (slow for a rarely sold SKU). The id bounds go here and not on
    ``orders`` too: the planner would count the date range twice (as ``placed_at`` and as
    ``id``), expect a hundredth of the orders it reads and pick a hash join over the range.
    """
    query = select(order_id.label("order_id")).where(condition)
    if low is not None:
        query = query.where(order_id >= low)
    if high is not None:
        query = query.where(order_id < high)
    return query.distinct().order_by(order_id.desc()).subquery()


def search_query(f: SearchFilters, before_id: str | None) -> Select[Any]:
    query = select(orders)
    for value, column in (
        (f.status, orders.c.status),
        (f.channel_id, orders.c.channel_id),
        (f.email, orders.c.email),
        (f.phone, orders.c.phone),
        (f.external_id, orders.c.external_id),
        (f.customer_id, orders.c.customer_id),
    ):
        if value is not None:
            query = query.where(column == value)
    low = id_at(f.placed_from - _ID_SLACK) if f.placed_from is not None else None
    highs = [before_id] if before_id is not None else []
    if f.placed_to is not None:
        highs.append(id_at(f.placed_to + _ID_SLACK))
    high = min(highs) if highs else None
    if f.placed_from is not None:
        query = query.where(orders.c.placed_at >= f.placed_from)
    if f.placed_to is not None:
        query = query.where(orders.c.placed_at < f.placed_to)
    joins = [
        (order_id, column == value)
        for value, order_id, column in (
            (f.sku_id, order_lines.c.order_id, order_lines.c.sku_id),
            (f.location_id, fulfillments.c.order_id, fulfillments.c.location_id),
        )
        if value is not None
    ]
    for order_id, condition in joins:
        ids = _order_ids(order_id, condition, low, high)
        query = query.join(ids, ids.c.order_id == orders.c.id)
    if not joins:  # with a join the bounds sit in its subquery (see _order_ids)
        if low is not None:
            query = query.where(orders.c.id >= low)
        if high is not None:
            query = query.where(orders.c.id < high)
    if f.hold_type is not None:
        query = query.where(active_hold_of(f.hold_type))
    return query.order_by(orders.c.id.desc())


def queue_query(
    *,
    hold_type: str | None,
    channel_id: str | None,
    held_before: datetime | None,
    after: tuple[datetime, str] | None,
) -> Select[Any]:
    """Held orders, the longest-waiting first (the exception queue)."""
    query = select(orders).where(orders.c.held_since.is_not(None))
    if channel_id is not None:
        query = query.where(orders.c.channel_id == channel_id)
    if held_before is not None:
        query = query.where(orders.c.held_since <= held_before)
    if hold_type is not None:
        query = query.where(active_hold_of(hold_type))
    if after is not None:
        since, order_id = after
        query = query.where(
            (orders.c.held_since > since)
            | and_(orders.c.held_since == since, orders.c.id > order_id)
        )
    return query.order_by(orders.c.held_since, orders.c.id)
