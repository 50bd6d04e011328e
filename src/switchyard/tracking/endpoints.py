"""``GET /track/{token}``: the public tracking page (no API key, outside ``/api/v1``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from switchyard.api.deps import DbDep
from switchyard.kernel.events import Actor
from switchyard.tracking.service import tracking_view

router = APIRouter(tags=["tracking"])
templates = Environment(
    loader=PackageLoader("switchyard.tracking", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


@router.get("/track/{token}", response_class=HTMLResponse)
def tracking_page(token: str, db: DbDep) -> HTMLResponse:
    """The order's status, shipments with tracking, promised date and pickup details.
    An unknown token is a plain 404 page that reveals nothing."""
    view = db.run(Actor.system("tracking"), lambda uow: tracking_view(uow, token), read_only=True)
    if view is None:
        page = templates.get_template("not_found.html").render()
        return HTMLResponse(page, status_code=404, headers=HEADERS)
    return HTMLResponse(templates.get_template("track.html").render(**view), headers=HEADERS)
