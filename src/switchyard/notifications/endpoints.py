"""HTTP API: an order's customer notifications, a resend, and a preview of any trigger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, OrdersReadWhole, OrdersWriteWhole
from switchyard.config import Settings
from switchyard.db.uow import UnitOfWork
from switchyard.notifications import service
from switchyard.notifications.domain import TRIGGERS
from switchyard.notifications.schemas import (
    NotificationList,
    NotificationPreview,
    NotificationRead,
    ResendRequest,
)

router = APIRouter(tags=["notifications"])


@router.get("/orders/{order_id}/notifications", response_model=NotificationList)
def order_notifications(order_id: str, db: DbDep, principal: OrdersReadWhole) -> NotificationList:
    """Every email the order's customer was sent (or is about to be, or was not and why),
    oldest first, each with its delivery log: one row per SMTP attempt."""
    rows = db.run(principal.actor, lambda uow: service.for_order(uow, order_id), read_only=True)
    return NotificationList(data=[NotificationRead.of(r) for r in rows])


@router.post(
    "/notifications/{notification_id}/resend", status_code=201, response_model=NotificationRead
)
def resend(
    notification_id: str, request: Request, db: DbDep, principal: OrdersWriteWhole
) -> JSONResponse:
    """Send the message again: a new notification with the same content, a new key and a
    new Message-ID (``notification.resent`` on the order's timeline)."""

    def use_case(uow: UnitOfWork) -> NotificationRead:
        return NotificationRead.of(service.resend(uow, notification_id))

    return idempotency.create(request, db, principal, ResendRequest(), use_case)


@router.get("/notifications/preview", response_model=NotificationPreview)
def preview(
    request: Request,
    db: DbDep,
    principal: OrdersReadWhole,
    trigger: Annotated[str, Query(description=f"one of: {', '.join(TRIGGERS)}")],
    order_id: Annotated[str, Query(description="the order to render it against")],
    fulfillment_id: Annotated[
        str | None, Query(description="for shipped, delivered, ready_for_pickup")
    ] = None,
) -> NotificationPreview:
    """The message ``trigger`` would send for the order as it is now; nothing is sent."""
    settings: Settings = request.app.state.settings
    found = db.run(
        principal.actor,
        lambda uow: service.preview(uow, settings, trigger, order_id, fulfillment_id),
        read_only=True,
    )
    return NotificationPreview(**found)
