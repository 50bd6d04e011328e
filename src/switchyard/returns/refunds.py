"""Refund decisions: what is given back (lines, shipping, fees, a goodwill adjustment) and
why, separate from the payment movements that carry it out.

A refund is executed at once against the order's captured payments, oldest first (each
partial refund lowers what is left to refund); every payment refund gets its credit note
from invoicing (``payment.refunded`` -> ``credit_note.issued``), which ``handlers`` links
to the refund. With or without a return; a return needs no refund.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed, not_found
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id
from switchyard.orders.domain import Order
from switchyard.orders.repository import OrderRepository
from switchyard.payments import service as payments
from switchyard.payments.repository import PaymentRepository
from switchyard.returns import domain as d
from switchyard.returns.repository import ReturnRepository
from switchyard.returns.service import policy_for

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class RefundLine:
    line: str  # order line id or SKU code
    quantity: int


@dataclass(frozen=True, slots=True)
class RefundDecision:
    reason: str
    lines: list[RefundLine] = field(default_factory=list)
    shipping: Decimal = ZERO
    fee: Decimal | None = None  # None: the policy's restocking fee on restocked units
    adjustment: Decimal = ZERO  # goodwill or a price adjustment
    return_id: str | None = None


@dataclass(slots=True)
class RefundInProgress:
    """The refund this unit of work is issuing, for the credit-note handler."""

    refund_id: str | None = None


def _refunded_per_line(uow: UnitOfWork, order_id: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in uow.repo(ReturnRepository).refunds_for_order(order_id):
        for ln in r["lines"]:
            out[ln["order_line_id"]] = out.get(ln["order_line_id"], 0) + int(ln["quantity"])
    return out


def _goods(
    uow: UnitOfWork, order: Order, lines: list[RefundLine]
) -> tuple[list[dict[str, Any]], Decimal]:
    done = _refunded_per_line(uow, order.id)
    errors: list[FieldError] = []
    rows: list[dict[str, Any]] = []
    asked: dict[str, int] = {}
    for i, rl in enumerate(lines):
        ln = next((x for x in order.lines if rl.line in (x.id, x.sku)), None)
        if ln is None:
            errors.append(FieldError(f"lines.{i}.line", "unknown_line", "not a line of it"))
            continue
        asked[ln.id] = asked.get(ln.id, 0) + rl.quantity
        left = ln.qty_shipped - done.get(ln.id, 0)
        if rl.quantity <= 0 or asked[ln.id] > left:
            errors.append(
                FieldError(
                    f"lines.{i}.quantity",
                    "more_than_shipped",
                    f"at most {max(left, 0)} of {ln.sku} may still be refunded",
                )
            )
            continue
        amount = d.unit_price(ln.amount, ln.open_quantity) * rl.quantity
        rows.append(
            {"order_line_id": ln.id, "sku": ln.sku, "quantity": rl.quantity, "amount": str(amount)}
        )
    if errors:
        raise ValidationFailed("invalid_refund", "the refund cannot be made as asked", errors)
    return rows, sum((Decimal(r["amount"]) for r in rows), ZERO)


def issue_refund(uow: UnitOfWork, order_id: str, decision: RefundDecision) -> dict[str, Any]:
    """Decide and execute a refund; 422 ``refund_exceeds_paid`` when it is more than was
    captured and not refunded yet. Nothing is saved on any error."""
    if not decision.reason.strip():
        raise ValidationFailed(
            "reason_required", "say why", [FieldError("reason", "reason_required", "")]
        )
    order = uow.repo(OrderRepository).require(order_id, lock=True)
    ret: d.Return | None = None
    if decision.return_id:
        ret = uow.repo(ReturnRepository).get(decision.return_id)
        if ret is None or ret.order_id != order.id:
            raise not_found("return", decision.return_id)
    lines = decision.lines
    if ret is not None and not lines:  # the return's accepted units by default
        lines = [RefundLine(ln.order_line_id, ln.received) for ln in ret.lines if ln.received]
    rows, goods = _goods(uow, order, lines)
    fee = decision.fee
    if fee is None:
        fee = ZERO
        if ret is not None:
            restocked = sum(
                (
                    d.unit_price(order.line(ln.order_line_id).amount,
                                 order.line(ln.order_line_id).open_quantity) * ln.restocked
                    for ln in ret.lines
                ),
                ZERO,
            )  # fmt: skip
            fee = d.restocking_fee(policy_for(uow, order.channel_id), restocked)
    for name, value in (("shipping", decision.shipping), ("fee", fee)):
        if value < 0:
            raise ValidationFailed(
                "out_of_range", f"{name} is 0 or more", [FieldError(name, "out_of_range", "")]
            )
    amount = goods + decision.shipping + decision.adjustment - fee
    payment_repo = uow.repo(PaymentRepository)
    held = [p for p in payment_repo.for_order(order.id, lock=True) if p.refundable > 0]
    refundable = sum((p.refundable for p in held), ZERO)
    d.check_refund_total(amount, refundable, order.currency)
    refund_id = new_id("rfd")
    uow.state(RefundInProgress).refund_id = refund_id
    transactions = []
    for payment_id, take in d.split_refund(amount, [(p.id, p.refundable) for p in held]):
        payment = payments.record(
            uow, payment_id, "refund", take, refund_id, reason=decision.reason[:200]
        )
        transactions.append({"payment_id": payment.id, "amount": str(take)})
    now = utcnow()
    row = {
        "id": refund_id,
        "order_id": order.id,
        "return_id": ret.id if ret else None,
        "currency": order.currency,
        "lines": rows,
        "goods": goods,
        "shipping": decision.shipping,
        "fee": fee,
        "adjustment": decision.adjustment,
        "amount": amount,
        "tax": ZERO,
        "reason": decision.reason[:200],
        "transactions": transactions,
        "credit_notes": [],
        "created_at": now,
        "actor": uow.actor.name[:200],
    }
    uow.repo(ReturnRepository).add_refund(row)
    uow.emit(
        DomainEvent(
            "refund.issued",
            "refund",
            refund_id,
            {
                "amount": str(amount),
                "currency": order.currency,
                "return_id": row["return_id"],
                "reason": row["reason"],
                "lines": rows,
            },
            order_id=order.id,
            channel_id=order.channel_id,
        )
    )
    return row


def get_refund(uow: UnitOfWork, refund_id: str) -> dict[str, Any]:
    row = uow.repo(ReturnRepository).refund(refund_id)
    if row is None:
        raise not_found("refund", refund_id)
    return row


def for_order(uow: UnitOfWork, order_id: str) -> list[dict[str, Any]]:
    uow.repo(OrderRepository).require(order_id)
    return uow.repo(ReturnRepository).refunds_for_order(order_id)
