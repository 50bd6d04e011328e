"""HTTP API: /api/v1/webhooks/endpoints (subscriptions) and /api/v1/webhooks/deliveries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, WebhooksWrite
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.webhooks import service
from switchyard.webhooks.domain import STATUSES
from switchyard.webhooks.repository import DeliveryRepository, EndpointRepository
from switchyard.webhooks.schemas import (
    SecretRotate,
    WebhookDeliveryDetail,
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointRead,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _etag_of(result: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{result["version"]}"'}


@router.post("/endpoints", status_code=201, response_model=WebhookEndpointWithSecret)
def create_endpoint(
    body: WebhookEndpointCreate, request: Request, db: DbDep, principal: WebhooksWrite
) -> JSONResponse:
    """Subscribe a URL to events. The answer holds the signing secret, shown this once."""

    def use_case(uow: UnitOfWork) -> WebhookEndpointWithSecret:
        return WebhookEndpointWithSecret(**service.create_endpoint(uow, body.model_dump()))

    return idempotency.create(request, db, principal, body, use_case, headers=_etag_of)


@router.get("/endpoints", response_model=Page[WebhookEndpointRead])
def list_endpoints(
    db: DbDep,
    principal: WebhooksWrite,
    limit: Limit = 50,
    cursor: Cursor = None,
    enabled: bool | None = None,
) -> Page[WebhookEndpointRead]:
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(EndpointRepository).page(
            enabled=enabled, after_id=after[0] if after else None, limit=limit
        ),
        read_only=True,
    )
    return page_of([WebhookEndpointRead(**r) for r in rows], limit, lambda e: [e.id])


@router.get("/endpoints/{endpoint_id}", response_model=WebhookEndpointRead)
def get_endpoint(
    endpoint_id: str, response: Response, db: DbDep, principal: WebhooksWrite
) -> WebhookEndpointRead:
    row = db.run(
        principal.actor, lambda uow: service.get_endpoint(uow, endpoint_id), read_only=True
    )
    set_etag(response, row["version"])
    return WebhookEndpointRead(**row)


@router.patch("/endpoints/{endpoint_id}", response_model=WebhookEndpointRead)
def update_endpoint(
    endpoint_id: str,
    body: WebhookEndpointUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: WebhooksWrite,
) -> WebhookEndpointRead:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    row = db.run(
        principal.actor, lambda uow: service.update_endpoint(uow, endpoint_id, changes, version)
    )
    set_etag(response, row["version"])
    return WebhookEndpointRead(**row)


@router.delete("/endpoints/{endpoint_id}", status_code=204)
def delete_endpoint(
    endpoint_id: str, request: Request, db: DbDep, principal: WebhooksWrite
) -> Response:
    """Delete the endpoint and its delivery log; PATCH enabled=false keeps the log."""
    version = expected_version(request)
    db.run(principal.actor, lambda uow: service.delete_endpoint(uow, endpoint_id, version))
    return Response(status_code=204)


@router.post("/endpoints/{endpoint_id}/rotate-secret", response_model=WebhookEndpointWithSecret)
def rotate_secret(
    endpoint_id: str,
    request: Request,
    db: DbDep,
    principal: WebhooksWrite,
    body: SecretRotate | None = None,
) -> JSONResponse:
    """A new signing secret; the old one also signs for ``keep_previous_seconds``."""
    options = body or SecretRotate()

    def use_case(uow: UnitOfWork) -> WebhookEndpointWithSecret:
        row = service.rotate_secret(uow, endpoint_id, options.keep_previous_seconds, options.secret)
        return WebhookEndpointWithSecret(**row)

    return idempotency.create(
        request, db, principal, options, use_case, status_code=200, headers=_etag_of
    )


@router.get("/deliveries", response_model=Page[WebhookDeliveryRead])
def list_deliveries(
    db: DbDep,
    principal: WebhooksWrite,
    limit: Limit = 50,
    cursor: Cursor = None,
    endpoint_id: str | None = None,
    status: Annotated[str | None, choice_of(STATUSES, "delivery status")] = None,
    event_type: str | None = None,
    order_id: str | None = None,
) -> Page[WebhookDeliveryRead]:
    """The delivery log, oldest first, filtered by endpoint, status, event type or order."""
    check_choice("status", status, STATUSES, "a delivery status")
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(DeliveryRepository).page(
            endpoint_id=endpoint_id,
            status=status,
            event_type=event_type,
            order_id=order_id,
            after_id=after[0] if after else None,
            limit=limit,
        ),
        read_only=True,
    )
    return page_of([WebhookDeliveryRead(**r) for r in rows], limit, lambda d: [d.id])


@router.get("/deliveries/{delivery_id}", response_model=WebhookDeliveryDetail)
def get_delivery(delivery_id: str, db: DbDep, principal: WebhooksWrite) -> WebhookDeliveryDetail:
    """One delivery with every attempt: when, which worker, status code, duration, error."""
    row = db.run(
        principal.actor, lambda uow: service.get_delivery(uow, delivery_id), read_only=True
    )
    return WebhookDeliveryDetail(**row)


@router.post(
    "/deliveries/{delivery_id}/retry", status_code=202, response_model=WebhookDeliveryDetail
)
def retry_delivery(
    delivery_id: str, request: Request, db: DbDep, principal: WebhooksWrite
) -> JSONResponse:
    """Deliver again as soon as a worker is free (same webhook-id, fresh retry window)."""

    def use_case(uow: UnitOfWork) -> WebhookDeliveryDetail:
        return WebhookDeliveryDetail(**service.retry_delivery(uow, delivery_id))

    return idempotency.create(request, db, principal, None, use_case, status_code=202)
