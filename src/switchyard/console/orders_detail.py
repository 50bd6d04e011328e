"""``/console/orders/{id}``: one order as the API shows it to the user, in one page.

Each part is read the way its API endpoint reads it, with that endpoint's scope and
visibility: the order (orders:read, GET /orders/{id}), its timeline (GET
/orders/{id}/events, without other locations' fulfillments for a location-bound user),
payments and invoices (payments:read), the sourcing decisions (orders:read for the whole
business: GET /orders/{id}/sourcing refuses location-bound keys), the customer's emails
(GET /orders/{id}/notifications, also for the whole business) and the customer's email
opt-out (GET /customers/{id}, customers:read). The invoice PDF is
streamed by a console route with the PDF endpoint's permission.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.convertors import Convertor, register_url_convertor

from switchyard.auth.domain import LocationAccess, Principal
from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.service import tracking_url
from switchyard.channels.repository import ChannelRepository
from switchyard.console.formatting import words
from switchyard.console.orders_words import actor_words, event_words, sourcing_words
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import HEADERS, FormErrors, Staff, allowed, render, require, run
from switchyard.customers import service as customers
from switchyard.db.uow import UnitOfWork
from switchyard.events.repository import EventRepository
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.invoicing import service as invoicing
from switchyard.invoicing.pdf import render_invoice_pdf
from switchyard.invoicing.read_model import invoice_view
from switchyard.invoicing.repository import InvoiceRepository
from switchyard.kernel.errors import not_found
from switchyard.locations.repository import LocationRepository
from switchyard.notifications import service as notifications
from switchyard.orders import service, visibility
from switchyard.orders.hold_repository import HoldRepository
from switchyard.orders.read_model import full_view
from switchyard.orders.validation import HOLD_TYPES
from switchyard.payments.read_model import payment_views
from switchyard.payments.repository import PaymentRepository
from switchyard.sourcing import service as sourcing

ADDRESS = ("name", "company", "line1", "line2", "city", "region", "postal_code", "country_code")
TONES = {
    "shipped": "ok",
    "delivered": "ok",
    "partially_shipped": "ok",
    "picked_up": "ok",
    "ready_for_pickup": "ok",
    "on_hold": "warn",
    "backordered": "warn",
    "partially_allocated": "warn",
    "cancelled": "bad",
    "rejected": "bad",
}


class OrderIdConvertor(Convertor[str]):
    """Path segments that are order ids (``ord_`` and its ULID), nothing else."""

    regex = "ord_[0-9A-Za-z]{1,60}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("sy_order_id", OrderIdConvertor())
router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
ORDER_PATH = "/orders/{order_id:sy_order_id}"  # only order ids: /orders/new is not one
ORDER_PATH_FULL = "/console" + ORDER_PATH
TIMELINE_PAGE = 200
LIST_CAP = 50  # payments and invoices shown on the page (an order has a handful)
QUANTITIES = (
    "ordered",
    "allocated",
    "backordered",
    "unallocated",
    "shipped",
    "delivered",
    "cancelled",
    "returned",
)
ALWAYS = frozenset({"ordered", "allocated", "shipped", "cancelled"})  # the others when not 0


def _names(uow: UnitOfWork, location_ids: set[str]) -> dict[str, str]:
    """Location id and code → "Name" for the locations the page mentions."""
    names: dict[str, str] = {}
    repo = uow.repo(LocationRepository)
    for location_id in sorted(i for i in location_ids if i):
        row = repo.get(location_id)
        if row:
            names[row["id"]] = row["name"]
            names[row["code"]] = row["name"]
    return names


def _timeline(
    uow: UnitOfWork, principal: Principal, order_id: str, after: int | None
) -> dict[str, Any]:
    rows = uow.repo(EventRepository).for_order(
        order_id,
        after=after,
        limit=TIMELINE_PAGE + 1,
        hiding=visibility.others_fulfillments(uow, principal, order_id),
    )
    more = len(rows) > TIMELINE_PAGE
    rows = rows[:TIMELINE_PAGE]
    events = [
        {
            "seq": r["seq"],
            "type": r["type"],
            "occurred_at": r["occurred_at"],
            "data": r["data"] or {},
            "actor": {"kind": r["actor_kind"], "id": r["actor_id"], "name": r["actor_name"]},
        }
        for r in rows
    ]
    return {"events": events, "next_after": rows[-1]["seq"] if more else None}


def order_page(
    uow: UnitOfWork,
    principal: Principal,
    order_id: str,
    *,
    after: int | None,
    see_sourcing: bool,
    see_payments: bool,
    see_writes: bool = False,
    see_emails: bool = False,
    see_customer: bool = False,
) -> dict[str, Any]:
    visibility.require_order(uow, principal, order_id)
    order = service.load_order(uow, order_id)
    view = full_view(uow, order, seen_by=principal)
    channel = uow.repo(ChannelRepository).get(order.channel_id) or {}
    fulfillments = visibility.own_fulfillments(
        principal, uow.repo(FulfillmentRepository).for_order(order_id)
    )
    carriers = uow.repo(CarrierRepository).by_codes(
        sorted({p.carrier for f in fulfillments for p in f.packages if p.carrier})
    )
    timeline = _timeline(uow, principal, order_id, after)
    decisions: list[dict[str, Any]] = []
    found: dict[str, Any] = {}
    if see_sourcing:
        found = sourcing.order_sourcing(uow, order_id)
        decisions = found["decisions"]
    mentioned = {f.location_id for f in fulfillments} | {order.pickup_location_id or ""}
    for d in decisions:
        log = (d.get("decision") or {}).get("log") or {}
        mentioned |= {str(c.get("location_id")) for c in log.get("candidates") or []}
    for e in timeline["events"]:
        mentioned.add(str(e["data"].get("location_id") or ""))
        for a in e["data"].get("allocations") or []:
            if isinstance(a, dict):
                mentioned.add(str(a.get("location_id") or ""))
    names = _names(uow, mentioned)
    for e in timeline["events"]:
        e["what"] = event_words(e, names)
        e["who"] = actor_words(e)
    payments: list[dict[str, Any]] = []
    invoices: list[dict[str, Any]] = []
    if see_payments:
        payments = payment_views(
            uow, uow.repo(PaymentRepository).for_order(order_id, limit=LIST_CAP)
        )
        invoices = [
            invoice_view(i) for i in uow.repo(InvoiceRepository).for_order(order_id, limit=LIST_CAP)
        ]
    return {
        "order": view,
        "channel": channel,
        "locale": ((channel.get("settings") or {}).get("locale")) or None,
        "names": names,
        "fulfillments": [
            {
                "id": f.id,
                "location": names.get(f.location_id, f.location_id),
                "status": f.status,
                "delivery_method": f.delivery_method,
                "promised_delivery": f.promised_delivery,
                "units": sum(ln.quantity for ln in f.lines),
                "packages": [
                    {
                        "number": p.number,
                        "carrier": (carriers.get(p.carrier or "") or {}).get("name") or p.carrier,
                        "tracking_number": p.tracking_number,
                        "tracking_url": tracking_url(
                            carriers.get(p.carrier or ""), p.tracking_number
                        ),
                        "status": p.status,
                        "estimated_delivery": p.estimated_delivery,
                    }
                    for p in f.packages
                ],
            }
            for f in fulfillments
        ],
        "holds": uow.repo(HoldRepository).for_order(order_id),
        "pickup_options": _pickup_options(uow) if see_writes else [],
        "sourcing": [sourcing_words(d, names) for d in reversed(decisions)],
        "promise": found.get("promise"),
        "timeline": timeline,
        "payments": payments,
        "invoices": invoices,
        "pickup_name": names.get(order.pickup_location_id or "", order.pickup_location_id),
        # GET /orders/{id}/notifications (orders:read for the whole business)
        "emails": notifications.for_order(uow, order_id) if see_emails else [],
        # GET /customers/{id} (customers:read): the email opt-out in the customer box
        "customer": _customer(uow, principal, order.customer_id) if see_customer else None,
    }


def _customer(uow: UnitOfWork, principal: Principal, customer_id: str | None) -> Any:
    if customer_id is None:
        return None
    row = customers.get_customer(uow, customer_id)
    visibility.require_customer(uow, principal, customer_id)
    return row


def _pickup_options(uow: UnitOfWork) -> list[tuple[str, str]]:
    """The active locations offering pickup (a network has tens to hundreds)."""
    return [
        (loc["id"], f"{loc['name']} ({loc['code']})")
        for loc in uow.repo(LocationRepository).all_active()
        if "pickup" in (loc["capabilities"] or [])
    ]


def _after(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 19 else None


async def show(
    request: Request,
    staff: Staff,
    order_id: str,
    *,
    errors: dict[str, FormErrors] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    """The page; ``errors`` / ``values``: a refused action's form (by action name) with
    what was typed, shown beside its fields."""
    require(staff, "orders:read")
    see_sourcing = allowed(staff, "orders:read", LocationAccess.UNRESTRICTED)
    see_payments = allowed(staff, "payments:read")
    after = _after(request.query_params.get("after"))
    can_write = allowed(staff, "orders:write")
    see_emails = allowed(staff, "orders:read", LocationAccess.UNRESTRICTED)
    see_customer = allowed(staff, "customers:read")
    page = await run(
        request,
        staff,
        lambda uow: order_page(
            uow,
            staff.principal,
            order_id,
            after=after,
            see_sourcing=see_sourcing,
            see_payments=see_payments,
            see_writes=can_write,
            see_emails=see_emails,
            see_customer=see_customer,
        ),
        read_only=True,
    )
    active = [h for h in page["holds"] if h.active]
    return render(
        request,
        "orders/detail.html",
        status=status,
        **page,
        see_sourcing=see_sourcing,
        see_payments=see_payments,
        can_write=can_write,
        see_emails=see_emails,
        can_resend=allowed(staff, "orders:write", LocationAccess.UNRESTRICTED),
        can_opt_out=allowed(staff, "customers:write"),
        restricted=staff.principal.restricted,
        tones=TONES,
        active_holds=active,
        released_holds=[h for h in page["holds"] if not h.active],
        release_options=[("", "All holds")]
        + [(h.id, f"{words(h.type)}: {h.reason[:60]}") for h in active],
        hold_type_options=[(t, words(t)) for t in HOLD_TYPES],
        address_fields=ADDRESS,
        promised_delivery=max(
            (f["promised_delivery"] for f in page["fulfillments"] if f["promised_delivery"]),
            default=None,
        ),
        quantities=[
            q
            for q in QUANTITIES
            if q in ALWAYS or any(ln["quantities"].get(q) for ln in page["order"]["lines"])
        ],
        errors=errors or {},
        values=values or {},
        flash=request.query_params.get("done", "")[:200],
    )


@router.get(ORDER_PATH)
async def order_detail(request: Request, staff: Staff, order_id: str) -> Response:
    return await show(request, staff, order_id)


@router.get(ORDER_PATH + "/invoices/{invoice_ref}.pdf")
async def invoice_pdf(request: Request, staff: Staff, order_id: str, invoice_ref: str) -> Response:
    """The PDF GET /api/v1/invoices/{ref}.pdf serves, with that endpoint's permission
    (payments:read; a location-bound user only their orders' invoices)."""
    require(staff, "payments:read")
    principal = staff.principal

    def query(uow: UnitOfWork) -> tuple[bytes, str]:
        invoice = invoicing.get_invoice(uow, invoice_ref[:100])
        if invoice.order_id != order_id:
            raise not_found("invoice", invoice_ref)
        visibility.require_order(uow, principal, invoice.order_id, "invoice", invoice_ref)
        view = invoice_view(invoice)
        return render_invoice_pdf(view), str(view["number"])

    pdf, number = await run(request, staff, query, read_only=True)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={**HEADERS, "Content-Disposition": f'inline; filename="{number}.pdf"'},
    )
