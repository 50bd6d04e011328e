"""The seller entity of a channel (channels.seller): required fields, the address per
country, VAT id format and check digits, IBAN, email and phone, in canonical form."""

from __future__ import annotations

from typing import Any

import pytest

from switchyard.channels.domain import validate_channel
from switchyard.channels.seller import check_seller, iban_errors, vat_errors
from switchyard.kernel.errors import ValidationFailed

SELLER: dict[str, Any] = {
    "legal_name": "Nordlicht Mode GmbH",
    "address": {
        "line1": "Juri-Gagarin-Ring 90",
        "postal_code": "99084",
        "city": "Erfurt",
        "country_code": "de",
    },
    "vat_id": "de 136 695 976",
    "registration": "HRB 500001, Amtsgericht Jena",
    "iban": "DE89 3704 0044 0532 0130 00",
    "email": "Rechnung@Example.com",
    "phone": "0361 5550100",
}


def problems(**over: Any) -> dict[str, str]:
    seller = {**SELLER, **over}
    return {e.field.removeprefix("settings.seller."): e.code for e in check_seller(seller)[1]}


def test_a_complete_seller_is_kept_in_canonical_form():
    seller, errors = check_seller(SELLER)
    assert errors == []
    assert seller == {
        "legal_name": "Nordlicht Mode GmbH",
        "address": {
            "line1": "Juri-Gagarin-Ring 90",
            "postal_code": "99084",
            "city": "Erfurt",
            "country_code": "DE",
        },
        "vat_id": "DE136695976",
        "registration": "HRB 500001, Amtsgericht Jena",
        "iban": "DE89370400440532013000",
        "email": "Rechnung@example.com",
        "phone": "+493615550100",
    }


def test_a_legal_name_and_an_address_are_all_a_seller_needs():
    seller, errors = check_seller({"legal_name": "A", "address": SELLER["address"]})
    assert errors == [] and set(seller) == {"legal_name", "address"}
    assert problems(legal_name=None) == {"legal_name": "required"}
    assert problems(legal_name="  ") == {"legal_name": "required"}
    assert problems(legal_name="x" * 201) == {"legal_name": "too_long"}
    assert problems(address=None) == {"address": "required"}
    assert problems(address="Erfurt") == {"address": "invalid_type"}
    assert problems(legal_name=7) == {"legal_name": "invalid_type"}
    assert check_seller("Nordlicht")[1][0].field == "settings.seller"


def test_unknown_fields_are_refused_not_dropped():
    assert problems(vat="DE136695976") == {"vat": "unknown_field"}
    address = {**SELLER["address"], "street": "x"}
    assert problems(address=address) == {"address.street": "unknown_field"}


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"postal_code": "9908"}, "address.postal_code", "invalid_postal_code"),
        ({"postal_code": None}, "address.postal_code", "address_field_required"),
        ({"line1": ""}, "address.line1", "address_field_required"),
        ({"country_code": "XX"}, "address.country_code", "unknown_country"),
        ({"country_code": None}, "address.country_code", "required"),
        ({"city": 5}, "address.city", "invalid_type"),
    ],
)
def test_the_address_is_checked_like_an_orders(change, field, code):
    assert problems(address={**SELLER["address"], **change}).get(field) == code


@pytest.mark.parametrize(
    ("vat_id", "country", "code"),
    [
        ("DE136695976", "DE", None),
        ("DE136695975", "DE", "invalid_vat_id"),  # check digit
        ("DE13669597", "DE", "invalid_vat_id"),  # eight digits
        ("ATU13585627", "DE", "vat_country_mismatch"),
        ("ATU13585627", "AT", None),
        ("ATU13585628", "AT", "invalid_vat_id"),
        ("AT13585627", "AT", "invalid_vat_id"),  # no U
        ("NL123456789B01", "NL", None),
        ("NL123456789", "NL", "invalid_vat_id"),
        ("EL123456789", "GR", None),
        ("GR123456789", "GR", "vat_country_mismatch"),
        ("XI123456789", "GB", None),
        ("CHE123456789MWST", "CH", None),
        ("123456789", "US", None),  # no VAT: any tax number of 4 to 20 letters and digits
        ("1-2", "US", "invalid_vat_id"),
    ],
)
def test_vat_ids_fit_the_seller_s_country(vat_id, country, code):
    errors = vat_errors(vat_id, country)
    assert [e.code for e in errors] == ([code] if code else [])


def test_the_vat_id_is_compacted_and_checked_against_the_address_country():
    assert problems(vat_id="de-136.695.976") == {}
    assert problems(vat_id="FR40303265045") == {"vat_id": "vat_country_mismatch"}
    vienna = {"line1": "Kärntner Strasse 19", "postal_code": "1010", "city": "Wien"}
    assert problems(address={**vienna, "country_code": "AT"}) == {"vat_id": "vat_country_mismatch"}
    assert problems(address={**vienna, "country_code": "AT"}, vat_id="ATU 1358 5627") == {}
    # an unknown country is reported once, on the address
    assert problems(address={**SELLER["address"], "country_code": "XX"}) == {
        "address.country_code": "unknown_country"
    }


def test_iban_length_and_check_digits():
    assert iban_errors("DE89370400440532013000") == []
    assert [e.code for e in iban_errors("DE88370400440532013000")] == ["invalid_iban"]
    assert [e.code for e in iban_errors("DE8937040044053201300")] == ["invalid_iban"]  # 21
    assert [e.code for e in iban_errors("89370400440532013000")] == ["invalid_iban"]
    assert iban_errors("GB82WEST12345698765432") == []
    assert problems(iban="DE89 3704 0044 0532 0130 01") == {"iban": "invalid_iban"}


def test_email_and_phone():
    assert problems(email="not an address") == {"email": "invalid_email"}
    assert problems(phone="12") == {"phone": "invalid_phone"}
    assert check_seller({**SELLER, "phone": "+43 1 5120000"})[0]["phone"] == "+4315120000"


def test_the_channel_stores_the_canonical_seller_and_null_removes_it():
    values = validate_channel({"settings": {"po_required": True, "seller": SELLER}})
    assert values["settings"]["po_required"] is True
    assert values["settings"]["seller"]["vat_id"] == "DE136695976"
    assert validate_channel({"settings": {"seller": None}}) == {"settings": {}}
    with pytest.raises(ValidationFailed) as err:
        validate_channel({"settings": {"seller": {**SELLER, "vat_id": "DE1"}}, "currency": "eur"})
    assert err.value.code == "invalid_channel"
    assert {e.field for e in err.value.errors} == {"settings.seller.vat_id", "currency"}
