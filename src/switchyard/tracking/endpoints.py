"""``GET /track/{token}``: the public tracking page (no API key, outside ``/api/v1``);
``POST /track/{token}/returns``: the customer's return request from it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from switchyard.api.deps import DbDep
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.kernel.events import Actor
from switchyard.returns.label import label_pdf
from switchyard.returns.service import get_return
from switchyard.tracking.returns import order_for, request_from_page, returns_view
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
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}
CUSTOMER = Actor.system("tracking page")


def _page(db: DbDep, token: str, status: int = 200, **extra: Any) -> HTMLResponse:
    def query(uow: UnitOfWork) -> dict[str, Any] | None:
        view = tracking_view(uow, token)
        return None if view is None else {**view, **returns_view(uow, token)}

    view = db.run(CUSTOMER, query, read_only=True)
    if view is None:
        page = templates.get_template("not_found.html").render()
        return HTMLResponse(page, status_code=404, headers=HEADERS)
    page = templates.get_template("track.html").render(token=token, **view, **extra)
    return HTMLResponse(page, status_code=status, headers=HEADERS)


@router.get("/track/{token}", response_class=HTMLResponse)
def tracking_page(token: str, db: DbDep, done: str | None = None) -> HTMLResponse:
    """The order's status, shipments with tracking, promised date and pickup details, and
    once delivered a form to send items back. An unknown token is a plain 404 page that
    reveals nothing."""
    return _page(db, token, returned=done == "return")


@router.post("/track/{token}/returns", response_class=HTMLResponse, include_in_schema=False)
async def request_return(token: str, request: Request, db: DbDep) -> Response:
    """The customer asks to send items back (the page's form); errors show on the page."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        db.run(CUSTOMER, lambda uow: request_from_page(uow, token, form))
    except SwitchyardError as exc:
        if order_for_token(db, token) is None:
            return _page(db, token)
        problems = [e.message for e in exc.errors] or [exc.detail]
        return _page(db, token, 422, return_error=exc.detail, return_problems=problems, form=form)
    return RedirectResponse(f"/track/{token}?done=return#returns", status_code=303)


def order_for_token(db: DbDep, token: str) -> str | None:
    def query(uow: UnitOfWork) -> str | None:
        order = order_for(uow, token)
        return order.id if order else None

    return db.run(CUSTOMER, query, read_only=True)


@router.get(
    "/track/{token}/returns/{return_id}/label.pdf", response_class=Response, include_in_schema=False
)
def return_label(token: str, return_id: str, db: DbDep) -> Response:
    """The return label to print, for a return of this order only."""

    def query(uow: UnitOfWork) -> bytes | None:
        order = order_for(uow, token)
        if order is None:
            return None
        try:
            if get_return(uow, return_id).order_id != order.id:
                return None
            return label_pdf(uow, return_id)
        except SwitchyardError:  # no such return, or no label yet
            return None

    pdf = db.run(CUSTOMER, query, read_only=True)
    if pdf is None:
        page = templates.get_template("not_found.html").render()
        return HTMLResponse(page, status_code=404, headers=HEADERS)
    return Response(pdf, media_type="application/pdf", headers={"Cache-Control": "no-store"})
