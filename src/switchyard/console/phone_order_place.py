"""Placing the phone order: the body the form became, through the same use case and
the same Idempotency-Key machinery as ``POST /api/v1/orders``
(``orders.endpoints.place_order``): ``api.idempotency.create`` with the key the form was
rendered with, so a double click, a retry or a reload after a timeout places one order.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from switchyard.api import idempotency
from switchyard.console.phone_order_form import Draft
from switchyard.console.web import Staff, redirect, run
from switchyard.db.uow import Database, UnitOfWork
from switchyard.kernel.errors import Conflict
from switchyard.orders import service
from switchyard.orders.read_model import full_view
from switchyard.orders.repository import OrderRepository
from switchyard.orders.schemas import OrderCreate, OrderCreated
from switchyard.placement import place

WAIT_FOR_FIRST_CLICK = 40  # x 0.25 s: a double click's second post waits for the first


def _keyed(request: Request, key: str) -> Request:
    """The request as the API's idempotency machinery reads it: with the form's key as
    its Idempotency-Key header (and no staff header: the signed-in user acts)."""
    headers = [
        (k, v)
        for k, v in request.scope["headers"]
        if k not in (idempotency.HEADER.encode(), b"x-switchyard-user")
    ]
    scope = dict(request.scope, headers=[*headers, (idempotency.HEADER.encode(), key.encode())])
    return Request(scope)


def _placed_message(created: dict[str, Any]) -> str:
    """The flash on the order's page (it shows 200 characters)."""
    name = f"Order {created['external_id']}"
    if created.get("status") != "on_hold":
        return f"{name} was placed."
    why = "; ".join(h.get("reason") or h.get("type", "") for h in created.get("holds", []))
    text = f"{name} was placed and is on hold until someone releases it"
    room = 196 - len(text)
    if why and room > 10:
        text += ": " + (why if len(why) <= room else why[: room - 1] + "…")
    return text + "."


async def place_draft(request: Request, staff: Staff, draft: Draft) -> Response:
    """Place the order the form describes; its page (with a flash) on success."""
    cmd = draft.order()
    db: Database = request.app.state.db
    keyed = _keyed(request, draft.key)

    def use_case(uow: UnitOfWork) -> OrderCreated:  # as orders.endpoints.place_order
        order = place.place_order(uow, cmd)
        view = full_view(uow, order, placed_now=True)
        return OrderCreated(**view, tracking_token=order.tracking_token)

    created = await _create(keyed, db, staff, cmd, use_case)
    url = f"/console/orders/{quote(created['id'])}?done={quote(_placed_message(created))}"
    return redirect(request, url)


async def _create(
    keyed: Request, db: Database, staff: Staff, cmd: OrderCreate, use_case: Any
) -> dict[str, Any]:
    """``idempotency.create`` for the form's key; a second click while the first is
    still placing waits for it and answers with the same order."""
    for attempt in range(WAIT_FOR_FIRST_CLICK + 1):
        try:
            response = await run_in_threadpool(
                idempotency.create, keyed, db, staff.principal, cmd, use_case
            )
        except Conflict as exc:
            if exc.code == "order_exists" and exc.extra.get("order_id"):
                return await _existing(keyed, staff, str(exc.extra["order_id"]))
            if exc.code != "idempotency_key_in_progress" or attempt == WAIT_FOR_FIRST_CLICK:
                raise
            await asyncio.sleep(0.25)
            continue
        created: dict[str, Any] = json.loads(bytes(response.body))
        return created
    raise AssertionError("unreachable")


async def _existing(request: Request, staff: Staff, order_id: str) -> dict[str, Any]:
    """The order this form already placed (its external id is the form's key)."""

    def query(uow: UnitOfWork) -> dict[str, Any]:
        return full_view(uow, service.load_order(uow, order_id))

    view: dict[str, Any] = await run(request, staff, query, read_only=True)
    return view


async def placed_before(request: Request, staff: Staff, draft: Draft) -> str | None:
    """The id of the order this form's key already placed (its external id), if any."""

    def query(uow: UnitOfWork) -> str | None:
        channel = service.channel_by_ref(uow, draft.channel)
        found: str | None = uow.repo(OrderRepository).id_by_external(
            channel["id"], draft.external_id
        )
        return found

    found: str | None = await run(request, staff, query, read_only=True)
    return found
