"""Catalog rules: SKUs, kits and prices. Pure Python: no framework, no database."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.kernel.money import SCALE

MAX_BATCH = 1000
# Amount columns hold amount * 10,000 in a signed 64-bit integer; stay far below that.
MAX_AMOUNT = Decimal(10) ** 12
MEASURES = ("weight_grams", "length_mm", "width_mm", "height_mm")


def measure_errors(values: dict[str, Any], prefix: str = "") -> list[FieldError]:
    """Weights and dimensions are whole, non-negative numbers when given."""
    return [
        FieldError(f"{prefix}{name}", "out_of_range", "zero or more")
        for name in MEASURES
        if values.get(name) is not None and values[name] < 0
    ]


def validate_sku(values: dict[str, Any], prefix: str = "") -> None:
    errors = measure_errors(values, prefix)
    if errors:
        raise ValidationFailed("invalid_sku", "the SKU is not valid", errors)


def product_choice_errors(values: dict[str, Any], prefix: str = "") -> list[FieldError]:
    """A new SKU names an existing product or a product to create, exactly one of them."""
    has_id, has_name = bool(values.get("product_id")), bool(values.get("product_name"))
    if has_id == has_name:
        return [
            FieldError(
                f"{prefix}product_id",
                "product_required",
                "give product_id (an existing product) or product_name (a new one), not both",
            )
        ]
    return []


def duplicate_indexes(keys: Iterable[Any]) -> list[int]:
    """Indexes of items whose key already appeared earlier in the sequence."""
    seen: set[Any] = set()
    dupes = []
    for i, key in enumerate(keys):
        if key in seen:
            dupes.append(i)
        seen.add(key)
    return dupes


def price_errors(currency: str, amount: Decimal, prefix: str) -> list[FieldError]:
    errors = []
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        errors.append(
            FieldError(f"{prefix}currency", "invalid_currency", "an ISO 4217 code such as EUR")
        )
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        errors.append(
            FieldError(f"{prefix}amount", "out_of_range", f"from 0 to below {MAX_AMOUNT}")
        )
    elif amount != amount.quantize(SCALE):
        errors.append(FieldError(f"{prefix}amount", "too_precise", "at most four decimal places"))
    return errors


def format_amount(amount: Decimal) -> Decimal:
    """Show an amount with two decimals, or up to four when it needs them (0.125)."""
    cents = amount.quantize(Decimal("0.01"))
    return cents if cents == amount else amount.quantize(SCALE).normalize()


@dataclass(frozen=True, slots=True)
class Component:
    sku_id: str
    quantity: int


def component_errors(kit_id: str, components: list[Component]) -> list[FieldError]:
    """A kit lists each component once, never itself, each at least once."""
    errors = []
    for i, comp in enumerate(components):
        if comp.sku_id == kit_id:
            errors.append(
                FieldError(f"components.{i}.sku", "kit_contains_itself", "a kit cannot hold itself")
            )
        if comp.quantity < 1:
            errors.append(FieldError(f"components.{i}.quantity", "out_of_range", "1 or more"))
    for i in duplicate_indexes(c.sku_id for c in components):
        errors.append(
            FieldError(f"components.{i}.sku", "duplicate_component", "listed more than once")
        )
    return errors


def find_cycle(
    kit_id: str,
    component_ids: list[str],
    children_of: Callable[[set[str]], dict[str, list[str]]],
) -> list[str] | None:
    """The chain from a new component back to ``kit_id``, if adding them would make a loop.

    ``children_of`` returns the components of the given SKUs as they are stored now; the
    search walks down one level per call, so a deep catalog costs one query per level.
    """
    parent: dict[str, str | None] = dict.fromkeys(component_ids)
    frontier = set(component_ids)
    while frontier:
        if kit_id in frontier:
            chain = [kit_id]
            step = parent[kit_id]
            while step is not None:
                chain.append(step)
                step = parent[step]
            return list(reversed(chain))
        found = children_of(frontier)
        next_frontier = set()
        for sku_id in sorted(frontier):
            for child in found.get(sku_id, []):
                if child not in parent:
                    parent[child] = sku_id
                    next_frontier.add(child)
        frontier = next_frontier
    return None
