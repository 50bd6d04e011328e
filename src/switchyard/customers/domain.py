"""Customer rules: email identity and address fingerprints. Pure Python."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed

MAX_EMAIL = 320
# The parts of an address that say where it goes; the phone number is left out, so the same
# address with a new phone number is still the same address.
FINGERPRINT_FIELDS = (
    "name",
    "company",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country_code",
)
_NOT_WORD = re.compile(r"[\W_]+")


def normalise_email(email: str, field: str = "email") -> str:
    """The customer's identity: the email trimmed and lower-cased, checked for shape."""
    value = email.strip().lower()
    local, at, domain = value.rpartition("@")
    labels = domain.split(".")
    valid = (
        at == "@"
        and 0 < len(local) <= 64
        and len(value) <= MAX_EMAIL
        and len(labels) >= 2
        and all(labels)
        and not any(ch.isspace() for ch in value)
    )
    if not valid:
        raise ValidationFailed(
            "invalid_email",
            f"'{email}' is not an email address",
            [FieldError(field, "invalid_email", "an address such as ada@example.com")],
        )
    return value


def _fold(text: str) -> str:
    """Case, accents, punctuation and spacing do not make a different address."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).split())


def address_fingerprint(address: dict[str, Any]) -> str:
    """A stable hash of the normalised address, equal for two spellings of one address."""
    parts = []
    for name in FINGERPRINT_FIELDS:
        value = str(address.get(name) or "")
        if name in ("postal_code", "country_code"):
            value = "".join(ch for ch in value if ch.isalnum()).upper()
        else:
            value = _fold(value)
        parts.append(value)
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
