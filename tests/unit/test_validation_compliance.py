"""Trade compliance in the pipeline: embargoed destinations and denied parties."""

from __future__ import annotations

from typing import Any

from switchyard.orders.validation import (
    ChannelInfo,
    Compliance,
    Customer,
    DeniedParty,
    Embargo,
    OrderToValidate,
    PartyScreener,
    ValidationContext,
    validate,
)
from switchyard.orders.validation.pipeline import ADDRESS, DENIED_PARTY, EMBARGO

SCREENER = PartyScreener(
    [
        DeniedParty("p1", "TARASOV, Grigory", (), "SDN", ("SDGT",)),
        DeniedParty("p2", "Orion Vektor Trading LLC", (), "Entity List (EL)"),
    ]
)
EMBARGOES = {"KP": Embargo("KP", "error", "comprehensive"), "BY": Embargo("BY", "hold")}


def order(customer: str = "Ana Silva", country: str = "DE", **ship: Any) -> OrderToValidate:
    address = {"name": "Ana Silva", "line1": "x", "city": "y", "country_code": country, **ship}
    return OrderToValidate(
        channel=ChannelInfo("web", "web"),
        customer=Customer("a@b.example", customer),
        shipping_address=address,
    )


def run(o: OrderToValidate, **compliance: Any):
    ctx = ValidationContext(
        compliance=Compliance(
            embargoes=compliance.pop("embargoes", EMBARGOES),
            screener=compliance.pop("screener", SCREENER),
            **compliance,
        )
    )
    return validate(o, ctx, [ADDRESS, EMBARGO, DENIED_PARTY])


def found(result) -> list[tuple[str, str, str | None, str]]:
    return [
        (f.code, f.severity, f.hold_type, f.field)
        for f in result.findings
        if f.code not in ("address_field_required", "invalid_postal_code")
    ]


def test_a_clean_order_passes():
    assert found(run(order())) == []


def test_an_embargoed_destination_is_an_error_or_a_hold_as_configured():
    assert found(run(order(country="kp"))) == [
        ("embargoed_country", "error", None, "shipping_address.country_code")
    ]
    assert found(run(order(country="BY"))) == [
        ("embargoed_country", "warning", "compliance", "shipping_address.country_code")
    ]


def test_an_embargoed_billing_country_counts_too():
    o = OrderToValidate(
        channel=ChannelInfo("web", "web"),
        shipping_address={
            "line1": "x",
            "city": "Berlin",
            "postal_code": "10117",
            "country_code": "DE",
        },
        billing_address={"line1": "x", "city": "y", "country_code": "KP"},
    )
    assert ("embargoed_country", "error", None, "billing_address.country_code") in found(run(o))


def test_customer_ship_to_name_and_company_are_screened():
    result = run(order("Grigory Tarasov"))
    assert found(result) == [("denied_party_match", "warning", "compliance", "customer.name")]
    details = next(f.details for f in result.findings if f.code == "denied_party_match")
    assert details["party_id"] == "p1" and details["source"] == "SDN" and details["score"] == 100
    by_company = run(order(company="ORION VECTOR TRADING"))
    assert found(by_company) == [
        ("denied_party_match", "warning", "compliance", "shipping_address.company")
    ]
    by_ship_to = run(order(name="Tarasov Grigory"))
    assert found(by_ship_to) == [
        ("denied_party_match", "warning", "compliance", "shipping_address.name")
    ]


def test_the_threshold_is_configurable():
    assert found(run(order("Grigori Tarasoff"), screening_threshold=80)) != []
    assert found(run(order("Grigori Tarasoff"), screening_threshold=95)) == []


def test_unscreenable_names_hold_unless_switched_off():
    assert found(run(order("山田太郎"))) == [
        ("name_not_screenable", "warning", "compliance", "customer.name")
    ]
    assert found(run(order("山田太郎"), hold_unscreenable_names=False)) == []


def test_no_list_loaded_means_no_screening():
    assert found(run(order("Grigory Tarasov"), screener=PartyScreener.empty())) == []
