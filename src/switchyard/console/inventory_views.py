"""What the inventory pages show, read in one transaction each with the API's use cases:
``availability`` for the figures and incoming supply, the catalog's SKU search, the
ledger newest first and the balances of a location by stock health."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from switchyard.api.pagination import decode_cursor, encode_cursor
from switchyard.auth.domain import Principal
from switchyard.catalog import service as catalog
from switchyard.console.web import FormErrors, allowed, render, run
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import refs, supply
from switchyard.inventory.availability import availability
from switchyard.inventory.domain import available_of
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.stock_list_repository import HEALTH, StockListRepository
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.locations.repository import LocationRepository
from switchyard.staff.repository import UserRepository
from switchyard.staff.service import StaffSession

LIST_LIMIT = 50
HISTORY_LIMIT = 25
# Reasons people give for an adjustment (offered as suggestions: the API takes any text).
REASONS = ("damaged", "found", "lost", "theft", "expired", "sample", "correction")


def sku_url(sku: str, **query: Any) -> str:
    tail = urlencode({k: v for k, v in query.items() if v not in (None, "")})
    return f"/console/inventory/skus/{quote(sku, safe='')}" + (f"?{tail}" if tail else "")


def _cursor(raw: str | None, size: int) -> list[str] | None:
    values = decode_cursor(raw)
    if values is None:
        return None
    if len(values) != size or not all(isinstance(v, str) for v in values):
        raise ValidationFailed(
            "invalid_cursor",
            "the page link is not one this console made",
            [FieldError("cursor", "invalid_cursor", "start from the first page")],
        )
    return [str(v) for v in values]


def _locations(uow: UnitOfWork) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in uow.repo(LocationRepository).all_active()}


def _acting_at(principal: Principal, locations: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Where the user may change stock: the API's inventory:write rule (own locations)."""
    if not principal.has("inventory:write"):
        return []
    return [loc for loc in locations.values() if principal.can_access_location(loc["id"])]


# --- /console/inventory --------------------------------------------------------------


@dataclass
class ListFilters:
    q: str
    location: str
    health: list[str]
    cursor: str | None

    @classmethod
    def of(cls, params: QueryParams) -> ListFilters:
        return cls(
            q=params.get("q", "").strip()[:100],
            location=params.get("location", "").strip()[:100],
            health=[h for h in HEALTH if params.get(h) in ("1", "on", "true")],
            cursor=params.get("cursor") or None,
        )

    def query(self, **over: Any) -> str:
        values: dict[str, Any] = {"q": self.q, "location": self.location}
        values |= dict.fromkeys(self.health, "1") | over
        return urlencode({k: v for k, v in values.items() if v})


def list_view(uow: UnitOfWork, principal: Principal, filters: ListFilters) -> dict[str, Any]:
    locations = _locations(uow)
    view: dict[str, Any] = {"locations": locations, "rows": [], "skus": [], "next": None}
    if principal.location_ids is not None:  # shortcuts to the lists of the user's own
        view["mine"] = [locations[i] for i in sorted(principal.location_ids) if i in locations]
    location_id = None
    if filters.location:
        row = uow.repo(LocationRepository).get(filters.location)
        if row is None:
            view["errors"] = FormErrors(
                "Choose a location from the list.",
                "location_not_found",
                {"location": f"no location '{filters.location}'"},
            )
            return view
        location_id = row["id"]
        locations.setdefault(location_id, row)
        view["location"] = row
    if location_id or filters.health:
        after = _cursor(filters.cursor, 2)
        rows = uow.repo(StockListRepository).balances(
            location_id=location_id,
            health=filters.health,
            q=filters.q or None,
            after=(after[0], after[1]) if after else None,
            limit=LIST_LIMIT,
        )
        for r in rows:
            r["available"] = available_of(r["on_hand"], r["reserved"], r["safety_stock"])
        if len(rows) > LIST_LIMIT:
            rows = rows[:LIST_LIMIT]
            view["next"] = encode_cursor([rows[-1]["sku_id"], rows[-1]["location_id"]])
        view["rows"] = rows
    elif filters.q and principal.has("catalog:read"):
        after = _cursor(filters.cursor, 1)
        found = catalog.list_skus(
            uow, q=filters.q, after_id=after[0] if after else None, limit=LIST_LIMIT
        )
        if len(found) > LIST_LIMIT:
            found = found[:LIST_LIMIT]
            view["next"] = encode_cursor([found[-1]["id"]])
        figures = {a["sku_id"]: a for a in availability(uow, [s["id"] for s in found])}
        view["skus"] = [{**s, "figures": figures.get(s["id"])} for s in found]
    return view


async def list_page(request: Request, staff: StaffSession) -> Response:
    filters = ListFilters.of(request.query_params)
    principal = staff.principal
    view = await run(request, staff, lambda uow: list_view(uow, principal, filters), read_only=True)
    errors = view.pop("errors", None)
    return render(
        request,
        "inventory/index.html",
        status=422 if errors else 200,
        filters=filters,
        errors=errors,
        can_search=allowed(staff, "catalog:read"),
        **view,
    )


# --- /console/inventory/skus/{sku} ----------------------------------------------------


def _actors(uow: UnitOfWork, ids: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    users = uow.repo(UserRepository)
    for actor_id in sorted(ids):
        user = users.get(actor_id) if actor_id.startswith("usr") else None
        names[actor_id] = f"{user.display} ({user.email})" if user else actor_id
    return names


def _incoming(uow: UnitOfWork, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    orders: dict[str, dict[str, Any]] = {}
    for e in entries:
        if e["source"] == "purchase_order" and e["source_id"] not in orders:
            orders[e["source_id"]] = supply.get_purchase_order(uow, e["source_id"])
    return [{**e, "purchase_order": orders.get(e["source_id"])} for e in entries]


def sku_view(
    uow: UnitOfWork, principal: Principal, ref: str, params: QueryParams, at: str = ""
) -> dict[str, Any]:
    item = availability(uow, [ref])[0]
    sku = catalog.get_sku(uow, item["sku_id"]) if principal.has("catalog:read") else None
    locations = _locations(uow)
    history_at = params.get("history_location") or None
    history_location_id = refs.location_or_404(uow, history_at) if history_at else None
    before = _cursor(params.get("before"), 1)
    moves = uow.repo(StockListRepository).movements(
        sku_id=item["sku_id"],
        location_id=history_location_id,
        before_id=before[0] if before else None,
        limit=HISTORY_LIMIT,
    )
    older = None
    if len(moves) > HISTORY_LIMIT:
        moves = moves[:HISTORY_LIMIT]
        older = encode_cursor([moves[-1]["id"]])
    acting = _acting_at(principal, locations)
    at = at or params.get("at") or ""
    at_row = next((loc for loc in acting if at in (loc["id"], loc["code"])), None)
    at_row = at_row or (acting[0] if acting else None)
    settings = uow.repo(StockRepository).get((item["sku_id"], at_row["id"])) if at_row else None
    return {
        "item": item,
        "sku": sku,
        "locations": locations,
        "incoming": _incoming(uow, item["incoming"]),
        "moves": moves,
        "older": older,
        "actors": _actors(uow, {m["actor_id"] for m in moves}),
        "history_location": history_at or "",
        "acting": acting,
        "at": at_row,
        "settings": settings,
        "reasons": REASONS,
    }


def _flash(params: QueryParams, locations: dict[str, dict[str, Any]]) -> str:
    """The message after an action, from its code and figures (never text from the URL)."""
    codes = {loc["code"] for loc in locations.values()}
    loc, to = params.get("loc", ""), params.get("to", "")
    try:
        n = int(params.get("n", "0"))
    except ValueError:
        return ""
    if loc not in codes or (to and to not in codes):
        return ""
    messages = {
        "adjusted": f"Stock at {loc} adjusted by {n:+,}.",
        "counted": f"Count booked at {loc}: a difference of {n:+,} units.",
        "received": f"{n:,} units received at {loc}.",
        "transferred": f"{n:,} units sent from {loc} to {to}: in transit until received there.",
        "settings": f"Safety stock at {loc} set to {n:,}.",
    }
    return messages.get(params.get("done", ""), "")


async def sku_page(
    request: Request,
    staff: StaffSession,
    ref: str,
    *,
    form: str = "",
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    at: str = "",
) -> Response:
    """The SKU's page; after a refused action, with the error beside that form's fields
    and what the person typed kept."""
    principal, params = staff.principal, request.query_params
    view = await run(
        request, staff, lambda uow: sku_view(uow, principal, ref, params, at), read_only=True
    )
    return render(
        request,
        "inventory/sku.html",
        status=status,
        form=form,
        errors=errors,
        values=values or {},
        flash="" if errors else _flash(params, view["locations"]),
        sku_url=sku_url,
        **view,
    )
