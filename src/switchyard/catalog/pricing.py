"""Price use cases: a SKU's price per channel and currency."""

from __future__ import annotations

from typing import Any

from switchyard.catalog.domain import duplicate_indexes, format_amount, price_errors
from switchyard.catalog.repository import SkuRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.kernel.events import DomainEvent


def resolve_prices(
    repo: SkuRepository, price_lists: list[list[dict[str, Any]]], prefixes: list[str]
) -> tuple[list[list[dict[str, Any]]], list[FieldError]]:
    """Check price lists (one per SKU) and resolve channel references in one query.

    Each price is ``{channel, currency, amount}``; the result holds
    ``{channel_id, currency, amount}`` rows and every problem, named by ``prefixes[i]``.
    """
    refs = [p["channel"] for prices in price_lists for p in prices]
    channel_ids = repo.channel_ids(refs) if refs else {}
    resolved: list[list[dict[str, Any]]] = []
    errors: list[FieldError] = []
    for prices, prefix in zip(price_lists, prefixes, strict=True):
        rows = []
        for j, price in enumerate(prices):
            at = f"{prefix}prices.{j}."
            errors += price_errors(price["currency"], price["amount"], at)
            channel_id = channel_ids.get(price["channel"])
            if channel_id is None:
                errors.append(FieldError(f"{at}channel", "unknown_channel", price["channel"]))
            rows.append(
                {"channel_id": channel_id, "currency": price["currency"], "amount": price["amount"]}
            )
        keys = [(r["channel_id"], r["currency"]) for r in rows]
        for j in duplicate_indexes(keys):
            errors.append(
                FieldError(f"{prefix}prices.{j}", "duplicate_price", "channel and currency repeat")
            )
        resolved.append(rows)
    return resolved, errors


def price_event_data(sku: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "sku": sku["sku"],
        "prices": [
            {"channel_id": r["channel_id"], "currency": r["currency"], "amount": str(r["amount"])}
            for r in rows
        ],
    }


def get_prices(uow: UnitOfWork, ref: str) -> dict[str, Any]:
    repo = uow.repo(SkuRepository)
    sku = repo.get(ref)
    if sku is None:
        raise not_found("sku", ref)
    rows = repo.prices_of(sku["id"])
    for row in rows:
        row["amount"] = format_amount(row["amount"])
    return {"sku_id": sku["id"], "sku": sku["sku"], "prices": rows}


def set_prices(uow: UnitOfWork, ref: str, prices: list[dict[str, Any]]) -> dict[str, Any]:
    """Replace every price of one SKU with ``prices``."""
    repo = uow.repo(SkuRepository)
    sku = repo.get(ref)
    if sku is None:
        raise not_found("sku", ref)
    (rows,), errors = resolve_prices(repo, [prices], [""])
    if errors:
        raise ValidationFailed("invalid_prices", "the prices are not valid", errors)
    repo.replace_prices(sku["id"], [{"sku_id": sku["id"], **r} for r in rows])
    uow.emit(DomainEvent("catalog.prices_set", "sku", sku["id"], price_event_data(sku, rows)))
    return get_prices(uow, sku["id"])
