"""``/console``: the home dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import Staff, render

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("")
async def home(request: Request, staff: Staff) -> Response:
    return render(request, "home.html")
