"""Return rules without a database: policy settings, what may come back, states, refunds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from switchyard.channels.return_policy import ReturnPolicy, return_errors, return_policy
from switchyard.kernel.errors import Conflict, ValidationFailed
from switchyard.returns import domain as d

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
LINES = [d.Returnable("ln1", "sku1", "KNT-M", delivered=2, requested=1)]


def test_policy_defaults_and_errors() -> None:
    assert return_policy({}) == ReturnPolicy()
    settings = {
        "window_days": 14,
        "restocking_fee_percent": "10",
        "return_shipping_paid_by": {"changed_mind": "customer"},
    }
    p = return_policy({"returns": settings})
    assert (p.window_days, p.restocking_fee_percent) == (14, Decimal("10"))
    assert (
        p.shipping_payer("changed_mind") == "customer" and p.shipping_payer("damaged") == "merchant"
    )
    assert return_errors({}) == []
    wrong = {
        "window_days": True,
        "restocking_fee_percent": "x",
        "return_shipping_paid_by": {"bored": "customer"},
        "foo": 1,
    }
    bad = return_errors({"returns": wrong})
    assert {e.code for e in bad} == {"out_of_range", "unknown_reason", "unknown_field"}


def test_window_more_than_delivered_and_not_returnable() -> None:
    asked = [d.Asked("KNT-M", 1, "damaged")]
    policy = ReturnPolicy(window_days=30)
    assert d.check_request(policy, NOW - timedelta(days=30), NOW, LINES, asked)
    with pytest.raises(ValidationFailed) as exc:
        d.check_request(policy, NOW - timedelta(days=31), NOW, LINES, asked)
    assert exc.value.code == "return_window_expired"
    with pytest.raises(ValidationFailed) as exc:
        d.check_request(policy, NOW, NOW, LINES, [d.Asked("ln1", 2, "damaged")])
    assert exc.value.code == "more_than_delivered"
    assert exc.value.errors[0].field == "lines.0.quantity"
    with pytest.raises(ValidationFailed) as exc:
        d.check_request(
            ReturnPolicy(non_returnable_skus=frozenset({"KNT-M"})), NOW, NOW, LINES, asked
        )
    assert exc.value.code == "not_returnable"
    # a claim ignores the window
    assert d.check_request(policy, NOW - timedelta(days=99), NOW, LINES, asked, claim=True)


def _ret(status: str) -> d.Return:
    line = d.ReturnLine("rtl1", "ln1", "sku1", "KNT-M", 2, "damaged", received=2)
    return d.Return("ret1", "ord1", "ch1", "return", "staff", status, "merchant", NOW, NOW, [line])


def test_states_and_inspection() -> None:
    ret = _ret(d.AUTHORISED)
    assert ret.move("receive", NOW) == d.AUTHORISED and ret.status == d.RECEIVED
    with pytest.raises(Conflict) as exc:
        ret.move("receive", NOW)
    assert exc.value.code == "return_not_receivable"
    with pytest.raises(ValidationFailed):
        d.apply_inspection(ret, [d.Disposition("KNT-M", "restock", 1)])
    d.apply_inspection(
        ret, [d.Disposition("KNT-M", "restock", 1), d.Disposition("ln1", "damaged", 1)]
    )
    assert (ret.lines[0].restocked, ret.lines[0].damaged) == (1, 1)
    with pytest.raises(Conflict):
        _ret(d.RECEIVED).move("cancel", NOW)


def test_refund_arithmetic() -> None:
    assert d.unit_price(Decimal("178.00"), 2) == Decimal("89.00")
    assert d.restocking_fee(
        ReturnPolicy(restocking_fee_percent=Decimal(10)), Decimal("89")
    ) == Decimal("8.90")
    assert d.split_refund(Decimal(50), [("p1", Decimal(30)), ("p2", Decimal(40))]) == [
        ("p1", Decimal(30)),
        ("p2", Decimal(20)),
    ]
    with pytest.raises(ValidationFailed) as exc:
        d.check_refund_total(Decimal("10.01"), Decimal("10.00"), "EUR")
    assert exc.value.code == "refund_exceeds_paid"
