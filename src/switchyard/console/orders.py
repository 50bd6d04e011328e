"""``/console/orders``: order search, and (from ``orders_detail`` / ``orders_actions``) the
order page and what staff do to an order.

The search runs GET /api/v1/orders's query with the user's scope and locations; its
filters live in the URL (a saved search is a bookmark) and the results table is replaced
by htmx as filters change. Order pages use a path that only matches order ids
(``ord_...``), so ``/console/orders/new`` and other pages under it stay free.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console import orders_actions, orders_detail, orders_emails
from switchyard.console.formatting import time_zone, words
from switchyard.console.orders_search import (
    FILTERS,
    HOLD_CHOICES,
    MAX_TRAIL,
    PAGE_SIZES,
    STATUS_CHOICES,
    Search,
    choices,
    parse,
    run_search,
)
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import FormErrors, Staff, is_htmx, redirect, render, require, run
from switchyard.kernel.errors import ValidationFailed

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/orders")
async def search_orders(request: Request, staff: Staff) -> Response:
    require(staff, "orders:read")
    tz = time_zone(request, staff)
    query = dict(request.query_params.items())
    errors = FormErrors()
    try:
        search = parse(query, tz)
    except ValidationFailed as exc:
        errors = FormErrors.of(exc)
        search = Search({k: str(query.get(k, "")).strip()[:200] for k in FILTERS})
    if "order_id" in search.api and not errors:
        return redirect(request, f"/console/orders/{search.api['order_id']}")
    principal = staff.principal

    def read(uow: Any) -> dict[str, Any]:
        menus = choices(uow, principal)
        found = run_search(uow, principal, search) if not errors else _nothing()
        return {**menus, **found}

    found = await run(request, staff, read, read_only=True)
    context = {
        "search": search,
        "errors": errors,
        "status_options": [("", "Any status")] + [(s, words(s)) for s in STATUS_CHOICES],
        "hold_options": [("", "Any")] + [(h, words(h)) for h in HOLD_CHOICES],
        "size_options": [(str(n), str(n)) for n in PAGE_SIZES],
        "tones": orders_detail.TONES,
        "previous": _previous(search),
        "next": _next(search, found["next_cursor"]),
        **found,
    }
    if is_htmx(request) and request.headers.get("hx-target") == "results":
        # htmx swaps only 2xx answers: the refusal is shown in the results instead
        response = render(request, "orders/_results.html", partial=True, **context)
        if not errors:  # the address bar shows the search without its empty fields
            pushed = search.query()
            response.headers["HX-Push-Url"] = "/console/orders" + (f"?{pushed}" if pushed else "")
        return response
    status = 422 if errors else 200
    return render(request, "orders/search.html", status=status, partial=False, **context)


def _nothing() -> dict[str, Any]:
    return {"orders": [], "channels": {}, "next_cursor": None, "unknown": []}


def _previous(search: Search) -> str | None:
    if not search.cursor:
        return None
    if not search.trail:
        return "/console/orders?" + search.query(cursor=None, trail=[])
    return "/console/orders?" + search.query(cursor=search.trail[-1], trail=search.trail[:-1])


def _next(search: Search, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    trail = [*search.trail, search.cursor] if search.cursor else []
    return "/console/orders?" + search.query(cursor=cursor, trail=trail[-MAX_TRAIL:])


router.include_router(orders_detail.router)
router.include_router(orders_actions.router)
router.include_router(orders_emails.router)
