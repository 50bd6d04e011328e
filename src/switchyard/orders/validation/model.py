"""What the validation pipeline reads and what it answers. Pure Python, no storage.

The caller (order placement) builds an ``OrderToValidate`` from the request and a
``ValidationContext`` from storage (catalog, company rules, compliance lists), then calls
``validate``. Every check reports ``Finding``s; errors reject the order, warnings place it
on hold with the finding's ``hold_type``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.orders.validation.screening import PartyScreener

Severity = Literal["error", "warning"]
HOLD_TYPES = ("address", "fraud", "compliance", "price", "payment", "manual")
ACTIONS = ("error", "hold")
DELIVERY_METHODS = ("ship", "pickup")


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """The channel an order comes from. ``settings`` tune the checks (see ``__init__``)."""

    code: str
    type: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None

    def setting(self, name: str, default: Any = None) -> Any:
        value = self.settings.get(name)
        return default if value is None else value


@dataclass(frozen=True, slots=True)
class Customer:
    email: str | None = None
    name: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class LineToValidate:
    """``discount`` is the amount off the whole line; ``unit_price`` None: the list price."""

    sku: str
    quantity: int
    unit_price: Decimal | None = None
    discount: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class OrderToValidate:
    """An order as captured, before placement. Addresses are dicts with the keys
    name, company, line1, line2, city, region, postal_code, country_code, phone."""

    channel: ChannelInfo
    external_id: str | None = None
    customer: Customer = field(default_factory=Customer)
    billing_address: Mapping[str, Any] | None = None
    shipping_address: Mapping[str, Any] | None = None
    delivery_method: str = "ship"
    pickup_location_id: str | None = None
    po_number: str | None = None
    currency: str = ""
    lines: tuple[LineToValidate, ...] = ()
    shipping_charge: Decimal = Decimal(0)
    taxes: Decimal = Decimal(0)
    notes: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def line_total(self, line: LineToValidate, list_price: Decimal | None = None) -> Decimal:
        price = line.unit_price if line.unit_price is not None else list_price or Decimal(0)
        return price * line.quantity - line.discount

    def total(self, list_prices: Mapping[str, Decimal | None] | None = None) -> Decimal:
        """Lines after discounts, plus shipping and taxes, in the order currency."""
        prices = list_prices or {}
        subtotal = sum((self.line_total(li, prices.get(li.sku)) for li in self.lines), Decimal(0))
        return subtotal + self.shipping_charge + self.taxes

    @classmethod
    def from_payload(cls, channel: ChannelInfo, data: Mapping[str, Any]) -> OrderToValidate:
        """Build from a request body already checked for types (e.g. ``model_dump()``)."""
        customer = data.get("customer") or {}
        lines = tuple(
            LineToValidate(
                sku=str(li.get("sku") or ""),
                quantity=int(li.get("quantity") or 0),
                unit_price=_decimal_or_none(li.get("unit_price")),
                discount=_decimal_or_none(li.get("discount")) or Decimal(0),
            )
            for li in data.get("lines") or ()
        )
        return cls(
            channel=channel,
            external_id=data.get("external_id"),
            customer=Customer(customer.get("email"), customer.get("name"), customer.get("phone")),
            billing_address=data.get("billing_address"),
            shipping_address=data.get("shipping_address"),
            delivery_method=data.get("delivery_method") or "ship",
            pickup_location_id=data.get("pickup_location_id"),
            po_number=data.get("po_number"),
            currency=data.get("currency") or "",
            lines=lines,
            shipping_charge=_decimal_or_none(data.get("shipping_charge")) or Decimal(0),
            taxes=_decimal_or_none(data.get("taxes")) or Decimal(0),
            notes=data.get("notes"),
            attributes=data.get("attributes") or {},
        )


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One SKU as the channel sees it; ``list_price`` is in the order currency."""

    sku: str
    active: bool = True
    sellable: bool = True
    list_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CompanyRule:
    """A company rule stored as data (see ``company_rules.KINDS`` for kinds and params)."""

    id: str
    kind: str
    params: Mapping[str, Any]
    action: str = "hold"  # error | hold
    hold_type: str | None = None  # None: the kind's default
    channel_id: str | None = None  # None: every channel
    code: str = ""


@dataclass(frozen=True, slots=True)
class Embargo:
    country_code: str
    action: str = "error"  # error | hold
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Compliance:
    """Trade-compliance inputs: embargoed countries and the denied-party screener."""

    embargoes: Mapping[str, Embargo] = field(default_factory=dict)
    screener: PartyScreener = field(default_factory=PartyScreener.empty)
    screening_threshold: float = 90.0
    hold_unscreenable_names: bool = True


@dataclass(frozen=True, slots=True)
class ValidationContext:
    """Everything the rules need from storage, loaded by the caller once per order.

    ``catalog`` is keyed by SKU code (a SKU missing from it is unknown);
    ``company_rules`` are the active rules of the order's channel plus the global ones;
    ``pickup_location_ids`` None means pickup locations are not checked here.
    """

    catalog: Mapping[str, CatalogItem] = field(default_factory=dict)
    company_rules: tuple[CompanyRule, ...] = ()
    compliance: Compliance = field(default_factory=Compliance)
    pickup_location_ids: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's verdict. Errors reject the order; warnings hold it (``hold_type``)."""

    code: str
    severity: Severity
    hold_type: str | None
    field: str
    message: str
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity == "warning" and self.hold_type not in HOLD_TYPES:
            raise ValueError(f"a warning needs a hold type from {HOLD_TYPES}")
        if self.severity == "error" and self.hold_type is not None:
            raise ValueError("an error rejects the order: it has no hold type")

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "hold_type": self.hold_type,
            "field": self.field,
            "message": self.message,
            "details": dict(self.details),
        }


def error(code: str, field: str, message: str, **details: Any) -> Finding:
    return Finding(code, "error", None, field, message, details)


def hold(hold_type: str, code: str, field: str, message: str, **details: Any) -> Finding:
    return Finding(code, "warning", hold_type, field, message, details)


def by_action(
    action: str, hold_type: str, code: str, field: str, message: str, **details: Any
) -> Finding:
    """An error or a hold, as a configured action says."""
    if action == "error":
        return error(code, field, message, **details)
    return hold(hold_type, code, field, message, **details)


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """All findings at once, plus the normalised addresses and E.164 phone to store."""

    findings: tuple[Finding, ...]
    shipping_address: dict[str, Any] | None = None
    billing_address: dict[str, Any] | None = None
    phone: str | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def hold_types(self) -> tuple[str, ...]:
        """The holds to place, in ``HOLD_TYPES`` order."""
        found = {f.hold_type for f in self.warnings}
        return tuple(h for h in HOLD_TYPES if h in found)

    @property
    def rejected(self) -> bool:
        return bool(self.errors)

    @property
    def on_hold(self) -> bool:
        return not self.errors and bool(self.warnings)

    def raise_for_errors(self, code: str = "order_rejected") -> None:
        """Raise ValidationFailed (422) listing every error; do nothing when there is none."""
        errors = self.errors
        if errors:
            raise ValidationFailed(
                code,
                f"the order failed {len(errors)} check(s)",
                [FieldError(f.field, f.code, f.message) for f in errors],
            )
