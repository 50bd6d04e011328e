"""The home dashboard's figures: one read transaction, each tile what the user may read.

Definitions (the tiles say them too):

* **Orders per channel per hour**: orders placed in each of the last 48 hours of the
  viewer's clock, by channel.
* **Fill rate** (per day an order was placed, last 14 days): of the orders placed that
  day, the share filled: every unit has stock allocated or has shipped (status allocated,
  shipped, delivered or returned). Orders still waiting for stock or allocation (placed,
  partially allocated, backordered, or partly shipped with the rest not yet) are not
  filled; cancelled and held orders are not counted. (Orders, not units: summing two
  weeks of order lines costs more than a page may at a million orders.)
* **On-time shipment rate** (per day a parcel was created, last 14 days): of the promised
  parcels (a ship-by date), the share shipped by the end of their ship-by date; a parcel
  not shipped once its ship-by date has passed counts as late, one not due yet is not
  counted.
* **Open backorders**: orders with units waiting for stock or for a purchase order, and
  those units.
* **Exceptions**: held orders by hold type and age of the hold; orders at risk of missing
  their promise by the jeopardy monitor's reason.
* **Stock health**: per location, SKUs with nothing free (on hand less reserved is 0) and
  SKUs with some free but fewer than their safety stock.
* **Fulfilment backlog**: open fulfillments per location and status.

Scope: a user bound to locations sees the orders the API would show them (orders with a
fulfillment at their locations) and, for figures kept per location (stock, backlog,
risks, backorders, parcels), only their locations' rows. A tile whose scope the role
lacks is left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from switchyard.channels.tables import channels
from switchyard.console import charts
from switchyard.console.home_tiles_ops import backlog_tile, exceptions_tile, link, stock_tile
from switchyard.console.web import allowed
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.dashboard_queries import FulfillmentDashboardQueries
from switchyard.inventory.dashboard_queries import StockDashboardQueries
from switchyard.orders.dashboard_queries import DashboardQueries
from switchyard.orders.domain import OrderStatus
from switchyard.staff.service import StaffSession

HOURS, DAYS, TOP_CHANNELS = 48, 14, 6
FILLED = frozenset(
    {
        OrderStatus.ALLOCATED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.PARTIALLY_RETURNED,
        OrderStatus.RETURNED,
    }
)
UNFILLED = frozenset(
    {
        OrderStatus.PLACED,
        OrderStatus.PARTIALLY_ALLOCATED,
        OrderStatus.BACKORDERED,
        OrderStatus.PARTIALLY_SHIPPED,
    }
)


@dataclass
class Dashboard:
    tz: str
    now: datetime
    restricted: bool
    tiles: dict[str, dict[str, Any]] = field(default_factory=dict)


def hour_edges(now: datetime, zone: ZoneInfo) -> list[datetime]:
    """The starts of the last 48 hours on the viewer's clock (the last holds ``now``)."""
    local = now.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    start = local.astimezone(UTC)
    return [start - timedelta(hours=HOURS - 1 - i) for i in range(HOURS)]


def day_edges(now: datetime, zone: ZoneInfo) -> tuple[list[date], list[datetime]]:
    """The last 14 days on the viewer's clock (today last) and their local midnights."""
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    return days, [datetime.combine(d, time(0), tzinfo=zone).astimezone(UTC) for d in days]


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(uow: UnitOfWork, staff: StaffSession, tz: str, now: datetime) -> Dashboard:
    principal = staff.principal
    mine = principal.location_ids
    zone = ZoneInfo(tz)
    board = Dashboard(tz=tz, now=now, restricted=mine is not None)
    q = uow.repo(DashboardQueries)
    if allowed(staff, "orders:read"):
        board.tiles["orders"] = _orders_tile(q, now, zone, mine)
        board.tiles["rates"] = _rates_tile(uow, q, now, zone, mine)
        board.tiles["exceptions"] = exceptions_tile(q, now, mine)
        orders_waiting, units = uow.repo(StockDashboardQueries).open_backorders(mine)
        board.tiles["backorders"] = {
            "orders": orders_waiting,
            "units": units,
            "href": link("/console/orders", status="backordered"),
        }
    if allowed(staff, "inventory:read"):
        board.tiles["stock"] = stock_tile(uow, q, mine)
    if allowed(staff, "fulfillment:read"):
        board.tiles["backlog"] = backlog_tile(uow, q, mine)
    return board


def _orders_tile(
    q: DashboardQueries, now: datetime, zone: ZoneInfo, mine: frozenset[str] | None
) -> dict[str, Any]:
    edges = hour_edges(now, zone)
    rows = q.orders_per_channel(edges, now, mine)
    per: dict[str, list[int]] = defaultdict(lambda: [0] * HOURS)
    for channel_id, bucket, count in rows:
        per[channel_id][bucket] += count
    names = q.names(channels, list(per))
    ranked = sorted(per, key=lambda c: (-sum(per[c]), names.get(c, (c, c))[0]))
    series = [charts.Series(names.get(c, (c, c))[0], per[c]) for c in ranked[:TOP_CHANNELS]]
    if len(ranked) > TOP_CHANNELS:
        rest = [sum(per[c][i] for c in ranked[TOP_CHANNELS:]) for i in range(HOURS)]
        series.append(charts.Series("other channels", rest))
    local = [e.astimezone(zone) for e in edges]
    labels = [f"{t:%H}:00" if t.hour else f"{t:%a}" for t in local]
    total = sum(sum(v) for v in per.values())
    desc = (
        f"{total} orders in the last 48 hours, "
        + ", ".join(f"{names.get(c, (c, c))[0]}: {sum(per[c])}" for c in ranked)
        if ranked
        else "No orders in the last 48 hours."
    )
    since = _iso(edges[0])
    table = [
        {
            "hour": t,
            "values": [s.values[i] for s in series],
            "total": sum(s.values[i] or 0 for s in series),
        }
        for i, t in enumerate(local)
        if any(s.values[i] for s in series)
    ]
    return {
        "total": total,
        "chart": charts.stacked_bars(
            "chart-orders",
            "Orders per channel per hour, last 48 hours",
            desc,
            labels,
            series,
            every=6,
        ),
        "series": [s.name for s in series],
        "table": table,
        "channels": [
            {
                "code": names.get(c, (c, c))[0],
                "name": names.get(c, (c, c))[1],
                "orders": sum(per[c]),
                "href": link("/console/orders", channel=names.get(c, (c, c))[0], placed_from=since),
            }
            for c in ranked
        ],
        "href": link("/console/orders", placed_from=since),
    }


def _rates_tile(
    uow: UnitOfWork,
    q: DashboardQueries,
    now: datetime,
    zone: ZoneInfo,
    mine: frozenset[str] | None,
) -> dict[str, Any]:
    days, edges = day_edges(now, zone)
    wanted, allocated = [0] * DAYS, [0] * DAYS  # orders counted, orders filled
    for bucket, status, count in q.orders_by_day_and_status(edges, now, mine):
        if status in FILLED:
            allocated[bucket] += count
        if status in FILLED or status in UNFILLED:
            wanted[bucket] += count
    on_time, late = [0] * DAYS, [0] * DAYS
    today = days[-1]
    rows = uow.repo(FulfillmentDashboardQueries).shipments_by_day(edges, now, mine)
    for created, shipped, ship_by, parcels in rows:
        if shipped is None:
            if ship_by < today:
                late[created] += parcels
        elif days[shipped] <= ship_by:
            on_time[created] += parcels
        else:
            late[created] += parcels
    fill = [round(100 * a / w, 1) if w else None for a, w in zip(allocated, wanted, strict=True)]
    timely = [
        round(100 * o / (o + la), 1) if o + la else None
        for o, la in zip(on_time, late, strict=True)
    ]
    labels = [f"{d:%d %b}" for d in days]
    desc = "; ".join(
        f"{d:%a %d %b}: fill rate {'none' if f is None else f'{f:g}%'}, "
        f"on time {'none' if t is None else f'{t:g}%'}"
        for d, f, t in zip(days, fill, timely, strict=True)
    )
    table = [
        {
            "day": d,
            "fill": fill[i],
            "wanted": wanted[i],
            "allocated": allocated[i],
            "on_time": timely[i],
            "parcels_on_time": on_time[i],
            "parcels_late": late[i],
        }
        for i, d in enumerate(days)
    ]
    return {
        "chart": charts.line_chart(
            "chart-rates",
            "Fill rate and on-time shipment rate per day, last 14 days",
            desc,
            labels,
            [charts.Series("Fill rate", fill), charts.Series("On time", timely)],
            every=2,
        ),
        "table": table,
        "fill_total": _rate(sum(allocated), sum(wanted)),
        "on_time_total": _rate(sum(on_time), sum(on_time) + sum(late)),
        "href": link("/console/orders", placed_from=_iso(edges[0])),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
