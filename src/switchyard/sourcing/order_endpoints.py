"""An order's sourcing, promises before ordering, and batch re-optimisation over HTTP."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from switchyard.api.deps import Admin, DbDep, OrdersReadAny, OrdersReadWhole
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.placement import reoptimize
from switchyard.sourcing import quotes, service
from switchyard.sourcing.schemas import OrderSourcingRead, PromiseRead, ReoptimizeIn

router = APIRouter(tags=["sourcing"])


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()}


@router.get("/orders/{order_id}/sourcing", response_model=OrderSourcingRead)
def order_sourcing(order_id: str, db: DbDep, principal: OrdersReadWhole) -> OrderSourcingRead:
    """Every sourcing decision of the order, oldest first (candidates, the filters each
    failed, the options costed and why the winner won), each fulfillment's type and
    promised dates, and the order's promise. The decisions weigh every location, so a
    location-restricted key may not read them."""
    found = db.run(
        principal.actor, lambda uow: service.order_sourcing(uow, order_id), read_only=True
    )
    found["decisions"] = [_jsonable(d) for d in found["decisions"]]
    return OrderSourcingRead(**found)


@router.get("/promise", response_model=PromiseRead)
def promise(
    db: DbDep,
    principal: OrdersReadAny,
    channel: Annotated[str, Query(max_length=64, description="channel id or code")],
    country: Annotated[str, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2")],
    sku: Annotated[list[str], Query(max_length=100, description="repeat for each SKU")],
    qty: Annotated[
        list[Annotated[int, Field(ge=1, le=100_000)]] | None,
        Query(description="per sku, same order; default 1"),
    ] = None,
    postal_code: Annotated[str | None, Query(max_length=20)] = None,
    city: Annotated[str | None, Query(max_length=200)] = None,
    at: Annotated[datetime | None, Query(description="answer as if it were then (ISO)")] = None,
) -> PromiseRead:
    """Delivery and pickup options for a basket and a destination, before ordering:
    dates, cost and a sentence ("order within 2 h 5 min, delivered Thursday 26
    November", "pick up at ST-MITTE: ready today at 17:00"). Nothing is reserved."""
    if at is not None and at.tzinfo is None:
        raise ValidationFailed(
            "naive_datetime", "give 'at' with a time zone", [FieldError("query.at", "naive", "")]
        )
    address = {"country_code": country.upper(), "postal_code": postal_code, "city": city}

    def query(uow: UnitOfWork) -> dict[str, Any]:
        return quotes.promise(uow, channel, sku, qty or [], address, at)

    return PromiseRead(**db.run(principal.actor, query, read_only=True))


@router.post("/sourcing:reoptimize")
def reoptimize_unreleased(
    db: DbDep, principal: Admin, body: ReoptimizeIn | None = None
) -> dict[str, Any]:
    """Re-source every order whose fulfillments are not released yet, jointly, with the
    batch optimiser; swaps reservations in one transaction when that is cheaper. Reports
    the cost before and after and the proven gap per channel. Admin only."""
    cmd = body or ReoptimizeIn()

    def use_case(uow: UnitOfWork) -> dict[str, Any]:
        return reoptimize.reoptimize(
            uow,
            channel_ref=cmd.channel,
            limit=cmd.limit,
            time_limit=cmd.time_limit,
            dry_run=cmd.dry_run,
        )

    return db.run(principal.actor, use_case)
