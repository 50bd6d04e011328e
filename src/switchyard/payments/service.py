"""Payment use cases: authorize, capture, refund, void. They never commit.

Lock order as everywhere else: the order row first, then its payments. A request that
carries a ``reference`` already in the payment's ledger for the same action is a replay:
it changes nothing and answers with the payment as it is.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from switchyard.channels.repository import ChannelRepository
from switchyard.db.uow import UnitOfWork
from switchyard.invoicing.charges import destination_country, payable_total
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.ids import new_id
from switchyard.locations.repository import LocationRepository
from switchyard.orders.repository import OrderRepository
from switchyard.payments.domain import (
    Payment,
    Transaction,
    TxKind,
    check_amount,
    plan_captures,
    validate_new,
)
from switchyard.payments.repository import PaymentRepository
from switchyard.payments.schemas import PaymentCreate

_PAST = {TxKind.CAPTURE: "captured", TxKind.REFUND: "refunded", TxKind.VOID: "voided"}


def authorize(uow: UnitOfWork, order_id: str, cmd: PaymentCreate) -> Payment:
    """Record an authorization (or a pay-on-invoice promise, or a failed PSP attempt)."""
    order = uow.repo(OrderRepository).require(order_id, lock=True)
    validate_new(cmd.provider, cmd.reference, cmd.result)
    currency = cmd.currency or order.currency
    if currency != order.currency:
        raise ValidationFailed(
            "currency_mismatch",
            f"order {order.id} is in {order.currency}",
            [FieldError("currency", "currency_mismatch", f"must be {order.currency}")],
        )
    repo = uow.repo(PaymentRepository)
    if cmd.reference:
        existing = repo.by_provider_reference(cmd.provider, cmd.reference)
        if existing is not None:
            return _same_authorization(existing, order.id, cmd.amount)
    amount = cmd.amount if cmd.amount is not None else _outstanding(uow, order_id)
    check_amount(amount, currency)
    now = utcnow()
    failed = cmd.result == "failed"
    payment = Payment(
        id=new_id("pay"),
        order_id=order.id,
        channel_id=order.channel_id,
        provider=cmd.provider,
        currency=currency,
        amount=amount,
        authorized=Decimal(0) if failed else amount,
        created_at=now,
        updated_at=now,
        provider_reference=cmd.reference,
        failure_reason=(cmd.failure_reason or "declined") if failed else None,
    )
    if not repo.add(payment):
        raise Conflict("provider_reference_taken", "another request recorded this reference")
    if failed:
        uow.emit(payment.event("payment.failed", {"reason": payment.failure_reason}))
        return payment
    tx = Transaction(new_id("ptx"), payment.id, TxKind.AUTHORIZE, amount, cmd.reference, now)
    repo.add_transaction(tx)
    uow.emit(
        payment.event("payment.authorized", {"amount": str(amount), "reference": tx.reference})
    )
    return payment


def uncovered(uow: UnitOfWork, order_id: str) -> Decimal:
    """How much of the order's payable total no live authorization covers (may be <= 0)."""
    order = uow.repo(OrderRepository).require(order_id)
    channel = uow.repo(ChannelRepository).get(order.channel_id) or {}
    payments = uow.repo(PaymentRepository).for_order(order_id)
    covered = sum((p.authorized - p.voided for p in payments), Decimal(0))
    pickup = uow.repo(LocationRepository).get(order.pickup_location_id or "") or {}
    country = destination_country(order, (pickup.get("address") or {}).get("country_code"))
    return payable_total(order, channel.get("settings") or {}, country) - covered


def release_needs_payment(uow: UnitOfWork, order_id: str, channel_settings: dict[str, Any]) -> bool:
    """Payment rule for release: a channel with ``release_requires_payment`` releases an
    order's fulfillments only once its payments (or a pay-on-invoice promise) cover it."""
    if not channel_settings.get("release_requires_payment"):
        return False
    return uncovered(uow, order_id) > 0


def _outstanding(uow: UnitOfWork, order_id: str) -> Decimal:
    """The order's payable total less what live payments already cover."""
    left = uncovered(uow, order_id)
    if left <= 0:
        raise Conflict("nothing_to_authorize", f"payments already cover order {order_id}")
    return left


def _same_authorization(existing: Payment, order_id: str, amount: Decimal | None) -> Payment:
    if existing.order_id != order_id or (amount is not None and amount != existing.amount):
        raise Conflict(
            "provider_reference_taken",
            f"{existing.provider} reference '{existing.provider_reference}' is another payment",
            [FieldError("reference", "provider_reference_taken", existing.id)],
            extra={"payment_id": existing.id},
        )
    return existing


def get_payment(uow: UnitOfWork, payment_id: str, *, lock: bool = False) -> Payment:
    payment = uow.repo(PaymentRepository).get(payment_id, lock=lock)
    if payment is None:
        raise not_found("payment", payment_id)
    return payment


def _locked(uow: UnitOfWork, payment_id: str) -> Payment:
    order_id = get_payment(uow, payment_id).order_id
    uow.repo(OrderRepository).require(order_id, lock=True)
    return get_payment(uow, payment_id, lock=True)


def record(
    uow: UnitOfWork,
    payment_id: str,
    kind: str,
    amount: Decimal | None,
    reference: str | None,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Payment:
    """Capture, refund or void ``amount`` (None: all there is) of a payment."""
    payment = _locked(uow, payment_id)
    repo = uow.repo(PaymentRepository)
    if reference:
        done = repo.transaction_by_reference(payment.id, kind, reference)
        if done is not None:
            if amount is not None and amount != done.amount:
                raise Conflict(
                    "reference_reused",
                    f"reference '{reference}' was a {kind} of {done.amount}, not {amount}",
                    [FieldError("reference", "reference_reused", str(done.amount))],
                )
            return payment
    check_version("payment", expected_version, payment.version)
    applied: Decimal = getattr(payment, kind)(amount)
    payment.updated_at = utcnow()
    tx = Transaction(new_id("ptx"), payment.id, kind, applied, reference, payment.updated_at)
    if not repo.add_transaction(tx):
        raise Conflict("reference_reused", f"reference '{reference}' was used meanwhile")
    repo.apply(payment, kind, applied)
    data = {"amount": str(applied), "reference": reference, "transaction_id": tx.id}
    if reason:
        data["reason"] = reason
    uow.emit(payment.event(f"payment.{_PAST[kind]}", data))
    return payment


def capture_for_shipment(
    uow: UnitOfWork, order_id: str, amount: Decimal, fulfillment_id: str, invoice_id: str
) -> Decimal:
    """Capture up to ``amount`` from the order's authorizations; returns what was captured.

    Pay-on-invoice promises are left alone: that money arrives later against the invoice.
    """
    repo = uow.repo(PaymentRepository)
    captured = Decimal(0)
    now = utcnow()
    for payment, take in plan_captures(repo.for_order(order_id, lock=True), amount):
        tx = Transaction(
            new_id("ptx"),
            payment.id,
            TxKind.CAPTURE,
            take,
            fulfillment_id,
            now,
            fulfillment_id=fulfillment_id,
            invoice_id=invoice_id,
        )
        if not repo.add_transaction(tx):
            continue
        payment.capture(take)
        payment.updated_at = now
        repo.apply(payment, TxKind.CAPTURE, take)
        captured += take
        uow.emit(
            payment.event(
                "payment.captured",
                {
                    "amount": str(take),
                    "reference": fulfillment_id,
                    "transaction_id": tx.id,
                    "fulfillment_id": fulfillment_id,
                    "invoice_id": invoice_id,
                },
            )
        )
    return captured


def void_unneeded(uow: UnitOfWork, order_id: str) -> list[Payment]:
    """Release authorizations an order can no longer use: nothing of it is left to ship.

    Pay-on-invoice promises stay: open invoices may still wait for that money.
    """
    order = uow.repo(OrderRepository).get(order_id, lock=True)
    if order is None or any(ln.unshipped > 0 for ln in order.lines):
        return []
    repo = uow.repo(PaymentRepository)
    reference = f"order-closed:{order_id}"
    voided = []
    for payment in repo.for_order(order_id, lock=True):
        if not payment.captures_on_shipment or payment.capturable <= 0:
            continue
        amount = payment.void(None)
        payment.updated_at = utcnow()
        tx = Transaction(
            new_id("ptx"), payment.id, TxKind.VOID, amount, reference, payment.updated_at
        )
        if not repo.add_transaction(tx):
            continue
        repo.apply(payment, TxKind.VOID, amount)
        uow.emit(
            payment.event(
                "payment.voided",
                {"amount": str(amount), "reference": reference, "transaction_id": tx.id},
            )
        )
        voided.append(payment)
    return voided
