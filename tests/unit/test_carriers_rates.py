import re
from datetime import date
from decimal import Decimal

import pytest

from switchyard.carriers.domain import Rate, Service, quote, rate_errors, shop
from switchyard.carriers.tracking_numbers import generate, luhn_digit, luhn_valid, pattern_errors
from switchyard.carriers.zones import ZONES
from switchyard.kernel.errors import ValidationFailed

FRIDAY = date(2030, 5, 3)


def service(code: str, days: int, *bands: tuple[int, str], zone: int = 2, currency="EUR"):
    rates = tuple(Rate(zone, w, Decimal(a)) for w, a in bands)
    return Service("car", code, code.title(), currency, rates, {zone: days})


STD = service("std", 3, (1000, "4.90"), (5000, "6.90"))
EXP = service("exp", 1, (1000, "9.90"), (31500, "19.90"))


def test_price_is_the_smallest_band_that_holds_the_package():
    assert STD.price(2, 1000) == Decimal("4.90")
    assert STD.price(2, 1001) == Decimal("6.90")
    assert STD.price(2, 5001) is None
    assert STD.price(1, 100) is None


def test_quote_adds_packages_and_counts_working_days():
    q = quote(STD, 2, [900, 4000, None], FRIDAY, deliver_by=date(2030, 5, 8))
    assert q is not None
    assert q.amount == Decimal("16.70") and q.package_amounts == tuple(
        Decimal(x) for x in ("4.90", "6.90", "4.90")
    )
    assert (q.ship_date, q.estimated_delivery, q.meets_promise) == (FRIDAY, date(2030, 5, 8), True)
    saturday = quote(EXP, 2, [100], date(2030, 5, 4))
    assert saturday and (saturday.ship_date, saturday.estimated_delivery) == (
        date(2030, 5, 6),
        date(2030, 5, 7),
    )
    assert quote(STD, 2, [6000], FRIDAY) is None
    assert quote(STD, 3, [100], FRIDAY) is None


def test_shop_takes_the_cheapest_that_meets_the_promise_else_the_fastest():
    def both(deliver_by):
        return [q for s in (STD, EXP) if (q := quote(s, 2, [500], FRIDAY, deliver_by))]

    assert shop(both(None)).service == "std"  # type: ignore[union-attr]
    assert shop(both(date(2030, 5, 8))).service == "std"  # type: ignore[union-attr]
    tight = shop(both(date(2030, 5, 7)))
    assert tight and (tight.service, tight.meets_promise) == ("exp", True)
    late = shop(both(date(2030, 5, 3)))
    assert late and (late.service, late.meets_promise) == ("exp", False)
    assert shop([]) is None
    usd = quote(service("usd", 1, (1000, "1.00"), currency="USD"), 2, [1], FRIDAY)
    with pytest.raises(ValidationFailed):
        shop([*both(None), usd])  # type: ignore[list-item]


def test_rate_table_errors_name_the_entries():
    rates = [Rate(2, 1000, Decimal(1)), Rate(2, 1000, Decimal(2)), Rate(9, 10, Decimal(-1))]
    errors = rate_errors(rates, {2: 1, 7: -1}, ZONES)
    assert {(e.field, e.code) for e in errors} == {
        ("rates.1", "duplicate_band"),
        ("rates.2.zone", "unknown_zone"),
        ("rates.2.amount", "negative_amount"),
        ("transit_days.7", "unknown_zone"),
        ("transit_days.7", "negative_days"),
        ("transit_days", "missing_zone"),
    }


def test_tracking_numbers_follow_the_pattern_with_a_check_digit():
    numbers = {generate("JJD##########!") for _ in range(50)}
    assert len(numbers) == 50
    assert all(re.fullmatch(r"JJD\d{11}", n) and luhn_valid(n) for n in numbers)
    lettered = generate("1Z@@@@@@####!")
    assert re.fullmatch(r"1Z[A-HJ-NP-Z]{6}\d{5}", lettered) and luhn_valid(lettered)
    assert luhn_digit("7992739871") == "3"  # the textbook example
    assert not luhn_valid("79927398710")
    assert pattern_errors("JJD##########!") == []
    assert {e.code for e in pattern_errors("ab#!!")} == {"invalid_pattern", "too_few_random"}
