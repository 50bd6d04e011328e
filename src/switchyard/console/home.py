"""``/console``: the home dashboard (figures in ``home_tiles``, charts in ``charts``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.console import formatting, home_tiles
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import Staff, render, run
from switchyard.kernel.clock import utcnow

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@router.get("")
async def home(request: Request, staff: Staff) -> Response:
    tz = formatting.time_zone(request, staff)
    now = utcnow()
    board = await run(
        request, staff, lambda uow: home_tiles.build(uow, staff, tz, now), read_only=True
    )
    return render(request, "home.html", board=board, t=board.tiles)
