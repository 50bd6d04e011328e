"""Payments of an order and the rules that keep their amounts adding up.

A payment is an authorization (a promise of money) from one provider. Captures take money
from it, refunds give captured money back, voids release what will not be captured:

    captured + voided <= authorized        refunded <= captured

The status is derived from these amounts, so it can never disagree with them. Providers:
``manual`` (offline: cash, bank transfer), ``invoice`` (pay on invoice, B2B: the
authorization is the customer's promise, captured when the money arrives) and
``external`` (a PSP's result recorded by its reference).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.money import format_amount, minor_units

PROVIDERS = frozenset({"manual", "invoice", "external"})
ZERO = Decimal(0)


class PaymentStatus:
    AUTHORIZED = "authorized"
    PARTIALLY_CAPTURED = "partially_captured"
    CAPTURED = "captured"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"


class TxKind:
    AUTHORIZE = "authorize"
    CAPTURE = "capture"
    REFUND = "refund"
    VOID = "void"


def check_amount(amount: Decimal, currency: str, field: str = "amount") -> Decimal:
    """A positive amount with no more decimals than the currency's minor unit."""
    digits = minor_units(currency)
    if amount <= 0:
        raise ValidationFailed(
            "invalid_amount",
            "the amount must be greater than zero",
            [FieldError(field, "invalid_amount", "must be greater than zero")],
        )
    if amount != amount.quantize(Decimal(1).scaleb(-digits)):
        raise ValidationFailed(
            "invalid_amount",
            f"{currency} amounts have at most {digits} decimals",
            [FieldError(field, "too_many_decimals", f"at most {digits} decimals")],
        )
    return amount


@dataclass(slots=True)
class Transaction:
    """One entry of a payment's ledger."""

    id: str
    payment_id: str
    kind: str
    amount: Decimal
    reference: str | None
    created_at: datetime
    fulfillment_id: str | None = None
    invoice_id: str | None = None


@dataclass(slots=True)
class Payment:
    id: str
    order_id: str
    channel_id: str
    provider: str
    currency: str
    amount: Decimal  # what was asked for; authorized is 0 when the authorization failed
    authorized: Decimal
    created_at: datetime
    updated_at: datetime
    captured: Decimal = ZERO
    refunded: Decimal = ZERO
    voided: Decimal = ZERO
    provider_reference: str | None = None
    failure_reason: str | None = None
    version: int = 1

    @property
    def failed(self) -> bool:
        return self.failure_reason is not None

    @property
    def capturable(self) -> Decimal:
        return self.authorized - self.captured - self.voided

    @property
    def refundable(self) -> Decimal:
        return self.captured - self.refunded

    @property
    def captures_on_shipment(self) -> bool:
        """Pay-on-invoice promises are captured when the customer pays, not on shipment."""
        return self.provider != "invoice" and not self.failed

    @property
    def status(self) -> str:
        if self.failed:
            return PaymentStatus.FAILED
        if self.refunded > 0:
            if self.refunded == self.captured:
                return PaymentStatus.REFUNDED
            return PaymentStatus.PARTIALLY_REFUNDED
        if self.captured > 0:
            if self.capturable == 0:
                return PaymentStatus.CAPTURED
            return PaymentStatus.PARTIALLY_CAPTURED
        if self.voided > 0 and self.capturable == 0:
            return PaymentStatus.VOIDED
        return PaymentStatus.AUTHORIZED

    def capture(self, amount: Decimal | None) -> Decimal:
        """Capture ``amount`` (everything capturable when None); returns the amount."""
        self._usable("capture")
        amount = self._amount(amount, self.capturable, "over_capture", "capturable")
        self.captured += amount
        return amount

    def refund(self, amount: Decimal | None) -> Decimal:
        """Give back ``amount`` of the captured money (all that is refundable when None)."""
        self._usable("refund")
        amount = self._amount(amount, self.refundable, "over_refund", "refundable")
        self.refunded += amount
        return amount

    def void(self, amount: Decimal | None) -> Decimal:
        """Release ``amount`` of the authorization (all that is still capturable when None)."""
        self._usable("void")
        amount = self._amount(amount, self.capturable, "over_void", "capturable")
        self.voided += amount
        return amount

    def _usable(self, action: str) -> None:
        if self.failed:
            raise Conflict("payment_failed", f"payment {self.id} failed: nothing to {action}")

    def _amount(self, amount: Decimal | None, limit: Decimal, code: str, what: str) -> Decimal:
        if amount is None:
            if limit <= 0:
                raise Conflict(code, f"payment {self.id} has nothing {what}")
            return limit
        check_amount(amount, self.currency)
        if amount > limit:
            left = format_amount(limit, self.currency)
            raise Conflict(
                code,
                f"{amount} {self.currency} is more than the {left} {self.currency} {what}",
                [FieldError("amount", code, f"at most {left}")],
                extra={what: left},
            )
        return amount

    def event(self, type_: str, data: dict[str, Any] | None = None) -> DomainEvent:
        return DomainEvent(
            type_,
            "payment",
            self.id,
            {
                "provider": self.provider,
                "status": self.status,
                "currency": self.currency,
                "authorized": str(self.authorized),
                "captured": str(self.captured),
                "refunded": str(self.refunded),
                **(data or {}),
            },
            order_id=self.order_id,
            channel_id=self.channel_id,
        )


def validate_new(provider: str, reference: str | None, result: str) -> None:
    """Check an authorization request's provider, reference and result."""
    errors = []
    if provider not in PROVIDERS:
        errors.append(
            FieldError("provider", "invalid_choice", f"one of: {', '.join(sorted(PROVIDERS))}")
        )
    if provider == "external" and not reference:
        errors.append(
            FieldError("reference", "required", "an external payment needs the PSP's reference")
        )
    if result == "failed" and provider != "external":
        errors.append(
            FieldError("result", "invalid_choice", "only external payments record failures")
        )
    if errors:
        raise ValidationFailed("invalid_payment", "the payment is not valid", errors)


def plan_captures(payments: list[Payment], amount: Decimal) -> list[tuple[Payment, Decimal]]:
    """How much to capture from each payment (oldest first) to cover ``amount``."""
    plan = []
    left = amount
    for payment in payments:
        if left <= 0:
            break
        if not payment.captures_on_shipment or payment.capturable <= 0:
            continue
        take = min(left, payment.capturable)
        plan.append((payment, take))
        left -= take
    return plan
