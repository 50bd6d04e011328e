"""``/console/settings/webhooks``: endpoints (subscriptions), the deliveries of an endpoint
with their attempts, and a manual retry (``/api/v1/webhooks``, scope ``webhooks:write``).
A signing secret is shown once, when the endpoint is created or its secret rotated, on the
page the POST's 303 leads to (from the one-time stash, ``settings_secrets``): a reload
shows it no more and makes no second endpoint or secret."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from switchyard.console import settings_secrets
from switchyard.console.routing import ConsoleRoute
from switchyard.console.settings_forms import (
    PAGE_SIZE,
    after_id,
    checked,
    flash,
    listing,
    optional,
    parse,
    text,
    version,
    words_list,
)
from switchyard.console.web import FormErrors, Staff, redirect, render, require, run
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.webhooks import service
from switchyard.webhooks.domain import STATUSES
from switchyard.webhooks.repository import DeliveryRepository, EndpointRepository
from switchyard.webhooks.schemas import (
    SecretRotate,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)
SCOPE = "webhooks:write"  # every webhook route of the API, reads included
SECRETS = ("secret", "previous_secret")
CREATED = "webhook_endpoint"  # the stash's kind of a new endpoint's secret


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in SECRETS}


def _typed(form: FormData) -> dict[str, Any]:
    return {
        "url": text(form, "url", 2100),
        "description": text(form, "description", 600),
        "event_types": text(form, "event_types", 5000),
        "channel_ids": text(form, "channel_ids", 5000),
        "enabled": checked(form, "enabled"),
    }


def _body(form: FormData) -> dict[str, Any]:
    return {
        "url": text(form, "url", 2100),
        "description": optional(form, "description", 600),
        "event_types": words_list(form, "event_types"),
        "channel_ids": words_list(form, "channel_ids"),
        "enabled": checked(form, "enabled"),
    }


async def _list_page(request: Request, staff: Staff, status: int = 200, **context: Any) -> Response:
    after = after_id(request)
    rows = await run(
        request,
        staff,
        lambda uow: uow.repo(EndpointRepository).page(
            enabled=None, after_id=after, limit=PAGE_SIZE + 1
        ),
        read_only=True,
    )
    context.setdefault("values", {"enabled": True, "event_types": "order.*"})
    return render(
        request,
        "settings/webhooks.html",
        status=status,
        endpoints=listing([_public(r) for r in rows]),
        flash=flash(request),
        **context,
    )


@router.get("/settings/webhooks")
async def endpoints(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    once = await settings_secrets.shown(request, staff, CREATED)
    if "secret" in once:
        return await _list_page(request, staff, created=once, secret=once["secret"])
    return await _list_page(request, staff, gone=bool(once.get("gone")))


@router.post("/settings/webhooks")
async def create(request: Request, staff: Staff) -> Response:
    require(staff, SCOPE)
    form = await request.form()

    def use_case(uow: UnitOfWork) -> str:
        body = parse(WebhookEndpointCreate, _body(form))
        row = service.create_endpoint(uow, body.model_dump())
        shown = {"id": row["id"], "url": row["url"], "secret": row["secret"]}
        return settings_secrets.keep(uow, staff, CREATED, shown)

    try:
        query = await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _list_page(
            request, staff, exc.status, values=_typed(form), errors=FormErrors.of(exc)
        )
    return redirect(request, f"/console/settings/webhooks?{query}")


def _endpoint(uow: UnitOfWork, endpoint_id: str, status: str, after: str | None) -> dict[str, Any]:
    row = _public(service.get_endpoint(uow, endpoint_id))
    deliveries = uow.repo(DeliveryRepository).page(
        endpoint_id=row["id"],
        status=status or None,
        event_type=None,
        order_id=None,
        after_id=after,
        limit=PAGE_SIZE + 1,
    )
    return {"endpoint": row, "deliveries": listing(deliveries)}


async def _endpoint_page(
    request: Request,
    staff: Staff,
    endpoint_id: str,
    status_code: int = 200,
    **context: Any,
) -> Response:
    status = text(request.query_params, "status", 20)
    status = status if status in STATUSES else ""
    after = after_id(request)
    data = await run(
        request, staff, lambda uow: _endpoint(uow, endpoint_id, status, after), read_only=True
    )
    row = data["endpoint"]
    context.setdefault(
        "values",
        {
            "url": row["url"],
            "description": row["description"] or "",
            "event_types": ", ".join(row["event_types"]),
            "channel_ids": ", ".join(row["channel_ids"]),
            "enabled": row["enabled"],
        },
    )
    return render(
        request,
        "settings/webhook.html",
        status=status_code,
        statuses=STATUSES,
        status_filter=status,
        here=f"/console/settings/webhooks/{row['id']}?" + urlencode({"status": status}),
        flash=flash(request),
        **data,
        **context,
    )


@router.get("/settings/webhooks/{endpoint_id}")
async def endpoint(request: Request, staff: Staff, endpoint_id: str) -> Response:
    require(staff, SCOPE)
    once = await settings_secrets.shown(request, staff, _rotated(endpoint_id))
    if "secret" in once:
        return await _endpoint_page(request, staff, endpoint_id, secret=once["secret"])
    return await _endpoint_page(request, staff, endpoint_id, gone=bool(once.get("gone")))


def _rotated(endpoint_id: str) -> str:
    """The stash's kind of a new secret of this endpoint (only its page shows it)."""
    return f"webhook_secret:{endpoint_id[:60]}"


@router.post("/settings/webhooks/{endpoint_id}")
async def change(request: Request, staff: Staff, endpoint_id: str) -> Response:
    require(staff, SCOPE)
    form = await request.form()

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        body = parse(WebhookEndpointUpdate, {**_body(form), "version": version(form)})
        changes = body.model_dump(exclude_unset=True, exclude={"version"})
        return service.update_endpoint(uow, endpoint_id, changes, body.version)

    try:
        await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _endpoint_page(
            request, staff, endpoint_id, exc.status, values=_typed(form), errors=FormErrors.of(exc)
        )
    return redirect(request, f"/console/settings/webhooks/{endpoint_id}?done=saved")


@router.post("/settings/webhooks/{endpoint_id}/rotate-secret")
async def rotate(request: Request, staff: Staff, endpoint_id: str) -> Response:
    """A new signing secret, shown this once; the old one signs too for a while."""
    require(staff, SCOPE)
    form = await request.form()

    def use_case(uow: UnitOfWork) -> str:
        hours = text(form, "keep_previous_hours", 10) or "24"
        seconds = int(float(hours) * 3600) if hours.replace(".", "", 1).isdigit() else hours
        options = parse(SecretRotate, {"keep_previous_seconds": seconds})
        row = service.rotate_secret(uow, endpoint_id, options.keep_previous_seconds)
        return settings_secrets.keep(uow, staff, _rotated(row["id"]), {"secret": row["secret"]})

    try:
        query = await run(request, staff, use_case)
    except SwitchyardError as exc:
        return await _endpoint_page(
            request,
            staff,
            endpoint_id,
            exc.status,
            rotate_errors=FormErrors.of(exc, {"keep_previous_seconds": "keep_previous_hours"}),
        )
    return redirect(request, f"/console/settings/webhooks/{quote(endpoint_id)}?{query}")


@router.post("/settings/webhooks/{endpoint_id}/delete")
async def delete(request: Request, staff: Staff, endpoint_id: str) -> Response:
    """Delete the endpoint and its delivery log (disabling it keeps the log)."""
    require(staff, SCOPE)
    form = await request.form()
    expected = version(form)
    await run(request, staff, lambda uow: service.delete_endpoint(uow, endpoint_id, expected))
    return redirect(request, "/console/settings/webhooks?done=deleted")


@router.get("/settings/webhooks/deliveries/{delivery_id}")
async def delivery(request: Request, staff: Staff, delivery_id: str) -> Response:
    require(staff, SCOPE)
    row = await run(
        request, staff, lambda uow: service.get_delivery(uow, delivery_id), read_only=True
    )
    return render(request, "settings/delivery.html", delivery=row, flash=flash(request))


@router.post("/settings/webhooks/deliveries/{delivery_id}/retry")
async def retry(request: Request, staff: Staff, delivery_id: str) -> Response:
    require(staff, SCOPE)
    await run(request, staff, lambda uow: service.retry_delivery(uow, delivery_id))
    return redirect(request, f"/console/settings/webhooks/deliveries/{delivery_id}?done=retried")
