"""The home dashboard's tiles of work waiting: exceptions, stock health and backlog (see
``home_tiles`` for the definitions and the scope rule)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from switchyard.console import charts
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.dashboard_queries import FulfillmentDashboardQueries
from switchyard.fulfillment.status import OPEN, Status
from switchyard.inventory.dashboard_queries import StockDashboardQueries
from switchyard.jeopardy.rules import REASONS
from switchyard.locations.repository import LocationRepository
from switchyard.locations.tables import locations
from switchyard.orders.dashboard_queries import DashboardQueries

TOP_ROWS = 12
# Ages of holds, oldest first: (label, minutes for the queue's "older than" filter).
AGES = (
    ("over 3 days", 4320),
    ("1 to 3 days", 1440),
    ("4 to 24 hours", 240),
    ("1 to 4 hours", 60),
    ("under 1 hour", 0),
)
AGE_EDGES = (timedelta(days=3), timedelta(days=1), timedelta(hours=4), timedelta(hours=1))
# Open fulfillments (nothing has left the location yet) and pickups waiting at the counter.
BACKLOG_STATUSES = [
    *(s for s in (Status.CREATED, Status.RELEASED, Status.ACCEPTED) if s in OPEN),
    *(s for s in (Status.PICKING, Status.PICKED, Status.PACKED) if s in OPEN),
    Status.READY_FOR_PICKUP,
]


def link(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
    return f"{path}?{query}" if query else path


def exceptions_tile(
    q: DashboardQueries, now: datetime, mine: frozenset[str] | None
) -> dict[str, Any]:
    age_edges = [now - d for d in AGE_EDGES]
    grid: dict[str, list[int]] = defaultdict(lambda: [0] * len(AGES))
    for hold_type, bucket, count in q.holds_by_type_and_age(age_edges, mine):
        grid[hold_type][bucket] += count
    types = sorted(grid, key=lambda t: (-sum(grid[t]), t))
    series = [
        charts.Series(label, [grid[t][i] for t in types]) for i, (label, _) in enumerate(AGES)
    ]
    desc = (
        "; ".join(
            f"{t}: "
            + ", ".join(f"{grid[t][i]} {label}" for i, (label, _) in enumerate(AGES) if grid[t][i])
            for t in types
        )
        or "No held orders."
    )
    risks = dict(q.risks_by_reason(mine))
    return {
        "held": q.held_orders(mine),
        "at_risk": q.at_risk_orders(mine),
        "chart": charts.stacked_bars(
            "chart-exceptions", "Held orders by hold type and age", desc, types, series, width=360
        )
        if types
        else None,
        "ages": [label for label, _ in AGES],
        "rows": [
            {
                "type": t,
                "total": sum(grid[t]),
                "href": link("/console/exceptions", reason=t),
                "cells": [
                    {
                        "count": grid[t][i],
                        "href": link("/console/exceptions", reason=t, age=m or None),
                    }
                    for i, (_, m) in enumerate(AGES)
                ],
            }
            for t in types
        ],
        "risks": [
            {"reason": r, "orders": risks[r]}
            for r in [*REASONS, *sorted(set(risks) - set(REASONS))]
            if r in risks
        ],
        "href": "/console/exceptions",
        "risk_href": link("/console/orders", at_risk="true"),
    }


def _location_names(
    uow: UnitOfWork, q: DashboardQueries, ids: list[str]
) -> dict[str, tuple[str, str]]:
    return q.names(locations, ids)


def stock_tile(uow: UnitOfWork, q: DashboardQueries, mine: frozenset[str] | None) -> dict[str, Any]:
    rows = uow.repo(StockDashboardQueries).stock_health(mine)
    names = _location_names(uow, q, [r[0] for r in rows])
    ranked = sorted(rows, key=lambda r: (-r[2], -r[3], names.get(r[0], (r[0], ""))[0]))
    shown = [r for r in ranked if r[2] or r[3]][:TOP_ROWS]
    labels = [names.get(r[0], (r[0], ""))[0] for r in shown]
    series = [
        charts.Series("out of stock", [r[2] for r in shown]),
        charts.Series("below safety stock", [r[3] for r in shown]),
    ]
    desc = "; ".join(
        f"{lab}: {r[2]} out of stock, {r[3]} below safety stock"
        for lab, r in zip(labels, shown, strict=True)
    )
    return {
        "out": sum(r[2] for r in rows),
        "below": sum(r[3] for r in rows),
        "locations": len(rows),
        "hidden": len([r for r in ranked if r[2] or r[3]]) - len(shown),
        "chart": charts.stacked_bars(
            "chart-stock",
            "SKUs out of stock and below safety stock per location",
            desc,
            labels,
            series,
            width=360,
        )
        if shown
        else None,
        "rows": [
            {
                "code": names.get(r[0], (r[0], ""))[0],
                "name": names.get(r[0], ("", r[0]))[1],
                "skus": r[1],
                "out": r[2],
                "below": r[3],
                "href": link("/console/inventory", location=names.get(r[0], (r[0], ""))[0]),
            }
            for r in shown
        ],
        "href": "/console/inventory",
    }


def backlog_tile(
    uow: UnitOfWork, q: DashboardQueries, mine: frozenset[str] | None
) -> dict[str, Any]:
    ids = (
        sorted(mine)
        if mine is not None
        else [r["id"] for r in uow.repo(LocationRepository).all_active()]
    )
    rows = uow.repo(FulfillmentDashboardQueries).backlog(ids, BACKLOG_STATUSES)
    per: dict[str, dict[str, int]] = defaultdict(dict)
    for location_id, status, count in rows:
        per[location_id][status] = count
    names = _location_names(uow, q, list(per))
    ranked = sorted(per, key=lambda loc: (-sum(per[loc].values()), names.get(loc, (loc, ""))[0]))
    shown = ranked[:TOP_ROWS]
    labels = [names.get(loc, (loc, ""))[0] for loc in shown]
    statuses = [s for s in BACKLOG_STATUSES if any(s in per[loc] for loc in shown)]
    series = [
        charts.Series(s.replace("_", " "), [per[loc].get(s, 0) for loc in shown]) for s in statuses
    ]
    desc = "; ".join(
        f"{lab}: "
        + ", ".join(f"{per[loc][s]} {s.replace('_', ' ')}" for s in statuses if s in per[loc])
        for lab, loc in zip(labels, shown, strict=True)
    )
    return {
        "total": sum(sum(v.values()) for v in per.values()),
        "statuses": statuses,
        "hidden": len(ranked) - len(shown),
        "chart": charts.stacked_bars(
            "chart-backlog",
            "Open fulfillments per location and status",
            desc,
            labels,
            series,
            width=360,
        )
        if shown
        else None,
        "rows": [
            {
                "code": names.get(loc, (loc, ""))[0],
                "name": names.get(loc, ("", loc))[1],
                "counts": [per[loc].get(s, 0) for s in statuses],
                "total": sum(per[loc].values()),
                "href": link("/console/orders", location=names.get(loc, (loc, ""))[0]),
            }
            for loc in shown
        ],
    }
