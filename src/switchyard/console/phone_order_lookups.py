"""What the phone order form looks up while the agent talks: channels and pickup stores,
customers by email or phone, SKUs with their price and live availability, the promise
dates for the basket, and the address checks of order intake.

Each function runs inside the caller's unit of work and calls the same services and
repositories as the API endpoint that answers the question (``customers.endpoints``
list and address book, ``catalog`` SKU list and prices, ``inventory.availability``,
``sourcing.quotes.promise``, ``orders.validation``); none writes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from switchyard.auth.domain import LocationAccess, Principal
from switchyard.catalog.repository import ProductRepository, SkuRepository
from switchyard.channels.repository import ChannelRepository
from switchyard.console.formatting import error_sentence
from switchyard.customers import service as customers
from switchyard.customers.repository import CustomerRepository
from switchyard.db.uow import UnitOfWork
from switchyard.inventory.availability import availability
from switchyard.kernel.errors import SwitchyardError
from switchyard.locations.repository import LocationRepository
from switchyard.orders import master_data, visibility
from switchyard.orders.checks import channel_info
from switchyard.orders.validation import Finding, OrderToValidate, ValidationContext, validate
from switchyard.orders.validation.phone import to_e164
from switchyard.orders.validation.pipeline import ADDRESS, PHONE
from switchyard.sourcing import quotes

MAX_CHANNELS = 100
RESULTS = 8  # customers or SKUs shown for what was typed
MIN_QUERY = 2
_PHONE_LIKE = re.compile(r"^\+?[\d\s()./-]{5,}$")


def channels(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The channels an order may be taken for, call-centre channels first."""
    rows = uow.repo(ChannelRepository).page(type_=None, after_id=None, limit=MAX_CHANNELS)
    return sorted(rows, key=lambda c: (c["type"] != "call_center", c["name"].lower()))


def default_channel(rows: Sequence[dict[str, Any]]) -> str:
    return rows[0]["code"] if rows else ""


def pickup_locations(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Active locations that hand orders over to customers."""
    return [
        loc
        for loc in uow.repo(LocationRepository).all_active()
        if "pickup" in (loc["capabilities"] or [])
    ]


def find_customers(
    uow: UnitOfWork, principal: Principal, typed: str, country: str | None
) -> list[dict[str, Any]]:
    """Customers whose email, name or phone contain what was typed (a phone number is
    read in ``country`` and matched in the E.164 form customers are stored in), as the
    customers API's ``q`` search, among the customers the principal may see."""
    text = typed.strip()[:200]
    if len(text) < MIN_QUERY:
        return []
    term = text
    if _PHONE_LIKE.match(text):
        term = to_e164(text, (country or "").upper() or None) or re.sub(r"[^\d+]", "", text)
    locations = principal.location_ids
    return uow.repo(CustomerRepository).page(
        email=None,
        q=term,
        after_id=None,
        limit=RESULTS,
        among=None if locations is None else visibility.customer_ids(locations),
    )


def customer_with_address(
    uow: UnitOfWork, principal: Principal, customer_id: str
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The customer (404 unless the principal sees them) and the last address of their
    book (when the principal may read address books)."""
    row = customers.get_customer(uow, customer_id)
    visibility.require_customer(uow, principal, customer_id)
    address = None
    if principal.permits("customers:read", LocationAccess.UNRESTRICTED):
        book = customers.list_addresses(uow, customer_id, after_id=None, limit=50)
        address = dict(book[-1]["address"]) if book else None
    return row, address


def describe_skus(
    uow: UnitOfWork,
    principal: Principal,
    channel: dict[str, Any] | None,
    refs: Sequence[str],
    rows: Sequence[dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per SKU code: its names, the channel's price and (for a principal who may read
    stock) what the channel may sell, in total and at each location the principal sees.
    Unknown codes are left out."""
    found = (
        list(rows)
        if rows is not None
        else list(uow.repo(SkuRepository).by_refs(list(refs)).values())
    )
    if not found:
        return {}
    ids = [r["id"] for r in found]
    products = uow.repo(ProductRepository).names([r["product_id"] for r in found])
    prices = master_data.prices_for(uow, ids, channel["id"], channel["currency"]) if channel else {}
    stock: dict[str, dict[str, Any]] = {}
    if principal.permits("inventory:read", LocationAccess.ANY):
        for item in availability(uow, ids, channel_id=channel["id"] if channel else None):
            item["locations"] = [
                loc
                for loc in item["locations"]
                if principal.can_access_location(loc["location_id"])
            ]
            stock[item["sku_id"]] = item
    return {
        r["sku"]: {
            "id": r["id"],
            "sku": r["sku"],
            "name": r["name"],
            "product": products.get(r["product_id"], ""),
            "active": r["active"],
            "price": prices.get(r["id"]),
            "stock": stock.get(r["id"]),
        }
        for r in found
    }


def find_skus(
    uow: UnitOfWork, principal: Principal, channel: dict[str, Any] | None, typed: str
) -> list[dict[str, Any]]:
    """Active SKUs whose code or name contain what was typed (the SKU API's ``q``), a
    barcode scanned exactly first, described as ``describe_skus``."""
    text = typed.strip()[:100]
    if len(text) < MIN_QUERY:
        return []
    repo = uow.repo(SkuRepository)
    rows = repo.page(
        product_id=None, active=True, q=None, barcode=text, after_id=None, limit=RESULTS
    )
    rows += [
        r
        for r in repo.page(
            product_id=None, active=True, q=text, barcode=None, after_id=None, limit=RESULTS
        )
        if r["id"] not in {x["id"] for x in rows}
    ]
    described = describe_skus(uow, principal, channel, [], rows[:RESULTS])
    return list(described.values())


def may_promise(principal: Principal) -> bool:
    return principal.permits("orders:read", LocationAccess.ANY)


def promise(
    uow: UnitOfWork,
    channel: dict[str, Any],
    lines: Sequence[tuple[str, int]],
    address: dict[str, Any],
) -> dict[str, Any]:
    """The delivery and pickup options of ``GET /promise`` for the basket, or
    ``{"problem": sentence}`` when it cannot be answered (unknown SKU, country...)."""
    try:
        return quotes.promise(
            uow,
            channel["id"],
            [sku for sku, _ in lines],
            [qty for _, qty in lines],
            {
                "country_code": (address.get("country_code") or "").upper(),
                "postal_code": address.get("postal_code") or None,
                "city": address.get("city") or None,
            },
        )
    except SwitchyardError as exc:
        return {"problem": error_sentence(exc), "options": [], "reasons": []}


def address_findings(channel: dict[str, Any], payload: dict[str, Any]) -> list[Finding]:
    """The findings order intake's address and phone rules have about ``payload`` (an
    order body): errors reject the order, warnings hold it (the channel's settings say
    which)."""
    address_only = dict(payload, lines=[])  # the lines are not these rules' business
    order = OrderToValidate.from_payload(channel_info(channel), address_only)
    return list(validate(order, ValidationContext(), rules=(ADDRESS, PHONE)).findings)
