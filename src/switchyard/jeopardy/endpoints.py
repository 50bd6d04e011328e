"""Jeopardy over HTTP: the at-risk exception view and an order's risks.

``GET /orders?at_risk=true`` (orders search) lists the same orders newest first; the order
detail shows its active risks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter

from switchyard.api.deps import DbDep, OrdersRead
from switchyard.api.filters import check_choice, choice_of
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, encode_cursor
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.jeopardy import service
from switchyard.jeopardy.rules import REASONS
from switchyard.jeopardy.schemas import AtRiskItem, RiskRead
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.locations.repository import LocationRepository
from switchyard.orders import visibility
from switchyard.orders.service import load_order

router = APIRouter(tags=["exceptions"])
_REASONS = frozenset(REASONS)


def _after(cursor: str | None) -> tuple[datetime, str] | None:
    values = decode_cursor(cursor)
    if values is None:
        return None
    try:
        since = datetime.fromisoformat(values[0])
        if since.tzinfo is None:
            raise ValueError("naive time")
        return since, str(values[1])
    except (IndexError, TypeError, ValueError) as exc:
        raise ValidationFailed(
            "invalid_cursor",
            "the cursor is not one this API returned",
            [FieldError("query.cursor", "invalid_cursor", "malformed cursor")],
        ) from exc


@router.get("/exceptions/at-risk", response_model=Page[AtRiskItem])
def at_risk_orders(
    db: DbDep,
    principal: OrdersRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    reason: Annotated[str | None, choice_of(_REASONS, "jeopardy reason")] = None,
    channel: str | None = None,
    location: str | None = None,
) -> Page[AtRiskItem]:
    """Orders at risk of missing their promise, the longest at risk first, each with its
    active risks; ``channel`` and ``location`` take a code or an id."""
    check_choice("reason", reason, _REASONS, "a jeopardy reason")
    after = _after(cursor)

    def query(uow: UnitOfWork) -> list[AtRiskItem]:
        refs: dict[str, str | None] = {"channel_id": None, "location_id": None}
        for name, ref, get in (
            ("channel_id", channel, uow.repo(ChannelRepository).get),
            ("location_id", location, uow.repo(LocationRepository).get),
        ):
            if ref is not None:
                found = get(ref)
                if found is None:
                    return []
                refs[name] = found["id"]
        items = service.at_risk_queue(
            uow,
            reason=reason,
            channel_id=refs["channel_id"],
            location_id=refs["location_id"],
            after=after,
            limit=limit,
            visible_at=principal.location_ids,
        )
        return [AtRiskItem.of(i) for i in items]

    items = db.run(principal.actor, query, read_only=True)
    if len(items) > limit:
        items = items[:limit]
        last = items[-1]
        cursor_values = [last.at_risk_since.isoformat(), last.order_id]
        return Page[AtRiskItem](items=items, next_cursor=encode_cursor(cursor_values))
    return Page[AtRiskItem](items=items)


@router.get("/orders/{order_id}/risks", response_model=list[RiskRead], tags=["orders"])
def order_risks(order_id: str, db: DbDep, principal: OrdersRead) -> list[RiskRead]:
    """Every risk of missing its promise the order had, active and cleared, oldest first
    (a location-restricted key sees its own fulfillments' only)."""

    def query(uow: UnitOfWork) -> list[RiskRead]:
        visibility.require_order(uow, principal, order_id)
        load_order(uow, order_id)
        hiding = visibility.others_fulfillments(uow, principal, order_id)
        return [RiskRead(**r) for r in service.risk_history(uow, order_id, hiding)]

    return db.run(principal.actor, query, read_only=True)
