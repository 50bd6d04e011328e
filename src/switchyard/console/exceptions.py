"""``/console/exceptions``: the exception queue, and releasing or cancelling held orders
in bulk.

The queue is ``GET /api/v1/exceptions`` for a person: the same scope (``orders:read``,
a user bound to locations sees their locations' orders), the same use case
(``holds.queue``), filters (hold type, channel, age) and cursor. Bulk release and bulk
cancel need what ``POST /orders/{id}/holds/release`` and ``POST /orders/{id}/cancel``
need (``orders:write``, not bound to locations) and run those use cases once per order,
each in its own transaction, against the version the page showed: what one order
refuses (changed meanwhile, already released) is reported beside it and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from switchyard.api.pagination import decode_cursor, encode_cursor
from switchyard.channels.repository import ChannelRepository
from switchyard.console import formatting
from switchyard.console.routing import ConsoleRoute
from switchyard.console.web import FormErrors, Staff, allowed, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, SwitchyardError, ValidationFailed
from switchyard.orders import holds, service
from switchyard.orders.holds_domain import SYSTEM_HOLD_TYPES, check_hold_type
from switchyard.orders.validation import HOLD_TYPES

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

PAGE_SIZE = 50
MAX_BULK = 200
MAX_NOTE, MAX_CANCEL_REASON = 2000, 500
AGES = (
    ("", "Any age"),
    ("60", "Older than 1 hour"),
    ("240", "Older than 4 hours"),
    ("1440", "Older than 1 day"),
    ("4320", "Older than 3 days"),
)
REASONS = [
    ("", "Any reason"),
    *((t, formatting.words(t)) for t in (*HOLD_TYPES, *SYSTEM_HOLD_TYPES)),
]


@dataclass
class Filters:
    reason: str = ""
    channel: str = ""
    age: str = ""
    cursor: str = ""

    def query(self, **over: str) -> str:
        values = {"reason": self.reason, "channel": self.channel, "age": self.age} | over
        return urlencode({k: v for k, v in values.items() if v})


@dataclass
class Outcome:
    order_id: str
    ok: bool
    message: str
    code: str = ""


def _filters(params: Any) -> Filters:
    def text(name: str) -> str:
        value = params.get(name)
        return value.strip()[:200] if isinstance(value, str) else ""

    return Filters(text("reason"), text("channel"), text("age"), text("cursor"))


def _criteria(f: Filters, now: datetime) -> tuple[datetime | None, tuple[datetime, str] | None]:
    """The filters as the queue's use case takes them; a bad value is a field error."""
    if f.reason:
        check_hold_type(f.reason, "reason", system=True)
    held_before = None
    if f.age:
        try:
            minutes = int(f.age)
            if not 0 <= minutes <= 10_000_000:
                raise ValueError(minutes)
        except ValueError as exc:
            raise ValidationFailed(
                "invalid_age",
                "the age is not a number of minutes",
                [FieldError("age", "invalid_age", "choose an age from the list")],
            ) from exc
        held_before = now - timedelta(minutes=minutes) if minutes else None
    after = None
    if f.cursor:
        values = decode_cursor(f.cursor)
        try:
            assert values is not None
            since = datetime.fromisoformat(values[0])
            if since.tzinfo is None:
                raise ValueError("naive time")
            after = (since, str(values[1]))
        except (AssertionError, IndexError, TypeError, ValueError) as exc:
            raise ValidationFailed(
                "invalid_cursor",
                "the page link is not one this console made",
                [FieldError("cursor", "invalid_cursor", "start again from the first page")],
            ) from exc
    return held_before, after


def _queue(
    uow: UnitOfWork,
    f: Filters,
    visible_at: frozenset[str] | None,
    held_before: datetime | None,
    after: tuple[datetime, str] | None,
    now: datetime,
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], bool]:
    channels = uow.repo(ChannelRepository)
    channel_id = None
    if f.channel:
        found = channels.get(f.channel)
        if found is None:
            raise ValidationFailed(
                "channel_not_found",
                f"there is no channel '{f.channel}'",
                [FieldError("channel", "channel_not_found", "no channel has this code")],
            )
        channel_id = found["id"]
    found_orders = holds.queue(
        uow,
        hold_type=f.reason or None,
        channel_id=channel_id,
        held_before=held_before,
        after=after,
        limit=PAGE_SIZE,
        visible_at=visible_at,
    )
    items = [holds.exception_view(o, hs, now) for o, hs in found_orders]
    names: dict[str, dict[str, Any]] = {}
    for item in items:
        cid = item["channel_id"]
        if cid not in names:
            names[cid] = channels.get(cid) or {"code": cid, "name": cid}
    more = len(items) > PAGE_SIZE
    return items[:PAGE_SIZE], names, more


def age_words(seconds: int) -> str:
    minutes = max(seconds, 0) // 60
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min" if hours < 4 else f"{hours} h"
    return f"{hours // 24} days"


async def _page(
    request: Request,
    staff: Staff,
    f: Filters,
    *,
    results: list[Outcome] | None = None,
    errors: FormErrors | None = None,
    bulk_errors: FormErrors | None = None,
    note: str = "",
    status: int = 200,
) -> Response:
    require(staff, "orders:read")
    now = utcnow()
    items: list[dict[str, Any]] = []
    names: dict[str, dict[str, Any]] = {}
    next_url = ""
    try:
        held_before, after = _criteria(f, now)
        visible = staff.principal.location_ids
        items, names, more = await run(
            request,
            staff,
            lambda uow: _queue(uow, f, visible, held_before, after, now),
            read_only=True,
        )
        if more:
            last = items[-1]
            cursor = encode_cursor([last["held_since"].isoformat(), last["order_id"]])
            next_url = "/console/exceptions?" + f.query(cursor=cursor)
    except SwitchyardError as exc:
        errors = FormErrors.of(exc, {"query.hold_type": "reason", "query.cursor": "cursor"})
        status = exc.status
    return render(
        request,
        "exceptions/queue.html",
        status=status,
        f=f,
        items=items,
        channels=names,
        next_url=next_url,
        first_url="/console/exceptions?" + f.query() if f.cursor else "",
        reasons=REASONS,
        ages=AGES,
        errors=errors,
        bulk_errors=bulk_errors,
        results=results or [],
        note=note,
        can_act=allowed(staff, "orders:write"),
        age_words=age_words,
        back=f.query(cursor=f.cursor),
        max_note=MAX_NOTE,
    )


@router.get("/exceptions")
async def exception_queue(request: Request, staff: Staff) -> Response:
    return await _page(request, staff, _filters(request.query_params))


def _selection(values: list[Any]) -> list[tuple[str, int | None]]:
    picked: list[tuple[str, int | None]] = []
    for value in values:
        if not isinstance(value, str):
            continue
        order_id, _, version = value.strip().partition("@")
        if not order_id or len(order_id) > 40:
            continue
        try:
            picked.append((order_id, int(version) if version else None))
        except ValueError:
            picked.append((order_id, None))
    return list(dict.fromkeys(picked))


def _bulk_error(message: str, field: str, code: str) -> FormErrors:
    return FormErrors.of(ValidationFailed(code, message, [FieldError(field, code, message)]))


@router.post("/exceptions/bulk")
async def bulk_action(request: Request, staff: Staff) -> Response:
    """Release or cancel the ticked orders, each on its own, with the note."""
    require(staff, "orders:write")
    form = await request.form()
    f = _filters(form)
    action = form.get("action")
    raw_note = form.get("note")
    note = raw_note.strip() if isinstance(raw_note, str) else ""
    picked = _selection(form.getlist("order"))
    problem = None
    if action not in ("release", "cancel"):
        problem = _bulk_error("Choose release or cancel.", "action", "invalid_action")
    elif not picked:
        problem = _bulk_error("Tick at least one order.", "order", "nothing_selected")
    elif len(picked) > MAX_BULK:
        problem = _bulk_error(f"At most {MAX_BULK} orders at a time.", "order", "too_many")
    elif action == "release" and not note:
        problem = _bulk_error("Say why the orders may go ahead.", "note", "note_required")
    elif len(note) > (MAX_NOTE if action == "release" else MAX_CANCEL_REASON):
        limit = MAX_NOTE if action == "release" else MAX_CANCEL_REASON
        problem = _bulk_error(f"At most {limit} characters.", "note", "note_too_long")
    if problem is not None:
        return await _page(request, staff, f, bulk_errors=problem, note=note, status=422)
    results = [await _act(request, staff, str(action), oid, v, note) for oid, v in picked]
    return await _page(request, staff, f, results=results)


async def _act(
    request: Request, staff: Staff, action: str, order_id: str, version: int | None, note: str
) -> Outcome:
    def release(uow: UnitOfWork) -> str:
        return holds.release_holds(uow, order_id, None, note, version).status

    def cancel(uow: UnitOfWork) -> str:
        return service.cancel_order(uow, order_id, version, note or None).status

    if version is None:
        return Outcome(
            order_id, False, "The selection is not one this page made.", "invalid_selection"
        )
    try:
        status = await run(request, staff, release if action == "release" else cancel)
    except SwitchyardError as exc:
        return Outcome(order_id, False, formatting.error_sentence(exc), exc.code)
    done = "Released" if action == "release" else "Cancelled"
    return Outcome(order_id, True, f"{done}; the order is now {formatting.words(status).lower()}.")
