"""HTTP for balances and the ledger: receipts, returns, adjustments, counts, sync."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import DbDep, InventoryRead, InventoryWrite
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import operations, refs
from switchyard.inventory import service as inventory
from switchyard.inventory.domain import Level, available_of
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.schemas import (
    AdjustmentCreate,
    CountCreate,
    LevelChangeRead,
    LevelRead,
    LevelSettingsUpdate,
    MovementRead,
    ReceiptCreate,
    SyncCreate,
    SyncRead,
)
from switchyard.inventory.sync import sync_stock
from switchyard.kernel.errors import NotFound

router = APIRouter(prefix="/inventory", tags=["inventory"])


def _pair(uow: UnitOfWork, principal: Principal, sku: str, location: str) -> tuple[str, str]:
    sku_id, location_id = refs.sku_id(uow, sku), refs.location_id(uow, location)
    principal.require_location(location_id)
    return sku_id, location_id


def _change(pair: tuple[str, str], level: Level, difference: int | None = None) -> LevelChangeRead:
    return LevelChangeRead(
        sku_id=pair[0],
        location_id=pair[1],
        on_hand=level.on_hand,
        reserved=level.reserved,
        available=level.available,
        difference=difference,
    )


def _level_read(row: dict[str, Any]) -> LevelRead:
    available = available_of(row["on_hand"], row["reserved"], row["safety_stock"])
    return LevelRead(**row, available=available)


@router.post("/receipts", status_code=201, response_model=LevelChangeRead)
def receive_stock(
    body: ReceiptCreate, request: Request, db: DbDep, principal: InventoryWrite
) -> JSONResponse:
    """Stock arrived at a location (outside a purchase order)."""

    def use_case(uow: UnitOfWork) -> LevelChangeRead:
        pair = _pair(uow, principal, body.sku, body.location)
        return _change(pair, inventory.receive(uow, *pair, body.quantity, body.reference))

    return idempotency.create(request, db, principal, body, use_case)


@router.post("/returns", status_code=201, response_model=LevelChangeRead)
def return_stock(
    body: ReceiptCreate, request: Request, db: DbDep, principal: InventoryWrite
) -> JSONResponse:
    """Returned units back on hand (sellable again)."""

    def use_case(uow: UnitOfWork) -> LevelChangeRead:
        pair = _pair(uow, principal, body.sku, body.location)
        level = inventory.receive(uow, *pair, body.quantity, body.reference, kind="return")
        return _change(pair, level)

    return idempotency.create(request, db, principal, body, use_case)


@router.post("/adjustments", status_code=201, response_model=LevelChangeRead)
def adjust_stock(
    body: AdjustmentCreate, request: Request, db: DbDep, principal: InventoryWrite
) -> JSONResponse:
    def use_case(uow: UnitOfWork) -> LevelChangeRead:
        pair = _pair(uow, principal, body.sku, body.location)
        level = operations.adjust(uow, *pair, body.quantity, body.reason, body.reference)
        return _change(pair, level, body.quantity)

    return idempotency.create(request, db, principal, body, use_case)


@router.post("/counts", status_code=201, response_model=LevelChangeRead)
def count_stock(
    body: CountCreate, request: Request, db: DbDep, principal: InventoryWrite
) -> JSONResponse:
    """A cycle count: on_hand becomes the counted quantity; the difference is recorded."""

    def use_case(uow: UnitOfWork) -> LevelChangeRead:
        pair = _pair(uow, principal, body.sku, body.location)
        level, diff = operations.cycle_count(
            uow, *pair, body.counted, counted_at=body.counted_at, reference=body.reference
        )
        return _change(pair, level, diff)

    return idempotency.create(request, db, principal, body, use_case)


@router.post("/sync", response_model=SyncRead)
def sync(body: SyncCreate, request: Request, db: DbDep, principal: InventoryWrite) -> JSONResponse:
    """Bulk sync from a WMS/ERP/POS: a full snapshot of a location, or deltas.

    A full snapshot states its `scope`: `location` (SKUs it omits are counted as 0) or
    `listed` (only its SKUs change). One that would take away more than
    `max_removal_ratio` of the location's on-hand units, or zero more than that share of
    its SKUs in stock, is refused with 409 `snapshot_removes_too_much` (the figures in the
    problem) unless `force` is true; nothing is changed then. `dry_run: true` answers
    what the sync would do, refusal included, and changes nothing.
    """

    def use_case(uow: UnitOfWork) -> SyncRead:
        location_id = refs.location_id(uow, body.location)
        principal.require_location(location_id)
        ids = refs.sku_ids(uow, [i.sku for i in body.items], "items.{i}.sku")
        items = list(zip(ids, [i.quantity for i in body.items], strict=True))
        result = sync_stock(
            uow,
            location_id,
            items,
            mode=body.mode,
            scope=body.scope,
            as_of=body.as_of,
            reference=body.reference,
            dry_run=body.dry_run,
            force=body.force,
            max_removal_ratio=body.max_removal_ratio,
        )
        return SyncRead(**asdict(result))

    if body.dry_run:  # writes nothing, so there is nothing to replay: no Idempotency-Key
        result = db.run(principal.actor, use_case, read_only=True)
        return JSONResponse(result.model_dump(mode="json"))
    return idempotency.create(request, db, principal, body, use_case, status_code=200)


@router.get("/levels", response_model=Page[LevelRead])
def list_levels(
    db: DbDep,
    principal: InventoryRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    sku: str | None = None,
    location: str | None = None,
) -> Page[LevelRead]:
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[LevelRead]:
        sku_id = refs.sku_or_404(uow, sku) if sku else None
        location_id = refs.location_or_404(uow, location) if location else None
        rows = uow.repo(StockRepository).page(
            sku_id=sku_id,
            location_id=location_id,
            after=(str(after[0]), str(after[1])) if after and len(after) == 2 else None,
            limit=limit,
        )
        return [_level_read(r) for r in rows]

    items = db.run(principal.actor, query, read_only=True)
    return page_of(items, limit, lambda lv: [lv.sku_id, lv.location_id])


@router.get("/levels/{sku}/{location}", response_model=LevelRead)
def get_level(sku: str, location: str, db: DbDep, principal: InventoryRead) -> LevelRead:
    def query(uow: UnitOfWork) -> LevelRead:
        pair = (refs.sku_or_404(uow, sku), refs.location_or_404(uow, location))
        row = uow.repo(StockRepository).get(pair)
        if row is None:
            raise NotFound("stock_level_not_found", f"no stock of '{sku}' at '{location}'")
        return _level_read(row)

    return db.run(principal.actor, query, read_only=True)


@router.patch("/levels/{sku}/{location}", response_model=LevelRead)
def update_level_settings(
    sku: str, location: str, body: LevelSettingsUpdate, db: DbDep, principal: InventoryWrite
) -> LevelRead:
    """Safety stock (never promised) and the reorder point (``inventory.low`` below it)."""
    values = body.model_dump(exclude_unset=True)

    def use_case(uow: UnitOfWork) -> LevelRead:
        pair = (refs.sku_or_404(uow, sku), refs.location_or_404(uow, location))
        principal.require_location(pair[1])
        if values:
            operations.set_stock_settings(uow, *pair, **values)
        row = uow.repo(StockRepository).get(pair)
        if row is None:
            raise NotFound("stock_level_not_found", f"no stock of '{sku}' at '{location}'")
        return _level_read(row)

    return db.run(principal.actor, use_case)


@router.get("/movements", response_model=Page[MovementRead])
def list_movements(
    db: DbDep,
    principal: InventoryRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    sku: str | None = None,
    location: str | None = None,
) -> Page[MovementRead]:
    """The immutable ledger, oldest first."""
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[MovementRead]:
        rows = uow.repo(StockRepository).movements_page(
            sku_id=refs.sku_or_404(uow, sku) if sku else None,
            location_id=refs.location_or_404(uow, location) if location else None,
            after_id=str(after[0]) if after else None,
            limit=limit,
        )
        return [MovementRead(**r) for r in rows]

    items = db.run(principal.actor, query, read_only=True)
    return page_of(items, limit, lambda m: [m.id])
