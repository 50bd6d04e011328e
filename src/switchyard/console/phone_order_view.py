"""What the phone order page shows for a draft: read in one transaction as the user.

``page_context`` gathers the whole page (channels, pickup stores, the lines' prices and
stock, the searches typed, the address checks and the promise); the partial routes of
``console.phone_order`` use its pieces.
"""

from __future__ import annotations

from typing import Any

from switchyard.auth.domain import LocationAccess
from switchyard.console import phone_order_lookups as lookups
from switchyard.console.phone_order_form import ADDRESS_FIELDS, COUNTRY, Draft, field_names
from switchyard.console.web import FormErrors, Staff, allowed
from switchyard.db.uow import UnitOfWork
from switchyard.locations.repository import LocationRepository
from switchyard.orders import master_data

# the inputs the address check reports on (each has an error slot e-<name>)
ADDRESS_SLOTS = (*(f"ship_{f}" for f in (*ADDRESS_FIELDS, COUNTRY)), "phone")


def locale_of(channel: dict[str, Any] | None) -> str | None:
    """The channel's locale for money (``settings.locale``), if it names one."""
    value = ((channel or {}).get("settings") or {}).get("locale")
    return value if isinstance(value, str) else None


def channel_row(uow: UnitOfWork, ref: str) -> dict[str, Any] | None:
    return master_data.channel(uow, ref) if ref else None


def checks_by_field(findings: list[Any], lines: int) -> dict[str, dict[str, str]]:
    """Address and phone findings by form field: {"severity", "message"}."""
    names = field_names([f.field for f in findings], lines)
    checks: dict[str, dict[str, str]] = {}
    for f in findings:
        checks.setdefault(names[f.field], {"severity": f.severity, "message": f.message})
    return checks


def promise_hint(draft: Draft, may: bool) -> str:
    if not may:
        return "Your role may not read delivery promises."
    if not draft.basket():
        return "Add a line to see the delivery options and their dates."
    if not draft.ship.get(COUNTRY):
        return "Enter the destination country to see the delivery dates."
    return ""


def promise_for(uow: UnitOfWork, staff: Staff, draft: Draft, channel: dict[str, Any] | None) -> Any:
    if channel is None or promise_hint(draft, lookups.may_promise(staff.principal)):
        return None
    return lookups.promise(uow, channel, draft.basket(), draft.ship)


def page_context(
    uow: UnitOfWork, staff: Staff, draft: Draft, errors: FormErrors | None = None
) -> dict[str, Any]:
    """Everything the page shows for ``draft``, read in one transaction."""
    principal = staff.principal
    channels = lookups.channels(uow)
    if not draft.channel:
        draft.channel = lookups.default_channel(channels)
    channel = channel_row(uow, draft.channel)
    lines = lookups.describe_skus(uow, principal, channel, [ln.sku for ln in draft.lines])
    customers = None
    if draft.customer_q and allowed(staff, "customers:read"):
        customers = lookups.find_customers(
            uow, principal, draft.customer_q, draft.ship.get(COUNTRY)
        )
    skus = None
    if draft.sku_q and allowed(staff, "catalog:read"):
        skus = lookups.find_skus(uow, principal, channel, draft.sku_q)
    address = draft.address()
    findings = lookups.address_findings(channel, draft.payload()) if channel and address else []
    locations = {loc["id"]: loc for loc in lookups.pickup_locations(uow)}
    return {
        "draft": draft,
        "errors": errors,
        "other_errors": _other_errors(errors, draft),
        "channels": channels,
        "channel": channel,
        "locale": locale_of(channel),
        "pickup_locations": list(locations.values()),
        "lines_info": lines,
        "customer_results": customers,
        "q": draft.customer_q,
        "sku_results": skus,
        "checks": checks_by_field(findings, len(draft.lines)),
        "address_state": "checked" if address else "empty",
        "promise": promise_for(uow, staff, draft, channel),
        "promise_hint": promise_hint(draft, lookups.may_promise(principal)),
        "may_see_stock": allowed(staff, "inventory:read", LocationAccess.ANY),
        "location_codes": location_codes(uow),
    }


def location_codes(uow: UnitOfWork) -> dict[str, str]:
    return {loc["id"]: loc["code"] for loc in uow.repo(LocationRepository).all_active()}


def _known_names(draft: Draft) -> set[str]:
    names = {"channel", "email", "name", "phone", "delivery_method", "pickup_location", "notes"}
    names |= set(ADDRESS_SLOTS) | {"lines"}
    for i in range(len(draft.lines)):
        names |= {f"line-{i}-sku", f"line-{i}-quantity"}
    return names


def _other_errors(errors: FormErrors | None, draft: Draft) -> list[tuple[str, str]]:
    """Errors about no input of the form (shown in the summary at the top)."""
    if not errors:
        return []
    known = _known_names(draft)
    return [(name, msg) for name, msg in errors.fields.items() if name not in known]
