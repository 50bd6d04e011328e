"""Catalog use cases for products and SKUs. They never commit: Database.run does.

Creating SKUs lives in ``sku_creation``, kits in ``kits`` and prices in ``pricing``.
"""

from __future__ import annotations

from typing import Any

from switchyard.catalog.domain import validate_sku
from switchyard.catalog.repository import ProductRepository, SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    FieldError,
    PreconditionFailed,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id

REQUIRED = ("name", "description", "product_id", "active")


def _refuse_nulls(changes: dict[str, Any], code: str) -> None:
    errors = [
        FieldError(name, "null_not_allowed", "cannot be null")
        for name in REQUIRED
        if name in changes and changes[name] is None
    ]
    if errors:
        raise ValidationFailed(code, "some fields cannot be cleared", errors)


def create_product(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    now = utcnow()
    row = {
        "id": new_id("prd"),
        "description": "",
        **values,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    uow.repo(ProductRepository).add_many([row])
    uow.emit(DomainEvent("catalog.product_created", "product", row["id"], {"name": row["name"]}))
    return row


def get_product(uow: UnitOfWork, product_id: str) -> dict[str, Any]:
    row = uow.repo(ProductRepository).get(product_id)
    if row is None:
        raise not_found("product", product_id)
    return row


def update_product(
    uow: UnitOfWork, product_id: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    current = get_product(uow, product_id)
    check_version("product", expected_version, current["version"])
    _refuse_nulls(changes, "invalid_product")
    if not changes:
        return current
    if not uow.repo(ProductRepository).update(current["id"], current["version"], changes):
        raise PreconditionFailed("version_mismatch", "the product changed meanwhile: reload it")
    before = {k: current[k] for k in changes}
    uow.emit(
        DomainEvent(
            "catalog.product_updated",
            "product",
            current["id"],
            {"before": before, "after": changes},
        )
    )
    return get_product(uow, current["id"])


def with_components(uow: UnitOfWork, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attach each kit's components to its row (one query for the lot)."""
    found = uow.repo(SkuRepository).components_of([r["id"] for r in rows if r["is_kit"]])
    return [{**r, "components": found.get(r["id"], [])} for r in rows]


def get_sku(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    """A SKU by id or SKU code, with its kit components."""
    row = uow.repo(SkuRepository).get(ref)
    if row is None:
        raise not_found("sku", ref)
    return with_components(uow, [row])[0]


def list_skus(
    uow: UnitOfWork,
    *,
    product_id: str | None = None,
    active: bool | None = None,
    q: str | None = None,
    barcode: str | None = None,
    after_id: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    rows = uow.repo(SkuRepository).page(
        product_id=product_id, active=active, q=q, barcode=barcode, after_id=after_id, limit=limit
    )
    return with_components(uow, rows)


def update_sku(
    uow: UnitOfWork, ref: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    current = get_sku(uow, ref)
    check_version("sku", expected_version, current["version"])
    _refuse_nulls(changes, "invalid_sku")
    validate_sku(changes)
    product_id = changes.get("product_id")
    if product_id is not None and not uow.repo(ProductRepository).names([product_id]):
        raise ValidationFailed(
            "unknown_product",
            f"product '{product_id}' does not exist",
            [FieldError("product_id", "unknown_product", product_id)],
        )
    if not changes:
        return current
    if not uow.repo(SkuRepository).update(current["id"], current["version"], changes):
        raise PreconditionFailed("version_mismatch", "the SKU changed meanwhile: reload it")
    before = {k: current[k] for k in changes}
    uow.emit(
        DomainEvent(
            "catalog.sku_updated",
            "sku",
            current["id"],
            {"sku": current["sku"], "before": before, "after": changes},
        )
    )
    return get_sku(uow, current["id"])
