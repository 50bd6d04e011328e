"""Catalog HTTP API: /products and /skus (with kits, prices and batch creation)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import CatalogRead, CatalogWrite, DbDep
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.catalog import service
from switchyard.catalog.repository import ProductRepository
from switchyard.catalog.schemas import ProductCreate, ProductRead, ProductUpdate
from switchyard.catalog.sku_endpoints import router as sku_router
from switchyard.db.uow import UnitOfWork

products = APIRouter(prefix="/products", tags=["catalog"])


@products.post("", status_code=201, response_model=ProductRead)
def create_product(
    body: ProductCreate, request: Request, db: DbDep, principal: CatalogWrite
) -> JSONResponse:
    def use_case(uow: UnitOfWork) -> ProductRead:
        return ProductRead(**service.create_product(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@products.get("", response_model=Page[ProductRead])
def list_products(
    db: DbDep,
    principal: CatalogRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    q: str | None = None,
) -> Page[ProductRead]:
    """Products in creation order; ``q`` matches part of the name, ignoring case."""
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(ProductRepository).page(
            q=q, after_id=after[0] if after else None, limit=limit
        ),
        read_only=True,
    )
    return page_of([ProductRead(**r) for r in rows], limit, lambda p: [p.id])


@products.get("/{product_id}", response_model=ProductRead)
def get_product(
    product_id: str, response: Response, db: DbDep, principal: CatalogRead
) -> ProductRead:
    row = db.run(principal.actor, lambda uow: service.get_product(uow, product_id), read_only=True)
    set_etag(response, row["version"])
    return ProductRead(**row)


@products.patch("/{product_id}", response_model=ProductRead)
def update_product(
    product_id: str,
    body: ProductUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: CatalogWrite,
) -> ProductRead:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    row = db.run(
        principal.actor, lambda uow: service.update_product(uow, product_id, changes, version)
    )
    set_etag(response, row["version"])
    return ProductRead(**row)


router = APIRouter()
router.include_router(products)
router.include_router(sku_router)
