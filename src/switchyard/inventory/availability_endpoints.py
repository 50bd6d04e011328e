"""HTTP for availability (ATP) and the channel feed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import TypeAdapter

from switchyard.api.deps import DbDep, InventoryRead
from switchyard.api.pagination import Cursor, Page, decode_cursor, page_of
from switchyard.db.uow import UnitOfWork
from switchyard.inventory.availability import availability, feed
from switchyard.inventory.refs import channel_id
from switchyard.inventory.reservation_schemas import AvailabilityRead, FeedItem
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.locations.repository import LocationRepository

router = APIRouter(prefix="/availability", tags=["availability"])

_ITEMS = TypeAdapter(list[AvailabilityRead])
_FEED_PAGE = TypeAdapter(Page[FeedItem])
JSON = "application/json"
FeedLimit = Annotated[int, Query(ge=1, le=2000, description="page size")]


@router.get("", response_model=list[AvailabilityRead])
def get_availability(
    db: DbDep,
    principal: InventoryRead,
    sku: Annotated[list[str], Query(description="SKU ids or codes; repeat for several")],
    channel: Annotated[str | None, Query(description="only what this channel may sell")] = None,
    location: Annotated[list[str] | None, Query(description="restrict to these")] = None,
) -> Response:
    """Available to promise per SKU: total, per location, incoming and by date."""
    if not 1 <= len(sku) <= 200:
        raise ValidationFailed(
            "invalid_sku_count",
            "ask for 1 to 200 SKUs at a time",
            [FieldError("query.sku", "out_of_range", "1 to 200 values")],
        )

    def query(uow: UnitOfWork) -> list[dict[str, Any]]:
        location_ids = (
            uow.repo(LocationRepository).require_ids(location, "query.location")
            if location
            else None
        )
        return availability(
            uow,
            list(dict.fromkeys(sku)),
            channel_id=channel_id(uow, channel) if channel else None,
            location_ids=location_ids,
        )

    rows = db.run(principal.actor, query, read_only=True)
    # validated and serialised in one pass (this is the hottest read of the API)
    return Response(_ITEMS.dump_json(_ITEMS.validate_python(rows)), media_type=JSON)


@router.get("/feed", response_model=Page[FeedItem])
def availability_feed(
    db: DbDep,
    principal: InventoryRead,
    channel: Annotated[str, Query(description="channel id or code")],
    limit: FeedLimit = 500,
    cursor: Cursor = None,
) -> Response:
    """Every active SKU with what the channel may sell, in id order, page by page."""
    after = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[dict[str, Any]]:
        return feed(uow, channel_id(uow, channel), str(after[0]) if after else None, limit)

    page = page_of(db.run(principal.actor, query, read_only=True), limit, lambda r: [r["sku_id"]])
    # validated and serialised in one pass: FastAPI's response_model path took three times
    # as long as the query for a page of 500 (the model stays for the OpenAPI document)
    body = {"items": page.items, "next_cursor": page.next_cursor}
    return Response(_FEED_PAGE.dump_json(_FEED_PAGE.validate_python(body)), media_type=JSON)
