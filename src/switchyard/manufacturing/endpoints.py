"""Make to order over HTTP: where and from what a SKU is made, and the work orders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from switchyard.api.deps import CatalogRead, CatalogWrite, DbDep, FulfillmentRead, FulfillmentWrite
from switchyard.api.fields import RequestModel
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.release import allowed_locations
from switchyard.manufacturing import service
from switchyard.manufacturing.domain import MAX_CAPACITY, MAX_LEAD_DAYS, STATUSES
from switchyard.manufacturing.repository import ManufacturingRepository

router = APIRouter(tags=["manufacturing"])


class RouteIn(RequestModel):
    location: str = Field(min_length=1, max_length=64, description="site id or code")
    lead_days: int = Field(ge=0, le=MAX_LEAD_DAYS, description="days from start to finished")
    daily_capacity: int = Field(ge=1, le=MAX_CAPACITY, description="units it can start a day")
    priority: int | None = Field(None, ge=0, le=1000, description="lower first (default: order)")


class BomLineIn(RequestModel):
    sku: str = Field(min_length=1, max_length=64, description="component SKU id or code")
    quantity: int = Field(1, ge=1, le=10_000, description="units per finished unit")


class ProductionIn(RequestModel):
    routes: list[RouteIn] = Field(max_length=50, description="empty: no longer made to order")
    bom: list[BomLineIn] = Field(default_factory=list, max_length=200)


class ProductionRead(BaseModel):
    sku: str
    routes: list[dict[str, Any]]
    bom: list[dict[str, Any]]


class WorkOrderRead(BaseModel):
    id: str
    order_id: str
    order_line_id: str
    sku_id: str
    location_id: str
    quantity: int
    start_day: date
    due_day: date
    status: str = Field(description="planned, in_production, done or cancelled")
    version: int
    created_at: datetime
    updated_at: datetime


@router.put("/skus/{sku}/production", response_model=ProductionRead)
def put_production(sku: str, body: ProductionIn, db: DbDep, principal: CatalogWrite) -> Any:
    """Make the SKU to order: the sites that make it (lead time, daily capacity, priority)
    and its bill of materials. Placing it then books a production slot and reserves the
    components at the site instead of taking finished stock."""
    routes = [r.model_dump() for r in body.routes]
    bom = [b.model_dump() for b in body.bom]
    return db.run(principal.actor, lambda uow: service.set_production(uow, sku, routes, bom))


@router.get("/skus/{sku}/production", response_model=ProductionRead)
def get_production(sku: str, db: DbDep, principal: CatalogRead) -> Any:
    return db.run(principal.actor, lambda uow: service.production_of(uow, sku), read_only=True)


@router.get("/work-orders", response_model=Page[WorkOrderRead])
def list_work_orders(
    db: DbDep,
    principal: FulfillmentRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    location: str | None = None,
    status: Annotated[str | None, choice_of(STATUSES, "work order status")] = None,
) -> Page[WorkOrderRead]:
    """Oldest first; a location-restricted key sees its sites' work orders."""
    check_choice("status", status, STATUSES, "a work order status")
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[WorkOrderRead]:
        rows = uow.repo(ManufacturingRepository).page(
            status=status,
            location_ids=allowed_locations(uow, principal, location),
            after_id=str(after[0]) if after else None,
            limit=limit,
        )
        return [WorkOrderRead(**r) for r in rows]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda w: [w.id])


@router.get("/work-orders/{work_order_id}", response_model=WorkOrderRead)
def get_work_order(work_order_id: str, db: DbDep, principal: FulfillmentRead) -> Any:
    return db.run(
        principal.actor,
        lambda uow: service.get_work_order(uow, principal, work_order_id),
        read_only=True,
    )


@router.post("/work-orders/{work_order_id}/start", response_model=WorkOrderRead)
def start_work_order(work_order_id: str, db: DbDep, principal: FulfillmentWrite) -> Any:
    """Production began (repeating it changes nothing)."""
    return db.run(principal.actor, lambda uow: service.start(uow, principal, work_order_id))


@router.post("/work-orders/{work_order_id}/complete", response_model=WorkOrderRead)
def complete_work_order(work_order_id: str, db: DbDep, principal: FulfillmentWrite) -> Any:
    """Finished: the components leave the site's stock, the made units join it reserved
    for the order line, and its fulfillment may be picked."""
    return db.run(principal.actor, lambda uow: service.complete(uow, principal, work_order_id))
