"""The order search's filters as a person types them, turned into the API's search.

The filters are GET /api/v1/orders's (status, channel, location, SKU, customer, email,
phone, external id, placed between two days, hold type, at risk), checked the way that
endpoint checks them, plus one "find" box that recognises what was typed: an order id
opens the order, an email, a phone number, a customer id or else an external id.
Everything stays in the URL, so a filtered list is a bookmark.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from switchyard.api.filters import check_choice
from switchyard.api.pagination import decode_cursor, encode_cursor
from switchyard.auth.domain import Principal
from switchyard.catalog.repository import SkuRepository
from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.locations.repository import LocationRepository
from switchyard.orders.endpoints import STATUSES
from switchyard.orders.holds_domain import SYSTEM_HOLD_TYPES, check_hold_type
from switchyard.orders.read_model import list_views
from switchyard.orders.repository import OrderRepository
from switchyard.orders.validation import HOLD_TYPES
from switchyard.orders.validation.phone import to_e164

FILTERS = (
    "find",
    "status",
    "channel",
    "location",
    "sku",
    "email",
    "phone",
    "external_id",
    "customer_id",
    "placed_from",
    "placed_to",
    "hold_type",
    "at_risk",
)
PAGE_SIZES = (25, 50, 100)
MAX_TRAIL = 30  # earlier pages remembered for "Previous"
MAX_VALUE = 200
ORDER_ID = re.compile(r"^ord_[0-9A-Za-z]{1,60}$")
CUSTOMER_ID = re.compile(r"^cus_[0-9A-Za-z]{1,60}$")
PHONE_LIKE = re.compile(r"^\+?[0-9 ()/.-]{6,25}$")
HOLD_CHOICES = tuple(HOLD_TYPES) + tuple(SYSTEM_HOLD_TYPES)
STATUS_CHOICES = tuple(sorted(STATUSES))


@dataclass
class Search:
    values: dict[str, str]  # the filters as typed (for the form and the links)
    limit: int = 50
    cursor: str | None = None
    trail: list[str] = field(default_factory=list)  # cursors of the pages before this one
    api: dict[str, Any] = field(default_factory=dict)  # the API's filter arguments

    def query(self, **over: Any) -> str:
        """The URL query of this search (``over``: cursor / trail of another page)."""
        params = [(k, v) for k, v in self.values.items() if v]
        if self.limit != 50:
            params.append(("limit", str(self.limit)))
        cursor = over.get("cursor", self.cursor)
        trail = over.get("trail", self.trail)
        if cursor:
            params.append(("cursor", cursor))
            if trail:
                params.append(("trail", ".".join(trail)))
        return urlencode(params)

    @property
    def filtered(self) -> bool:
        return any(self.values.values())


def _field_error(name: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"invalid_{name}", message, [FieldError(name, code, message)])


def _moment(raw: str, name: str, tz: str, *, end: bool) -> datetime:
    """A day (its start; with ``end``, the start of the next: the whole day counts) in
    the viewer's zone, or a time as the API takes it (without a zone: UTC)."""
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise _field_error(name, "invalid_date", "enter a day as YYYY-MM-DD") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse(query: Mapping[str, str], tz: str) -> Search:
    """The search a URL asks for; a value the API would refuse raises ValidationFailed
    naming the form's field (the caller shows it beside the field)."""
    values = {k: str(query.get(k, "")).strip()[:MAX_VALUE] for k in FILTERS}
    search = Search(values)
    raw_limit = str(query.get("limit", "")).strip()
    if raw_limit:
        search.limit = int(raw_limit) if raw_limit in {str(n) for n in PAGE_SIZES} else 50
    cursor = str(query.get("cursor", "")).strip()
    if cursor:
        try:
            decode_cursor(cursor)
        except ValidationFailed:
            raise _field_error("cursor", "invalid_cursor", "this page link is broken") from None
        search.cursor = cursor
        trail = [c for c in str(query.get("trail", "")).split(".") if c]
        search.trail = trail[-MAX_TRAIL:]
    api: dict[str, Any] = {}
    if values["status"]:
        try:
            check_choice("status", values["status"], STATUSES, "an order status")
        except ValidationFailed:
            raise _field_error("status", "invalid_choice", "choose a status") from None
        api["status"] = values["status"]
    if values["hold_type"]:
        check_hold_type(values["hold_type"], "hold_type", system=True)
        api["hold_type"] = values["hold_type"]
    for name in ("channel", "location", "sku", "external_id", "customer_id"):
        if values[name]:
            api[name] = values[name]
    if values["email"]:
        api["email"] = values["email"].lower()
    if values["phone"]:
        api["phone"] = to_e164(values["phone"], None) or values["phone"]
    if values["at_risk"]:  # the API's true / false (yes / no read the same)
        if values["at_risk"] not in ("true", "false", "yes", "no"):
            raise _field_error("at_risk", "invalid_choice", "choose at risk, on track or any")
        api["at_risk"] = values["at_risk"] in ("true", "yes")
    if values["placed_from"]:
        api["placed_from"] = _moment(values["placed_from"], "placed_from", tz, end=False)
    if values["placed_to"]:
        api["placed_to"] = _moment(values["placed_to"], "placed_to", tz, end=True)
    if "placed_from" in api and "placed_to" in api and api["placed_to"] <= api["placed_from"]:
        raise _field_error("placed_to", "invalid_range", "the last day is before the first")
    find = values["find"]
    if find:
        if ORDER_ID.match(find):
            api["order_id"] = find
        elif "@" in find:
            api.setdefault("email", find.lower())
        elif CUSTOMER_ID.match(find):
            api.setdefault("customer_id", find)
        elif PHONE_LIKE.match(find) and (e164 := to_e164(find, None)):
            api.setdefault("phone", e164)
        else:
            api.setdefault("external_id", find)
    search.api = api
    return search


def run_search(uow: UnitOfWork, principal: Principal, search: Search) -> dict[str, Any]:
    """One page of orders as GET /api/v1/orders finds them for ``principal`` (newest
    first, only what a location-restricted user may see), with the names to show."""
    api = dict(search.api)
    refs: dict[str, str] = {}
    lookups = {
        "channel_id": (api.pop("channel", None), uow.repo(ChannelRepository).get),
        "sku_id": (api.pop("sku", None), uow.repo(SkuRepository).get),
        "location_id": (api.pop("location", None), uow.repo(LocationRepository).get),
    }
    unknown = []
    for name, (ref, get) in lookups.items():
        if ref is not None:
            found = get(ref)
            if found is None:
                unknown.append(name.removesuffix("_id"))
            else:
                refs[name] = found["id"]
    api.pop("order_id", None)
    before = decode_cursor(search.cursor)
    orders = []
    if not unknown:
        orders = uow.repo(OrderRepository).search(
            visible_at=principal.location_ids,
            before_id=str(before[0]) if before else None,
            limit=search.limit,
            **api,
            **refs,
        )
    more = len(orders) > search.limit
    orders = orders[: search.limit]
    channels = {}
    for channel_id in {o.channel_id for o in orders}:
        channels[channel_id] = uow.repo(ChannelRepository).get(channel_id) or {}
    return {
        "orders": list_views(uow, orders),
        "channels": channels,
        "next_cursor": encode_cursor([orders[-1].id]) if more else None,
        "unknown": unknown,
    }


def choices(uow: UnitOfWork, principal: Principal) -> dict[str, list[tuple[str, str]]]:
    """The channels and locations the filter menus offer (a restricted user: theirs)."""
    channels = uow.repo(ChannelRepository).page(type_=None, after_id=None, limit=200)
    locations = uow.repo(LocationRepository).page(type_=None, active=None, after_id=None, limit=500)
    if principal.location_ids is not None:
        locations = [loc for loc in locations if loc["id"] in principal.location_ids]
    return {
        "channel_options": [("", "Any channel")] + [(c["code"], c["name"]) for c in channels],
        "location_options": [("", "Any location")]
        + [(loc["code"], f"{loc['name']} ({loc['code']})") for loc in locations],
    }
