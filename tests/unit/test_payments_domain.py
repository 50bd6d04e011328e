"""Payment amounts always add up: captured <= authorized - voided, refunded <= captured."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import Conflict, ValidationFailed
from switchyard.payments.domain import Payment, PaymentStatus, plan_captures, validate_new


def payment(authorized: str = "100.00", provider: str = "manual", **over: object) -> Payment:
    now = utcnow()
    values: dict = {
        "id": "pay_1",
        "order_id": "ord_1",
        "channel_id": "chn_1",
        "provider": provider,
        "currency": "EUR",
        "amount": D(authorized),
        "authorized": D(authorized),
        "created_at": now,
        "updated_at": now,
        **over,
    }
    return Payment(**values)


def test_statuses_follow_the_amounts():
    p = payment()
    assert p.status == PaymentStatus.AUTHORIZED
    assert p.capture(D("40")) == D("40")
    assert p.status == PaymentStatus.PARTIALLY_CAPTURED
    assert p.capture(None) == D("60")
    assert p.status == PaymentStatus.CAPTURED
    assert p.refund(D("10")) == D("10")
    assert p.status == PaymentStatus.PARTIALLY_REFUNDED
    assert p.refund(None) == D("90")
    assert p.status == PaymentStatus.REFUNDED
    assert (p.capturable, p.refundable) == (0, 0)


def test_void_releases_what_is_left():
    p = payment()
    p.capture(D("30"))
    assert p.void(None) == D("70")
    assert p.status == PaymentStatus.CAPTURED
    untouched = payment()
    untouched.void(D("20"))
    assert untouched.status == PaymentStatus.AUTHORIZED
    untouched.void(None)
    assert untouched.status == PaymentStatus.VOIDED


@pytest.mark.parametrize(
    ("action", "amount", "code"),
    [
        ("capture", "100.01", "over_capture"),
        ("refund", "0.01", "over_refund"),
        ("void", "100.01", "over_void"),
    ],
)
def test_more_than_there_is_is_a_conflict_and_changes_nothing(action, amount, code):
    p = payment()
    with pytest.raises(Conflict) as err:
        getattr(p, action)(D(amount))
    assert err.value.code == code
    assert (p.captured, p.refunded, p.voided) == (0, 0, 0)


def test_cannot_capture_after_void_or_refund_more_than_captured():
    p = payment()
    p.capture(D("50"))
    p.void(None)
    with pytest.raises(Conflict):
        p.capture(D("0.01"))
    with pytest.raises(Conflict):
        p.refund(D("50.01"))
    with pytest.raises(Conflict) as err:
        payment().refund(None)
    assert err.value.code == "over_refund"


@pytest.mark.parametrize(("currency", "amount"), [("EUR", "1.001"), ("JPY", "1.5"), ("EUR", "0")])
def test_amounts_need_a_positive_value_in_minor_units(currency, amount):
    p = payment(currency=currency)
    with pytest.raises(ValidationFailed) as err:
        p.capture(D(amount))
    assert err.value.code == "invalid_amount"
    assert err.value.errors[0].field == "amount"


def test_failed_payments_take_no_money():
    p = payment(authorized="0", failure_reason="card declined")
    assert p.status == PaymentStatus.FAILED
    assert not p.captures_on_shipment
    with pytest.raises(Conflict) as err:
        p.capture(None)
    assert err.value.code == "payment_failed"


def test_validate_new_names_every_problem():
    with pytest.raises(ValidationFailed) as err:
        validate_new("bitcoin", None, "authorized")
    assert [e.field for e in err.value.errors] == ["provider"]
    with pytest.raises(ValidationFailed) as err:
        validate_new("external", None, "authorized")
    assert [e.field for e in err.value.errors] == ["reference"]
    with pytest.raises(ValidationFailed) as err:
        validate_new("manual", None, "failed")
    assert [e.field for e in err.value.errors] == ["result"]
    validate_new("external", "psp_123", "failed")


def test_shipment_captures_take_from_the_oldest_authorization_and_skip_invoices():
    on_invoice = payment("500", provider="invoice", id="pay_0")
    first = payment("30", id="pay_1")
    first.capture(D("10"))
    second = payment("100", id="pay_2")
    plan = plan_captures([on_invoice, first, second], D("50"))
    assert [(p.id, amount) for p, amount in plan] == [("pay_1", D("20")), ("pay_2", D("30"))]
    assert plan_captures([on_invoice], D("50")) == []
    assert [a for _, a in plan_captures([second], D("150"))] == [D("100")]
