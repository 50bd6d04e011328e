"""Phone numbers: parsed in the address's country, stored in E.164."""

from __future__ import annotations

from typing import Any

import pytest

from switchyard.orders.validation import (
    ChannelInfo,
    Customer,
    OrderToValidate,
    ValidationContext,
    validate,
)
from switchyard.orders.validation.phone import to_e164
from switchyard.orders.validation.pipeline import ADDRESS, PHONE


def run(phone: str | None, country: str = "DE", settings: dict[str, Any] | None = None, **ship):
    address = {"line1": "x", "city": "y", "postal_code": "10117", "country_code": country, **ship}
    o = OrderToValidate(
        channel=ChannelInfo("web", "web", settings or {}),
        customer=Customer("a@b.de", "A B", phone),
        shipping_address=address,
    )
    return validate(o, ValidationContext(), [PHONE])


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("030 1234567", "DE", "+49301234567"),
        ("(650) 253-0000", "US", "+16502530000"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("03-1234-5678", "JP", "+81312345678"),
        ("(11) 91234-5678", "BR", "+5511912345678"),
        ("+1 650 253 0000", "DE", "+16502530000"),  # an explicit country code wins
        ("+49 30 1234567", None, "+49301234567"),
    ],
)
def test_valid_numbers_become_e164(raw, region, e164):
    assert to_e164(raw, region) == e164


@pytest.mark.parametrize(
    ("raw", "region"), [("12345", "DE"), ("hello", "DE"), ("0301234567", None), ("+999 1234", None)]
)
def test_invalid_numbers(raw, region):
    assert to_e164(raw, region) is None


def test_the_customer_phone_is_read_in_the_ship_to_country():
    result = run("(650) 253-0000", "US", region="CA", city="Mountain View", postal_code="94043")
    assert result.findings == () and result.phone == "+16502530000"


def test_an_invalid_phone_holds_by_default_and_rejects_when_configured():
    held = run("12345")
    assert [(f.code, f.severity, f.hold_type, f.field) for f in held.findings] == [
        ("invalid_phone", "warning", "address", "customer.phone")
    ]
    rejected = run("12345", settings={"phone_invalid_action": "error"})
    assert [(f.code, f.severity) for f in rejected.findings] == [("invalid_phone", "error")]


def test_address_phones_are_normalised_in_their_own_country():
    o = OrderToValidate(
        channel=ChannelInfo("web", "web"),
        customer=Customer("a@b.de", "A", None),
        shipping_address={
            "line1": "x",
            "city": "London",
            "postal_code": "SW1A 2AA",
            "country_code": "gb",
            "phone": "020 7946 0018",
        },
        billing_address={
            "line1": "x",
            "city": "Berlin",
            "postal_code": "10117",
            "country_code": "DE",
            "phone": "not a phone",
        },
    )
    result = validate(o, ValidationContext(), [ADDRESS, PHONE])
    assert result.shipping_address["phone"] == "+442079460018"
    assert [(f.code, f.field) for f in result.findings] == [
        ("invalid_phone", "billing_address.phone")
    ]


def test_no_phone_no_finding():
    assert run(None).findings == () and run("  ").findings == ()
