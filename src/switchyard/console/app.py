"""Mounts the console on the API's application: its pages, its static files, and an HTML
404 for any other path under /console."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import Staff, error_page

STATIC = Path(__file__).parent / "static"
# Each module exposes ``router`` (prefix /console, route class ConsoleRoute).
PAGES = [
    "switchyard.console.sign_in",
    "switchyard.console.home",
    "switchyard.console.exceptions",
    "switchyard.console.phone_order",
    "switchyard.console.orders",
    "switchyard.console.settings",
    "switchyard.console.inventory",
    "switchyard.console.workbench",
]

_fallback = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)


@_fallback.api_route("/{rest:path}", methods=["GET", "POST"])
async def not_found(request: Request, rest: str, staff: Staff) -> Response:
    return error_page(
        request, 404, "Not found", "There is no such page in the console.", "not_found"
    )


def install(app: FastAPI) -> None:
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    for name in PAGES:
        app.include_router(importlib.import_module(name).router)
    app.include_router(_fallback)
