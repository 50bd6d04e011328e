"""HTTP for non-sellable stock (damaged returns, units waiting for the vendor)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from switchyard.api.deps import DbDep, InventoryRead
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import nonsellable, refs

router = APIRouter(prefix="/inventory", tags=["inventory"])


class NonsellableRead(BaseModel):
    sku_id: str
    location_id: str
    status: str
    quantity: int


class NonsellableList(BaseModel):
    items: list[NonsellableRead]


@router.get("/nonsellable", response_model=NonsellableList)
def nonsellable_stock(
    db: DbDep,
    principal: InventoryRead,
    location: Annotated[str | None, Query(max_length=100)] = None,
    sku: Annotated[str | None, Query(max_length=100)] = None,
) -> NonsellableList:
    """Units at a location that are not for sale (never in availability), per status:
    ``damaged``, ``return_to_vendor``. At most 500 rows; filter by location or SKU."""

    def query(uow: UnitOfWork) -> NonsellableList:
        location_id = refs.location_id(uow, location) if location else None
        sku_id = refs.sku_id(uow, sku) if sku else None
        rows = nonsellable.levels(uow, location_id=location_id, sku_id=sku_id)
        if principal.location_ids is not None:
            rows = [r for r in rows if r["location_id"] in principal.location_ids]
        return NonsellableList(items=[NonsellableRead(**r) for r in rows])

    return db.run(principal.actor, query, read_only=True)
