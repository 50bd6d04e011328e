"""Returns as plain rules: the states of a return, what may be asked back, inspection and
refund arithmetic. No framework or database here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from switchyard.channels.return_policy import REASONS, ReturnPolicy
from switchyard.kernel.errors import Conflict, FieldError, ValidationFailed
from switchyard.kernel.events import DomainEvent

REQUESTED, AUTHORISED, LABEL_ISSUED, IN_TRANSIT = (
    "requested",
    "authorised",
    "label_issued",
    "in_transit",
)
RECEIVED, INSPECTED, CLOSED, REJECTED, CANCELLED = (
    "received",
    "inspected",
    "closed",
    "rejected",
    "cancelled",
)
STATUSES = (
    REQUESTED,
    AUTHORISED,
    LABEL_ISSUED,
    IN_TRANSIT,
    RECEIVED,
    INSPECTED,
    CLOSED,
    REJECTED,
    CANCELLED,
)
CENT = Decimal("0.01")
OPEN = (REQUESTED, AUTHORISED, LABEL_ISSUED, IN_TRANSIT, RECEIVED, INSPECTED)
KINDS = ("return", "exchange", "advance_exchange", "claim")
SOURCES = ("customer", "staff", "store")
DISPOSITIONS = ("restock", "damaged", "return_to_vendor", "destroy")
_COLUMN = {
    "restock": "restocked",
    "damaged": "damaged",
    "return_to_vendor": "return_to_vendor",
    "destroy": "destroyed",
}

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "authorise": (frozenset({REQUESTED}), AUTHORISED),
    "reject": (frozenset({REQUESTED, AUTHORISED}), REJECTED),
    "cancel": (frozenset({REQUESTED, AUTHORISED, LABEL_ISSUED}), CANCELLED),
    "issue_label": (frozenset({AUTHORISED, LABEL_ISSUED}), LABEL_ISSUED),
    "in_transit": (frozenset({AUTHORISED, LABEL_ISSUED}), IN_TRANSIT),
    "receive": (frozenset({AUTHORISED, LABEL_ISSUED, IN_TRANSIT}), RECEIVED),
    "inspect": (frozenset({RECEIVED}), INSPECTED),
    "close": (frozenset({INSPECTED}), CLOSED),
}
REFUSALS = {  # the 409 code when the status does not allow the action
    "authorise": "return_not_authorisable",
    "reject": "return_not_rejectable",
    "cancel": "return_not_cancellable",
    "issue_label": "return_not_labellable",
    "in_transit": "return_not_shippable",
    "receive": "return_not_receivable",
    "inspect": "return_not_inspectable",
    "close": "return_not_closable",
}
EVENTS = {
    "authorise": "return.authorised",
    "reject": "return.rejected",
    "cancel": "return.cancelled",
    "issue_label": "return.label_issued",
    "in_transit": "return.in_transit",
    "receive": "return.received",
    "inspect": "return.inspected",
    "close": "return.closed",
}


@dataclass(slots=True)
class ReturnLine:
    id: str
    order_line_id: str
    sku_id: str
    sku: str
    quantity: int
    reason: str
    received: int = 0
    restocked: int = 0
    damaged: int = 0
    return_to_vendor: int = 0
    destroyed: int = 0

    @property
    def inspected(self) -> int:
        return self.restocked + self.damaged + self.return_to_vendor + self.destroyed

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "order_line_id": self.order_line_id,
            "sku": self.sku,
            "quantity": self.quantity,
            "reason": self.reason,
            "received": self.received,
            "accepted": self.restocked,
            "damaged": self.damaged,
            "return_to_vendor": self.return_to_vendor,
            "destroyed": self.destroyed,
        }


@dataclass(slots=True)
class Return:
    id: str
    order_id: str
    channel_id: str
    kind: str
    source: str
    status: str
    shipping_paid_by: str
    created_at: datetime
    updated_at: datetime
    lines: list[ReturnLine] = field(default_factory=list)
    location_id: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    replacement_order_id: str | None = None
    note: str | None = None
    received_at: datetime | None = None
    version: int = 1

    def move(self, action: str, now: datetime) -> str:
        """Take ``action``; the status it came from (409 ``return_not_<action>able``)."""
        allowed, to = TRANSITIONS[action]
        if self.status not in allowed:
            raise Conflict(
                REFUSALS[action],
                f"return {self.id} is {self.status}: cannot {action.replace('_', ' ')}",
                extra={"status": self.status},
            )
        before, self.status, self.updated_at = self.status, to, now
        return before

    def line(self, line_id: str, field_name: str) -> ReturnLine:
        for ln in self.lines:
            if line_id in (ln.id, ln.order_line_id, ln.sku):
                return ln
        raise ValidationFailed(
            "unknown_return_line",
            f"return {self.id} has no line {line_id}",
            [FieldError(field_name, "unknown_return_line", "a line of this return")],
        )

    def event(self, type_: str, data: dict[str, Any] | None = None) -> DomainEvent:
        return DomainEvent(
            type_,
            "return",
            self.id,
            {
                "kind": self.kind,
                "status": self.status,
                "lines": [ln.view() for ln in self.lines],
                **(data or {}),
            },
            order_id=self.order_id,
            channel_id=self.channel_id,
        )


@dataclass(frozen=True, slots=True)
class Returnable:
    """An order line as far as returns care: what was delivered and what is already
    asked back by open or finished returns."""

    order_line_id: str
    sku_id: str
    sku: str
    delivered: int
    requested: int  # in returns not rejected or cancelled

    @property
    def left(self) -> int:
        return self.delivered - self.requested


@dataclass(frozen=True, slots=True)
class Asked:
    line: str  # order line id or SKU code
    quantity: int
    reason: str


def check_request(
    policy: ReturnPolicy,
    delivered_at: datetime | None,
    now: datetime,
    lines: list[Returnable],
    asked: list[Asked],
    *,
    claim: bool = False,
) -> list[tuple[Returnable, Asked]]:
    """Match what is asked back to the order's lines; raise 422 naming each fault.

    Codes: ``nothing_delivered``, ``return_window_expired``, ``unknown_line``,
    ``invalid_reason``, ``not_returnable``, ``more_than_delivered``, ``no_lines``.
    A claim (missing or damaged in transit) ignores the window and the SKU list.
    """
    if not asked:
        raise ValidationFailed(
            "no_lines", "say what comes back", [FieldError("lines", "no_lines", "one or more")]
        )
    if delivered_at is None:
        raise ValidationFailed(
            "nothing_delivered",
            "nothing of this order was delivered yet",
            [FieldError("order", "nothing_delivered", "returns start after delivery")],
        )
    if not claim and now > delivered_at + timedelta(days=policy.window_days):
        last = (delivered_at + timedelta(days=policy.window_days)).date().isoformat()
        raise ValidationFailed(
            "return_window_expired",
            f"the {policy.window_days}-day return window ended on {last}",
            [FieldError("order", "return_window_expired", f"returns were accepted until {last}")],
            extra={"window_days": policy.window_days, "last_day": last},
        )
    errors: list[FieldError] = []
    matched: list[tuple[Returnable, Asked]] = []
    taken: dict[str, int] = {}
    for i, a in enumerate(asked):
        at = f"lines.{i}"
        found = next((ln for ln in lines if a.line in (ln.order_line_id, ln.sku)), None)
        if found is None:
            errors.append(FieldError(f"{at}.line", "unknown_line", "not a line of this order"))
            continue
        if a.reason not in REASONS:
            errors.append(
                FieldError(f"{at}.reason", "invalid_reason", f"one of: {', '.join(REASONS)}")
            )
        if not claim and not policy.returnable(found.sku):
            errors.append(
                FieldError(f"{at}.line", "not_returnable", f"{found.sku} cannot be returned")
            )
        already = taken.get(found.order_line_id, 0)
        if a.quantity <= 0 or a.quantity + already > found.left:
            errors.append(
                FieldError(
                    f"{at}.quantity",
                    "more_than_delivered",
                    f"at most {max(found.left - already, 0)} of {found.sku} can come back",
                )
            )
        taken[found.order_line_id] = already + a.quantity
        matched.append((found, a))
    if errors:
        codes = {e.code for e in errors}
        code = next(
            (c for c in ("more_than_delivered", "not_returnable", "unknown_line") if c in codes),
            errors[0].code,
        )
        raise ValidationFailed(code, "the return cannot be accepted as asked", errors)
    return matched


@dataclass(frozen=True, slots=True)
class Disposition:
    line: str
    disposition: str
    quantity: int


def check_receipt(ret: Return, received: dict[str, int] | None) -> dict[str, int]:
    """Units received per return line id (None: everything asked for)."""
    if received is None:
        return {ln.id: ln.quantity for ln in ret.lines}
    out: dict[str, int] = {}
    errors = []
    for key, qty in received.items():
        ln = ret.line(key, f"lines.{key}")
        if qty < 0 or qty > ln.quantity:
            errors.append(FieldError(f"lines.{key}", "more_than_requested", f"0..{ln.quantity}"))
        out[ln.id] = qty
    if errors:
        raise ValidationFailed("more_than_requested", "more received than asked back", errors)
    if sum(out.values()) == 0:
        raise ValidationFailed(
            "nothing_received", "nothing received", [FieldError("lines", "nothing_received", "")]
        )
    return out


def apply_inspection(ret: Return, decisions: list[Disposition]) -> None:
    """Split each line's received units by disposition; every received unit must get one."""
    errors: list[FieldError] = []
    for ln in ret.lines:
        ln.restocked = ln.damaged = ln.return_to_vendor = ln.destroyed = 0
    for i, d in enumerate(decisions):
        if d.disposition not in DISPOSITIONS:
            errors.append(
                FieldError(f"lines.{i}.disposition", "invalid_choice", ", ".join(DISPOSITIONS))
            )
            continue
        ln = ret.line(d.line, f"lines.{i}.line")
        if d.quantity <= 0:
            errors.append(FieldError(f"lines.{i}.quantity", "out_of_range", "one or more"))
            continue
        column = _COLUMN[d.disposition]
        setattr(ln, column, getattr(ln, column) + d.quantity)
    for ln in ret.lines:
        if ln.inspected != ln.received:
            errors.append(
                FieldError(
                    f"lines.{ln.sku}",
                    "inspection_incomplete",
                    f"{ln.received} received, {ln.inspected} given a disposition",
                )
            )
    if errors:
        raise ValidationFailed(
            "invalid_inspection", "every received unit needs one disposition", errors
        )


def unit_price(amount: Decimal, open_quantity: int) -> Decimal:
    """What one unit of a line cost the customer (gross, after the line's discount)."""
    return (amount / open_quantity).quantize(CENT, ROUND_HALF_EVEN) if open_quantity else Decimal(0)


def restocking_fee(policy: ReturnPolicy, restocked_value: Decimal) -> Decimal:
    return (restocked_value * policy.restocking_fee_percent / 100).quantize(CENT, ROUND_HALF_EVEN)


def check_refund_total(amount: Decimal, refundable: Decimal, currency: str) -> None:
    if amount <= 0:
        raise ValidationFailed(
            "nothing_to_refund",
            "a refund gives back more than nothing",
            [FieldError("amount", "nothing_to_refund", "more than 0")],
        )
    if amount > refundable:
        raise ValidationFailed(
            "refund_exceeds_paid",
            f"{amount} {currency} is more than the {refundable} {currency} paid and not "
            "refunded yet",
            [FieldError("amount", "refund_exceeds_paid", f"at most {refundable}")],
            extra={"refundable": str(refundable)},
        )


def split_refund(
    amount: Decimal, refundable: list[tuple[str, Decimal]]
) -> list[tuple[str, Decimal]]:
    """Spread a refund over payments (id, refundable), the oldest first."""
    left = amount
    out = []
    for payment_id, room in refundable:
        if left <= 0:
            break
        take = min(room, left)
        if take > 0:
            out.append((payment_id, take))
            left -= take
    return out
