"""What the workbench pages show: a location's queue and one fulfillment with its lines,
storage slots and the actions its state allows; and the parsing of what a person types.

Reads go through the API's own use cases and visibility checks (``allowed_locations``,
``service.get_fulfillment``), so a user restricted to Berlin sees Berlin's work only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from switchyard.api.pagination import decode_cursor, encode_cursor
from switchyard.auth.domain import Principal
from switchyard.catalog.repository import SkuRepository
from switchyard.console.settings_secrets import PARAM, shown
from switchyard.console.web import FormErrors, Staff, allowed, is_htmx, render, run
from switchyard.db.uow import UnitOfWork
from switchyard.events.repository import EventRepository
from switchyard.fulfillment import service
from switchyard.fulfillment.release import allowed_locations
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.fulfillment.schemas import FulfillmentRead
from switchyard.fulfillment.status import PICKUP, Status
from switchyard.fulfillment.views import present
from switchyard.fulfillment.work_repository import WorkRepository
from switchyard.fulfillment.workbench_reads import WorkbenchReads
from switchyard.kernel.errors import (
    FieldError,
    Forbidden,
    NotFound,
    SwitchyardError,
    ValidationFailed,
)
from switchyard.locations.repository import LocationRepository
from switchyard.orders.repository import OrderRepository

S = Status
# The queue's tabs: the status and what the people at the location do next.
QUEUES: tuple[tuple[str, str], ...] = (
    (S.CREATED, "To release"),
    (S.RELEASED, "To accept"),
    (S.ACCEPTED, "To pick"),
    (S.PICKING, "Picking"),
    (S.PICKED, "Picked"),
    (S.PACKED, "To ship"),
    (S.READY_FOR_PICKUP, "Ready for pickup"),
)
QUEUE_STATUSES = tuple(s for s, _ in QUEUES)
QUEUE_PAGE = 25
COUNT_CAP = 100
CHOOSER_LIMIT = 100  # locations offered to an unrestricted user (any other can be typed)
_ULID = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")  # no database stores these

# What a finished action says (the query's ``done`` names one; nothing else is shown).
DONE = {
    "released": "Released to the location.",
    "accepted": "Accepted: it is yours to pick.",
    "rejected": "Rejected: the units go back to sourcing, which will not choose this location.",
    "scanned": "Scanned.",
    "picked": "Pick confirmed.",
    "short_picked": "Short pick reported: the missing units go back to sourcing.",
    "packed": "Packed.",
    "labelled": "Label bought: print it and stick it on the package.",
    "shipped": "Shipped.",
    "ready": "Ready for pickup: the customer gets the pickup code to collect it with.",
    "handed_over": "Handed over to the customer.",
    "wave": "Wave created: its pick list is below.",
}


def created_at(ident: str) -> datetime | None:
    """When a row was made, read from its time-sortable id (``ful_01JB...``)."""
    _, _, body = ident.partition("_")
    try:
        millis = 0
        for char in body[:10]:
            millis = millis * 32 + _ULID.index(char)
        return datetime.fromtimestamp(millis / 1000, UTC) if len(body) >= 10 else None
    except (ValueError, OverflowError, OSError):
        return None


def status_words(status: str) -> str:
    return {
        S.CREATED: "Waiting for release",
        S.RELEASED: "To accept",
        S.ACCEPTED: "Accepted, to pick",
        S.PICKING: "Picking",
        S.PICKED: "Picked",
        S.PACKED: "Packed",
        S.SHIPPED: "Shipped",
        S.DELIVERED: "Delivered",
        S.AT_STORE: "At the pickup store",
        S.READY_FOR_PICKUP: "Ready for pickup",
        S.PICKED_UP: "Collected",
        S.CANCELLED: "Cancelled",
    }.get(status, status.replace("_", " ").capitalize())


# -- parsing what a person typed -------------------------------------------------------
class Parsed:
    """Form values read one by one; each bad one becomes a field error, never a 500."""

    def __init__(self, form: FormData) -> None:
        self.form = form
        self.errors: list[FieldError] = []

    def text(self, name: str, *, max_length: int, required: str = "") -> str | None:
        raw = self.form.get(name)
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            if required:
                self.errors.append(FieldError(name, "required", required))
            return None
        if _BAD_TEXT.search(value):
            self.errors.append(FieldError(name, "invalid_text", "remove the control characters"))
            return None
        if len(value) > max_length:
            self.errors.append(
                FieldError(name, "too_long", f"at most {max_length} characters, please")
            )
            return None
        return value

    def whole(
        self, name: str, *, low: int, high: int, default: int | None = None, required: str = ""
    ) -> int | None:
        raw = self.form.get(name)
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            if required:
                self.errors.append(FieldError(name, "required", required))
            return default
        try:
            number = int(value)
        except ValueError:
            self.errors.append(FieldError(name, "not_a_number", "enter a whole number"))
            return None
        if not low <= number <= high:
            self.errors.append(FieldError(name, "out_of_range", f"enter {low} to {high}"))
            return None
        return number

    def version(self) -> int | None:
        """The version the page showed (a stale page gets 412, never a blind change)."""
        raw = self.form.get("version")
        try:
            return int(raw) if isinstance(raw, str) and raw.strip() else None
        except ValueError:
            return None

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(
                "invalid_form", "some values need correcting: see the fields", self.errors
            )


# -- the queue -------------------------------------------------------------------------
@dataclass
class Queue:
    location: dict[str, Any] | None
    status: str
    items: list[FulfillmentRead] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    next_cursor: str | None = None


def choosable_locations(uow: UnitOfWork, principal: Principal) -> list[dict[str, Any]]:
    """The user's locations; for an unrestricted user the first active ones."""
    repo = uow.repo(LocationRepository)
    if principal.location_ids is not None:
        found = [repo.get(lid) for lid in sorted(principal.location_ids)]
        return sorted((r for r in found if r), key=lambda r: r["name"])
    rows = repo.page(type_=None, active=True, after_id=None, limit=CHOOSER_LIMIT)
    return rows[:CHOOSER_LIMIT]


def chooser(choices: list[dict[str, Any]], action: str, status: str = "") -> dict[str, Any]:
    """The location chooser's context (``_chooser.html``)."""
    options = [("", "Choose a location")] + [
        (c["code"], f"{c['name']} ({c['code']})") for c in choices
    ]
    return {"location_options": options, "chooser_action": action, "keep_status": status}


def load_queue(
    uow: UnitOfWork, principal: Principal, location: str, status: str, cursor: str | None
) -> Queue:
    """The location's fulfillments in one status, oldest first (the API's list)."""
    (location_id,) = allowed_locations(uow, principal, location) or [location]
    row = uow.repo(LocationRepository).get(location_id)
    after = decode_cursor(cursor)
    after_id = after[0] if after and isinstance(after[0], str) else None
    rows = uow.repo(FulfillmentRepository).page(
        location_ids=[location_id],
        status=status,
        order_id=None,
        after_id=after_id,
        limit=QUEUE_PAGE,
    )
    sizes = uow.repo(WorkbenchReads).queue_sizes(location_id, QUEUE_STATUSES, COUNT_CAP + 1)
    more = len(rows) > QUEUE_PAGE
    rows = rows[:QUEUE_PAGE]
    return Queue(
        location=row,
        status=status,
        items=present(uow, rows),
        sizes=sizes,
        next_cursor=encode_cursor([rows[-1].id]) if more and rows else None,
    )


# -- one fulfillment -------------------------------------------------------------------
@dataclass
class Detail:
    f: FulfillmentRead
    location: dict[str, Any]
    slots: dict[str, tuple[str, str]]
    barcodes: dict[str, str | None]
    customer_name: str | None
    on_hold: bool
    created: datetime | None
    actions: set[str] = field(default_factory=set)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def todo(self) -> set[str]:
        """The actions that move it on (printing the slip does not)."""
        return self.actions - {"slip"}


def actions_for(f: FulfillmentRead) -> set[str]:
    """What the people at the location can do next (the use case still decides)."""
    status, pickup = f.status, f.delivery_method == PICKUP
    found: set[str] = {"slip"} if status != S.CANCELLED else set()
    if status == S.CREATED:
        found |= {"release", "accept"}
    if status == S.RELEASED:
        found |= {"accept", "reject"}
    if status in (S.ACCEPTED, S.PICKING):
        found |= {"pick", "reject"}
    if status == S.PICKED and not pickup:
        found.add("pack")
    if status == S.PACKED and not pickup:
        unlabelled = [p for p in f.packages if not p.tracking_number]
        found |= {"label", "ship"} if unlabelled else {"ship"}
    if pickup and status in (S.PICKED, S.PACKED):
        found.add("ready")
    if f.purpose == "ship_to_store" and status in (S.SHIPPED, S.AT_STORE):
        found.add("ready")
    if status == S.READY_FOR_PICKUP:
        found.add("hand_over")
    return found


def load_detail(uow: UnitOfWork, principal: Principal, fulfillment_id: str) -> Detail:
    f = service.get_fulfillment(uow, principal, fulfillment_id)
    (read,) = present(uow, [f])
    sku_ids = [ln.sku_id for ln in f.lines]
    skus = uow.repo(SkuRepository).by_refs(sku_ids)
    order = uow.repo(OrderRepository).get(f.order_id)
    return Detail(
        f=read,
        location=uow.repo(LocationRepository).get(f.location_id) or {"name": f.location_id},
        slots=uow.repo(WorkRepository).slots(f.location_id, sku_ids),
        barcodes={k: v.get("barcode") for k, v in skus.items()},
        customer_name=order.customer_name if order else None,
        on_hold=bool(order and order.on_hold),
        created=created_at(f.id),
        actions=actions_for(read),
        history=_history(uow, f.order_id, {f.id} | {p.id for p in f.packages}),
    )


HISTORY_LIMIT = 500  # events of the order looked at (an order has dozens)


def _history(uow: UnitOfWork, order_id: str, mine: set[str]) -> list[dict[str, Any]]:
    """This fulfillment's changes, newest first: when, what, who (as the API's timeline)."""
    rows = uow.repo(EventRepository).for_order(order_id, after=None, limit=HISTORY_LIMIT)
    return [
        {
            "at": r["occurred_at"],
            "what": r["type"].removeprefix("fulfillment.").removeprefix("package."),
            "who": r["actor_name"] or r["actor_kind"],
            "kind": r["actor_kind"],
        }
        for r in reversed(rows)
        if r["aggregate_id"] in mine
    ]


async def detail_page(
    request: Request,
    staff: Staff,
    fulfillment_id: str,
    *,
    errors: FormErrors | None = None,
    failed: str = "",
    values: dict[str, Any] | None = None,
    done: str = "",
    status: int = 200,
    pickup_code: str | None = None,
) -> HTMLResponse:
    """The fulfillment page; after a refused action, its error beside that action's form.
    ``pickup_code``: the code the ready-for-pickup answer carries (as the API's does), or
    after its redirect the one kept for this page once (``?shown=``, ``staff.stash``)."""
    if pickup_code is None and PARAM in request.query_params:
        kept = await shown(request, staff, pickup_kind(fulfillment_id))
        pickup_code = kept.get("pickup_code")
    detail = await run(
        request,
        staff,
        lambda uow: load_detail(uow, staff.principal, fulfillment_id),
        read_only=True,
    )
    # A refusal whose form the fulfillment's state no longer shows is said at the top.
    home = {"scan": "pick", "short_pick": "pick"}.get(failed, failed)
    top_error = errors if errors and home not in detail.actions else None
    return render(
        request,
        "workbench/fulfillment.html",
        top_error=top_error,
        status=status,
        d=detail,
        f=detail.f,
        base=f"/console/workbench/fulfillments/{detail.f.id}",
        errors=errors,
        failed=failed,
        values=values or {},
        done=DONE.get(done, ""),
        can_act=allowed(staff, "fulfillment:write"),
        htmx=is_htmx(request),
        status_words=status_words,
        pickup_code=pickup_code,
    )


def pickup_kind(fulfillment_id: str) -> str:
    """What the one-time stash keeps a fulfillment's new pickup code as."""
    return f"pickup_code:{fulfillment_id[:60]}"


def refused(exc: SwitchyardError) -> bool:
    """Whether an error is the form's to show (else the route shows it as a page)."""
    return not isinstance(exc, Forbidden | NotFound)
