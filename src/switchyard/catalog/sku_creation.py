"""Creating SKUs, one or a batch of up to 1,000, all-or-nothing.

A single create is a batch of one whose errors name plain fields (``sku``); a batch's
errors name the item (``items.3.sku``).
"""

from __future__ import annotations

from typing import Any

from switchyard.catalog.domain import (
    MAX_BATCH,
    duplicate_indexes,
    measure_errors,
    product_choice_errors,
)
from switchyard.catalog.pricing import price_event_data, resolve_prices
from switchyard.catalog.repository import ProductRepository, SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id

SKU_COLUMNS = ("sku", "name", "barcode", "weight_grams", "length_mm", "width_mm", "height_mm")


def create_sku(uow: UnitOfWork, item: dict[str, Any]) -> dict[str, Any]:
    return create_skus(uow, [item], batch=False)[0]


def create_skus(
    uow: UnitOfWork, items: list[dict[str, Any]], *, batch: bool = True
) -> list[dict[str, Any]]:
    """Create SKUs (with inline products and prices); nothing is written if any item fails."""
    if not 1 <= len(items) <= MAX_BATCH:
        raise ValidationFailed(
            "invalid_batch",
            f"a batch holds 1 to {MAX_BATCH} SKUs",
            [FieldError("items", "invalid_batch_size", f"got {len(items)}")],
        )
    prefixes = [f"items.{i}." if batch else "" for i in range(len(items))]
    products = uow.repo(ProductRepository)
    repo = uow.repo(SkuRepository)

    errors: list[FieldError] = []
    for item, prefix in zip(items, prefixes, strict=True):
        errors += product_choice_errors(item, prefix) + measure_errors(item, prefix)
    for i in duplicate_indexes(item["sku"] for item in items):
        errors.append(FieldError(f"{prefixes[i]}sku", "duplicate_sku", "repeats an earlier item"))
    product_ids = {item["product_id"] for item in items if item.get("product_id")}
    names = products.names(list(product_ids)) if product_ids else {}
    for item, prefix in zip(items, prefixes, strict=True):
        if item.get("product_id") and item["product_id"] not in names:
            errors.append(FieldError(f"{prefix}product_id", "unknown_product", item["product_id"]))
    price_rows, price_problems = resolve_prices(
        repo, [item.get("prices") or [] for item in items], prefixes
    )
    errors += price_problems
    if errors:
        raise ValidationFailed("invalid_sku", f"{len(errors)} problem(s) with the SKUs", errors)

    taken = repo.by_codes([item["sku"] for item in items])
    if taken:
        raise _codes_taken(items, prefixes, set(taken))

    now = utcnow()
    new_products = _new_products(uow, items, now)
    names.update({p["id"]: p["name"] for p in new_products.values()})
    rows: list[dict[str, Any]] = []
    for item in items:
        product_id = item.get("product_id") or new_products[item["product_name"]]["id"]
        row: dict[str, Any] = {col: item.get(col) for col in SKU_COLUMNS}
        row.update(
            id=new_id("sku"),
            product_id=product_id,
            name=item.get("name") or names[product_id],
            is_kit=False,
            active=item.get("active") is not False,
            version=1,
            created_at=now,
            updated_at=now,
        )
        rows.append(row)

    inserted = repo.insert_new(rows)
    if len(inserted) != len(rows):  # another transaction took a code since we looked
        raise _codes_taken(items, prefixes, {r["sku"] for r in rows} - inserted)
    repo.add_prices(
        [{"sku_id": row["id"], **p} for row, ps in zip(rows, price_rows, strict=True) for p in ps]
    )
    for row, ps in zip(rows, price_rows, strict=True):
        data = {"sku": row["sku"], "product_id": row["product_id"], "name": row["name"]}
        uow.emit(DomainEvent("catalog.sku_created", "sku", row["id"], data))
        if ps:
            uow.emit(DomainEvent("catalog.prices_set", "sku", row["id"], price_event_data(row, ps)))
    return [{**row, "components": []} for row in rows]


def _new_products(
    uow: UnitOfWork, items: list[dict[str, Any]], now: Any
) -> dict[str, dict[str, Any]]:
    """One new product per distinct ``product_name`` in the batch."""
    created: dict[str, dict[str, Any]] = {}
    for item in items:
        name = item.get("product_name")
        if name and not item.get("product_id") and name not in created:
            created[name] = {
                "id": new_id("prd"),
                "name": name,
                "description": "",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
    uow.repo(ProductRepository).add_many(list(created.values()))
    for product in created.values():
        uow.emit(
            DomainEvent(
                "catalog.product_created", "product", product["id"], {"name": product["name"]}
            )
        )
    return created


def _codes_taken(items: list[dict[str, Any]], prefixes: list[str], taken: set[str]) -> Conflict:
    fields = [
        FieldError(f"{prefix}sku", "sku_code_taken", item["sku"])
        for item, prefix in zip(items, prefixes, strict=True)
        if item["sku"] in taken
    ]
    return Conflict(
        "sku_code_taken", f"SKU code(s) already exist: {', '.join(sorted(taken))}", fields
    )
