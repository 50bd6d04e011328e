"""SQL for order search and the exception queue, shaped for the indexes in ``tables``.

Every search is "newest first" by id. Ids start with their creation time (``new_id``) and
an order's id is made with its ``placed_at``, so a date range also bounds the id: the
query walks one range of the primary key instead of sorting every order in the range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    String,
    and_,
    bindparam,
    exists,
    select,
    update,
)

from switchyard.db import pending_writes
from switchyard.db.crud import insert_for_dialect
from switchyard.orders import visibility
from switchyard.orders.tables import (
    order_holds,
    order_lines,
    order_locations,
    order_risks,
    orders,
)

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
    at_risk: bool | None = None  # with (True) or without (False) an active risk
    visible_at: frozenset[str] | None = None  # a location-restricted key's locations


def active_hold_of(hold_type: str) -> Any:
    return exists().where(
        order_holds.c.order_id == orders.c.id,
        order_holds.c.type == hold_type,
        order_holds.c.released_at.is_(None),
    )


def _order_ids(
    order_id: Any, conditions: list[Any], low: str | None, high: str | None, *, distinct: bool
) -> Any:
    """The order ids of rows matching ``conditions``, within the id bounds, newest first.

    Joined rather than written as ``IN``: PostgreSQL then reads the ``(filter, order_id)``
    index backwards and stops after a page, instead of walking every order from the newest
    until enough match (slow for a rarely sold SKU). The id bounds go here and not on
    ``orders`` too: the planner would count the date range twice (as ``placed_at`` and as
    ``id``), expect a hundredth of the orders it reads and pick a hash join over the range.
    ``distinct`` when an order can have several matching rows (lines of one SKU).
    """
    query = select(order_id.label("order_id")).where(*conditions)
    if low is not None:
        query = query.where(order_id >= low)
    if high is not None:
        query = query.where(order_id < high)
    if distinct:
        query = query.distinct()
    return query.order_by(order_id.desc()).subquery()


def search_query(f: SearchFilters, before_id: str | None) -> Select[Any]:
    """The page query. A SKU or a location is a stream of order ids (see ``_order_ids``)
    joined to ``orders``. The planner cannot know how rarely a status or channel goes with
    one, so:

    * with a location, the status and channel are read from ``order_locations`` (which
      carries both): the page is one range of a ``(location_id, status | channel_id,
      order_id)`` index even when the combination is empty. Joined to every order of the
      status or channel, an empty one (cancelled orders at a warehouse, POS orders at one)
      made PostgreSQL merge 50,000 to 100,000 orders against 240,000 to 365,000
      fulfillments (90 to 400 ms at 1,000,000 orders);
    * with a SKU, the status is checked in ``(status, id)`` through a second, plain join
      of ``orders`` on id: PostgreSQL then either probes that index for each of a rare
      SKU's orders or merges it with the SKU's ids, and reads only the orders of the page.
      Checked on the orders read, every order of the SKU was fetched to see its status
      (5,000 orders for a rare status: 21 to 79 ms, now 1 ms). The channel stays a check
      on the orders read: channels are few and large and every one sells most SKUs.
    """
    query = select(orders)
    located = f.location_id is not None
    status_by_index = f.status is not None and f.sku_id is not None and not located
    if f.status is not None and not (located or status_by_index):
        query = query.where(orders.c.status == f.status)
    if f.channel_id is not None and not located:
        query = query.where(orders.c.channel_id == f.channel_id)
    for value, column in (
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
    streams = []
    if f.location_id is not None:
        ol = order_locations.c
        conditions = [ol.location_id == f.location_id]
        if f.status is not None:
            conditions.append(ol.status == f.status)
        if f.channel_id is not None:
            conditions.append(ol.channel_id == f.channel_id)
        streams.append(_order_ids(ol.order_id, conditions, low, high, distinct=False))
    if f.sku_id is not None:
        lines = order_lines.c
        streams.append(
            _order_ids(lines.order_id, [lines.sku_id == f.sku_id], low, high, distinct=True)
        )
    if f.at_risk:  # the active risks' order ids: one range of (cleared_at, order_id)
        risks = order_risks.c
        streams.append(
            _order_ids(risks.order_id, [risks.cleared_at.is_(None)], low, high, distinct=True)
        )
    elif f.at_risk is not None:  # most orders: the page fills walking the primary key
        query = query.where(orders.c.at_risk_since.is_(None))
    for ids in streams:
        query = query.join(ids, ids.c.order_id == orders.c.id)
    if status_by_index:  # a join, not an ordered subquery: PostgreSQL may probe the index
        by_status = orders.alias("by_status")
        query = query.join(
            by_status, and_(by_status.c.id == orders.c.id, by_status.c.status == f.status)
        )
    if not streams:  # with a join the bounds sit in its subquery (see _order_ids)
        if low is not None:
            query = query.where(orders.c.id >= low)
        if high is not None:
            query = query.where(orders.c.id < high)
    if f.hold_type is not None:
        query = query.where(active_hold_of(f.hold_type))
    if f.visible_at is not None:
        query = query.where(visibility.condition(f.visible_at))
    return query.order_by(orders.c.id.desc())


def search_rows(
    conn: Connection, f: SearchFilters, before_id: str | None, limit: int
) -> list[RowMapping]:
    """Up to ``limit`` orders of the page (plus one: there are more).

    A query with a SKU or location join is planned for its values on PostgreSQL
    (``force_custom_plan``): psycopg prepares a statement after 5 executions and PostgreSQL
    may then reuse a plan made without the values, which merges every order of the status
    against the SKU's lines even when the status has no order at all (a status + SKU page
    took 250 ms instead of 3).
    """
    if (f.sku_id or f.location_id) and conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    return list(conn.execute(search_query(f, before_id).limit(limit + 1)).mappings())


@cache
def _record_location(dialect: str) -> Any:
    source = select(
        orders.c.id,
        bindparam("b_location_id", type_=String()),
        orders.c.status,
        orders.c.channel_id,
    ).where(orders.c.id == bindparam("b_order_id"))
    columns = ["order_id", "location_id", "status", "channel_id"]
    insert = insert_for_dialect(dialect)(order_locations)
    return insert.from_select(columns, source).on_conflict_do_nothing()


def record_location(
    conn: Connection,
    order_id: str,
    location_id: str,
    status: str | None = None,
    channel_id: str | None = None,
) -> None:
    """The order has a fulfillment at ``location_id`` (a row per pair, with the order's
    status and channel as they are now: as given, or else as stored)."""
    if status is not None and channel_id is not None:
        row = {
            "order_id": order_id,
            "location_id": location_id,
            "status": status,
            "channel_id": channel_id,
        }
        pending_writes.insert(conn, order_locations, [row], ignore_conflicts=True)
        return
    params = {"b_order_id": order_id, "b_location_id": location_id}
    conn.execute(_record_location(conn.dialect.name), params)


_FOLLOW_STATUS = (
    update(order_locations)
    .where(
        order_locations.c.order_id == bindparam("b_order_id"),
        order_locations.c.status != bindparam("b_status"),
    )
    .values(status=bindparam("b_status"))
)


def follow_status(conn: Connection, order_id: str, status: str) -> None:
    """Keep the order's search rows at its status (every order save calls this; it writes
    only when the status changed)."""
    conn.execute(_FOLLOW_STATUS, {"b_order_id": order_id, "b_status": status})


def queue_query(
    *,
    hold_type: str | None,
    channel_id: str | None,
    held_before: datetime | None,
    after: tuple[datetime, str] | None,
    visible_at: frozenset[str] | None = None,
) -> Select[Any]:
    """Held orders, the longest-waiting first (the exception queue)."""
    query = select(orders).where(orders.c.held_since.is_not(None))
    if visible_at is not None:
        query = query.where(visibility.condition(visible_at))
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
