"""``/console/orders/new``: an order taken on the phone.

One form that works without JavaScript: each helper button (find a customer, use one,
add a SKU, remove a line) posts the whole form back and the page comes back with what
was typed kept. With htmx the same posts swap only the form, the searches run as the
agent types (``/new/customers``, ``/new/skus``), the address is checked by order
intake's own rules as it is typed (``/new/address``) and the promise dates follow the
lines and the address (``/new/promise``).

Placing calls what ``POST /api/v1/orders`` calls: ``placement.place.place_order`` with an
``OrderCreate`` body, under ``api.idempotency`` with the key the form was rendered with,
so a double click or a retry places one order. Scopes as the API: ``orders:write`` for
the whole business (``LocationAccess.UNRESTRICTED``); the lookups need what their API
endpoints need (customers:read, catalog:read, inventory:read, orders:read).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.auth.domain import LocationAccess
from switchyard.console import phone_order_lookups as lookups
from switchyard.console.phone_order_form import Draft, field_names
from switchyard.console.phone_order_place import place_draft, placed_before
from switchyard.console.phone_order_view import (
    ADDRESS_SLOTS,
    channel_row,
    checks_by_field,
    locale_of,
    location_codes,
    page_context,
    promise_for,
    promise_hint,
)
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import (
    FormErrors,
    Staff,
    allowed,
    is_htmx,
    render,
    require,
    run,
)
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import NotFound, SwitchyardError

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

PAGE = "phone_order/page.html"
FORM = "phone_order/_form.html"


def _require_placing(staff: Staff) -> None:
    """What ``POST /api/v1/orders`` demands (``OrdersWrite``: orders:write, and capture
    acts for the whole business)."""
    require(staff, "orders:write", LocationAccess.UNRESTRICTED)


async def _page(
    request: Request,
    staff: Staff,
    draft: Draft,
    errors: FormErrors | None = None,
    status: int = 200,
    focus: str = "",
    placed: str | None = None,
) -> Response:
    context = await run(
        request, staff, lambda uow: page_context(uow, staff, draft, errors), read_only=True
    )
    template = FORM if is_htmx(request) and request.method == "POST" else PAGE
    return render(request, template, status=status, focus=focus, placed=placed, **context)


@router.get("/orders/new")
async def new_order(request: Request, staff: Staff) -> Response:
    _require_placing(staff)
    return await _page(request, staff, Draft(), focus="f-customer_q")


@router.post("/orders/new")
async def post_order(request: Request, staff: Staff) -> Response:
    _require_placing(staff)
    form = await request.form()
    draft = Draft.read(form)
    raw = form.get("action")
    action = raw if isinstance(raw, str) else "refresh"
    if action == "place":
        try:
            return await place_draft(request, staff, draft)
        except SwitchyardError as exc:
            paths = [e.field for e in exc.errors]
            refused = FormErrors.of(exc, field_names(paths, len(draft.lines)))
            if exc.code == "idempotency_key_reused":  # placed, then changed (Back button)
                placed = await placed_before(request, staff, draft)
                refused = FormErrors(
                    f"This order was already placed as {draft.external_id}: change it "
                    "from its page, or start a new order.",
                    exc.code,
                )
                return await _page(request, staff, draft, refused, exc.status, placed=placed)
            return await _page(request, staff, draft, refused, status=exc.status)
    errors: FormErrors | None = None
    focus = ""  # the input the agent goes on with (autofocus)
    verb, _, arg = action.partition(":")
    if verb == "add" and arg:
        index = draft.add(arg)
        focus = "f-sku_q" if index is None else f"f-line-{index}-quantity"
    elif verb == "remove" and arg.isdigit():
        draft.remove(int(arg))
        focus = "f-sku_q"
    elif verb == "new_customer":
        draft.new_customer()
        focus = "f-email"
    elif verb == "customer" and arg:
        focus = "f-sku_q"
        try:
            row, address = await run(
                request,
                staff,
                lambda uow: lookups.customer_with_address(uow, staff.principal, arg),
                read_only=True,
            )
            draft.use_customer(row, address)
        except NotFound as exc:
            errors = FormErrors.of(exc)
    return await _page(request, staff, draft, errors, focus=focus)


@router.get("/orders/new/customers")
async def customer_results(
    request: Request,
    staff: Staff,
    q: str = "",
    customer_q: str = "",
    ship_country_code: str = "",
) -> Response:
    """The customers whose email, phone or name contain ``q`` (the form's ``customer_q``)
    (customers:read, as ``GET /api/v1/customers?q=``; a location-bound user sees their
    locations' customers)."""
    require(staff, "customers:read")
    typed = (q or customer_q).strip()
    found = await run(
        request,
        staff,
        lambda uow: lookups.find_customers(uow, staff.principal, typed, ship_country_code[:2]),
        read_only=True,
    )
    return render(
        request,
        "phone_order/_customers.html",
        customer_results=found if typed else None,
        q=typed,
    )


@router.get("/orders/new/skus")
async def sku_results(
    request: Request, staff: Staff, q: str = "", sku_q: str = "", channel: str = ""
) -> Response:
    """SKUs matching ``q`` (the form's ``sku_q``) with the channel's price and live
    availability (catalog:read as ``GET /api/v1/skus?q=``; stock with inventory:read as
    ``GET /api/v1/availability``)."""
    require(staff, "catalog:read")
    typed = (q or sku_q).strip()

    def query(uow: UnitOfWork) -> dict[str, Any]:
        row = channel_row(uow, channel[:64])
        return {
            "sku_results": lookups.find_skus(uow, staff.principal, row, typed) if typed else None,
            "channel": row,
            "locale": locale_of(row),
            "location_codes": location_codes(uow),
        }

    context = await run(request, staff, query, read_only=True)
    return render(
        request,
        "phone_order/_skus.html",
        may_see_stock=allowed(staff, "inventory:read", LocationAccess.ANY),
        **context,
    )


@router.post("/orders/new/address")
async def address_check(request: Request, staff: Staff) -> Response:
    """The address and phone as order intake's rules see them, each problem beside its
    input (swapped out of band), with the promise for the new destination."""
    _require_placing(staff)
    draft = Draft.read(await request.form())

    def query(uow: UnitOfWork) -> dict[str, Any]:
        channel = channel_row(uow, draft.channel)
        address = draft.address()
        findings = lookups.address_findings(channel, draft.payload()) if channel and address else []
        return {
            "draft": draft,
            "channel": channel,
            "locale": locale_of(channel),
            "checks": checks_by_field(findings, len(draft.lines)),
            "address_state": "checked" if address else "empty",
            "promise": promise_for(uow, staff, draft, channel),
            "promise_hint": promise_hint(draft, lookups.may_promise(staff.principal)),
            "location_codes": location_codes(uow),
        }

    context = await run(request, staff, query, read_only=True)
    return render(
        request, "phone_order/_address_check.html", oob=True, slots=ADDRESS_SLOTS, **context
    )


@router.post("/orders/new/promise")
async def promise_options(request: Request, staff: Staff) -> Response:
    """Delivery and pickup options for the lines and destination typed so far
    (orders:read for any location, as ``GET /api/v1/promise``), with the lines' amounts
    for the quantities typed (swapped out of band)."""
    require(staff, "orders:read", LocationAccess.ANY)
    draft = Draft.read(await request.form())

    def query(uow: UnitOfWork) -> dict[str, Any]:
        channel = channel_row(uow, draft.channel)
        skus = [ln.sku for ln in draft.lines]
        return {
            "draft": draft,
            "amounts": True,
            "lines_info": lookups.describe_skus(uow, staff.principal, channel, skus),
            "channel": channel,
            "locale": locale_of(channel),
            "promise": promise_for(uow, staff, draft, channel),
            "promise_hint": promise_hint(draft, True),
            "location_codes": location_codes(uow),
        }

    context = await run(request, staff, query, read_only=True)
    return render(request, "phone_order/_promise.html", **context)
