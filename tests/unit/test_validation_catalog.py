"""Catalog and price: SKUs exist and are sellable; prices within the channel's tolerance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from switchyard.orders.validation import (
    CatalogItem,
    ChannelInfo,
    LineToValidate,
    OrderToValidate,
    ValidationContext,
    validate,
)
from switchyard.orders.validation.catalog import deviation_pct
from switchyard.orders.validation.pipeline import CATALOG

CATALOG_ITEMS = {
    "TEE": CatalogItem("TEE", list_price=Decimal("20.00")),
    "OLD": CatalogItem("OLD", active=False, list_price=Decimal("5")),
    "B2B-ONLY": CatalogItem("B2B-ONLY", sellable=False, list_price=Decimal("5")),
    "NOPRICE": CatalogItem("NOPRICE"),
    "FREE": CatalogItem("FREE", list_price=Decimal("0")),
}


def run(*lines: tuple[str, str | None], settings: dict[str, Any] | None = None):
    o = OrderToValidate(
        channel=ChannelInfo("web", "web", settings or {}),
        currency="EUR",
        lines=tuple(
            LineToValidate(sku, 1, None if price is None else Decimal(price))
            for sku, price in lines
        ),
    )
    return validate(o, ValidationContext(catalog=CATALOG_ITEMS), [CATALOG])


def found(result) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity, f.field) for f in result.findings]


def test_known_sellable_skus_at_list_price_pass():
    assert run(("TEE", "20.00"), ("TEE", None), ("FREE", "0")).findings == ()


def test_unknown_inactive_and_unsellable_skus_are_errors():
    assert found(run(("NOPE", "1"), ("OLD", "5"), ("B2B-ONLY", "5"))) == [
        ("unknown_sku", "error", "lines.0.sku"),
        ("inactive_sku", "error", "lines.1.sku"),
        ("sku_not_sellable", "error", "lines.2.sku"),
    ]


def test_prices_within_tolerance_pass_beyond_it_hold():
    assert run(("TEE", "20.19")).findings == ()  # 0.95 % off, default tolerance 1 %
    result = run(("TEE", "20.30"), ("TEE", "15.00"))
    assert found(result) == [
        ("price_mismatch", "warning", "lines.0.unit_price"),
        ("price_mismatch", "warning", "lines.1.unit_price"),
    ]
    assert result.hold_types == ("price",)
    assert result.findings[1].details["list_price"] == "20.00"


def test_tolerance_is_a_channel_setting_and_price_checks_can_be_off():
    assert run(("TEE", "21.00"), settings={"price_tolerance_pct": "5"}).findings == ()
    assert found(run(("TEE", "21.00"), settings={"price_tolerance_pct": 4.9})) == [
        ("price_mismatch", "warning", "lines.0.unit_price")
    ]
    assert run(("TEE", "99"), ("NOPRICE", "1"), settings={"price_check": False}).findings == ()


def test_missing_list_prices():
    assert found(run(("NOPRICE", None))) == [("no_list_price", "error", "lines.0.unit_price")]
    assert found(run(("NOPRICE", "3.00"))) == [
        ("price_unverified", "warning", "lines.0.unit_price")
    ]


def test_deviation():
    assert deviation_pct(Decimal("110"), Decimal("100")) == Decimal(10)
    assert deviation_pct(Decimal("1"), Decimal("0")) == Decimal(100)
    assert deviation_pct(Decimal("0"), Decimal("0")) == Decimal(0)
