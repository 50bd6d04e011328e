"""``/console/inventory``: find a SKU, list a location's stock (by stock health too), and
a SKU's page with its figures per location, incoming supply, movement history and the
stock actions (``inventory_actions``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console import inventory_actions
from switchyard.console.inventory_views import list_page, sku_page
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import Staff, require

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("/inventory")
async def inventory_home(request: Request, staff: Staff) -> Response:
    """``?q=`` a SKU code or name; ``?location=`` a location's stock, with
    ``?out_of_stock=1`` / ``?below_safety=1`` (also across locations); ``?cursor=``."""
    require(staff, "inventory:read")
    return await list_page(request, staff)


@router.get("/inventory/skus/{sku}")
async def inventory_sku(request: Request, sku: str, staff: Staff) -> Response:
    require(staff, "inventory:read")
    return await sku_page(request, staff, sku)


router.include_router(inventory_actions.router)
