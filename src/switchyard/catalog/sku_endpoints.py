"""HTTP API for /skus: create (one or a batch), list, read, update, kit components, prices."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import CatalogRead, CatalogWrite, DbDep
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.catalog import kits, pricing, service, sku_creation
from switchyard.catalog.schemas import (
    ComponentsUpdate,
    PricesUpdate,
    SkuBatchCreate,
    SkuBatchRead,
    SkuCreate,
    SkuPrices,
    SkuRead,
    SkuUpdate,
)
from switchyard.db.uow import UnitOfWork

router = APIRouter(prefix="/skus", tags=["catalog"])


@router.post("", status_code=201, response_model=SkuRead)
def create_sku(
    body: SkuCreate, request: Request, db: DbDep, principal: CatalogWrite
) -> JSONResponse:
    """Create a SKU of an existing product (product_id) or of a new one (product_name)."""

    def use_case(uow: UnitOfWork) -> SkuRead:
        return SkuRead(**sku_creation.create_sku(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.post(":batch", status_code=201, response_model=SkuBatchRead)
def create_skus(
    body: SkuBatchCreate, request: Request, db: DbDep, principal: CatalogWrite
) -> JSONResponse:
    """Create up to 1,000 SKUs in one transaction: all of them, or none and every error
    (named by item, e.g. ``items.3.sku``)."""

    def use_case(uow: UnitOfWork) -> SkuBatchRead:
        items = [item.model_dump() for item in body.items]
        return SkuBatchRead(items=[SkuRead(**row) for row in sku_creation.create_skus(uow, items)])

    return idempotency.create(request, db, principal, body, use_case)


@router.get("", response_model=Page[SkuRead])
def list_skus(
    db: DbDep,
    principal: CatalogRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    product: str | None = None,
    active: bool | None = None,
    q: str | None = None,
    barcode: str | None = None,
) -> Page[SkuRead]:
    """SKUs in creation order. ``product`` is a product id; ``q`` matches part of the SKU
    code or name, ignoring case; ``barcode`` matches exactly."""
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: service.list_skus(
            uow,
            product_id=product,
            active=active,
            q=q,
            barcode=barcode,
            after_id=after[0] if after else None,
            limit=limit,
        ),
        read_only=True,
    )
    return page_of([SkuRead(**r) for r in rows], limit, lambda s: [s.id])


@router.get("/{ref}", response_model=SkuRead)
def get_sku(ref: str, response: Response, db: DbDep, principal: CatalogRead) -> SkuRead:
    """A SKU by id or by SKU code."""
    row = db.run(principal.actor, lambda uow: service.get_sku(uow, ref), read_only=True)
    set_etag(response, row["version"])
    return SkuRead(**row)


@router.patch("/{ref}", response_model=SkuRead)
def update_sku(
    ref: str,
    body: SkuUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: CatalogWrite,
) -> SkuRead:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    row = db.run(principal.actor, lambda uow: service.update_sku(uow, ref, changes, version))
    set_etag(response, row["version"])
    return SkuRead(**row)


@router.put("/{ref}/components", response_model=SkuRead)
def set_components(
    ref: str,
    body: ComponentsUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: CatalogWrite,
) -> SkuRead:
    """Make the SKU a kit of these components (an empty list makes it a plain SKU again)."""
    version = expected_version(request, body.version)
    components = [c.model_dump() for c in body.components]
    row = db.run(principal.actor, lambda uow: kits.set_components(uow, ref, components, version))
    set_etag(response, row["version"])
    return SkuRead(**row)


@router.get("/{ref}/prices", response_model=SkuPrices)
def get_prices(ref: str, db: DbDep, principal: CatalogRead) -> SkuPrices:
    row = db.run(principal.actor, lambda uow: pricing.get_prices(uow, ref), read_only=True)
    return SkuPrices(**row)


@router.put("/{ref}/prices", response_model=SkuPrices)
def set_prices(ref: str, body: PricesUpdate, db: DbDep, principal: CatalogWrite) -> SkuPrices:
    """Replace every price of the SKU: one per channel and currency."""
    prices = [p.model_dump() for p in body.prices]
    row = db.run(principal.actor, lambda uow: pricing.set_prices(uow, ref, prices))
    return SkuPrices(**row)
