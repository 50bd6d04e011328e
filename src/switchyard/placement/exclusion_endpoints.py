"""Locations excluded from an order's lines over HTTP: list them, clear them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from switchyard.api.deps import DbDep, OrdersReadWhole, OrdersWriteWhole
from switchyard.api.fields import RequestModel
from switchyard.db.uow import UnitOfWork
from switchyard.orders.staff import acting
from switchyard.placement import exclusions

router = APIRouter(tags=["sourcing"])


class ExclusionRead(BaseModel):
    id: str
    order_line_id: str
    location_id: str
    reason: str = Field(description="`rejected`, `short_picked` or `cancelled`")
    fulfillment_id: str | None
    created_at: datetime
    cleared_at: datetime | None
    cleared_by: str | None
    note: str | None


class ExclusionList(BaseModel):
    items: list[ExclusionRead]


class ExclusionClear(RequestModel):
    location: str | None = Field(
        None, max_length=64, description="location id or code (default: every location)"
    )
    line_id: str | None = Field(None, max_length=40, description="one order line (default: all)")
    note: str = Field(min_length=1, max_length=500, description="why the location may again")


@router.get("/orders/{order_id}/sourcing-exclusions", response_model=ExclusionList)
def list_exclusions(order_id: str, db: DbDep, principal: OrdersReadWhole) -> ExclusionList:
    """Locations that handed lines of the order back (rejected, short-picked, cancelled)
    and are therefore not asked for those lines again, cleared ones too."""
    rows = db.run(principal.actor, lambda uow: exclusions.listed(uow, order_id), read_only=True)
    return ExclusionList(items=[ExclusionRead(**r) for r in rows])


@router.post("/orders/{order_id}/sourcing-exclusions/clear", response_model=ExclusionList)
def clear_exclusions(
    order_id: str, body: ExclusionClear, request: Request, db: DbDep, principal: OrdersWriteWhole
) -> ExclusionList:
    """Let excluded locations source the order's lines again (one location, one line, or
    all). Sourcing does not run now: release the order's sourcing hold, or wait for the
    next re-sourcing, to use them."""

    def use_case(uow: UnitOfWork) -> list[dict[str, Any]]:
        return exclusions.clear(
            uow, order_id, location=body.location, line_id=body.line_id, note=body.note
        )

    rows = db.run(acting(request, principal).actor, use_case)
    return ExclusionList(items=[ExclusionRead(**r) for r in rows])
