"""Company rules configured as data: each a kind, parameters and an action (error or hold).

======================== ================================== ============================ =======
kind                     params                             finding                      hold
======================== ================================== ============================ =======
``max_order_value``      ``amount`` (decimal), ``currency`` ``max_order_value_exceeded`` fraud
``max_quantity_per_sku`` ``max_quantity``, opt. ``skus``    ``max_quantity_exceeded``    manual
``blocked_customer``     ``emails`` and/or ``domains``      ``blocked_customer``         fraud
``po_required``          opt. ``channel_types``             ``po_number_required``       payment
======================== ================================== ============================ =======

A ``max_order_value`` rule only applies to orders in its currency; a ``max_quantity_per_sku``
rule adds up the lines of one SKU; domains match subdomains too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from switchyard.kernel.errors import FieldError
from switchyard.orders.validation.model import (
    ACTIONS,
    HOLD_TYPES,
    CompanyRule,
    Finding,
    OrderToValidate,
    ValidationContext,
    by_action,
    hold,
)
from switchyard.orders.validation.workspace import Workspace

Params = Mapping[str, Any]


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _strings(value: Any) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return [v.strip().lower() for v in value]


def _check_max_order_value(p: Params) -> list[FieldError]:
    errors = []
    amount = _decimal(p.get("amount"))
    if amount is None or amount <= 0:
        errors.append(FieldError("params.amount", "invalid_amount", "a positive decimal"))
    currency = p.get("currency")
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isupper()):
        errors.append(FieldError("params.currency", "invalid_currency", "an ISO 4217 code"))
    return errors


def _check_max_quantity(p: Params) -> list[FieldError]:
    errors = []
    limit = p.get("max_quantity")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        errors.append(FieldError("params.max_quantity", "invalid_quantity", "an integer >= 1"))
    if "skus" in p and _strings(p["skus"]) is None:
        errors.append(FieldError("params.skus", "invalid_list", "a list of SKU codes"))
    return errors


def _check_blocked(p: Params) -> list[FieldError]:
    errors = []
    for key in ("emails", "domains"):
        if key in p and _strings(p[key]) is None:
            errors.append(FieldError(f"params.{key}", "invalid_list", "a list of strings"))
    if not p.get("emails") and not p.get("domains"):
        errors.append(FieldError("params", "nothing_blocked", "give emails or domains"))
    return errors


def _check_po(p: Params) -> list[FieldError]:
    if "channel_types" in p and _strings(p["channel_types"]) is None:
        return [FieldError("params.channel_types", "invalid_list", "a list of channel types")]
    return []


def _max_order_value(
    rule: CompanyRule, order: OrderToValidate, ctx: ValidationContext
) -> Iterator[tuple[str, str, str]]:
    limit = Decimal(str(rule.params["amount"]))
    if order.currency != rule.params["currency"]:
        return
    prices = {sku: item.list_price for sku, item in ctx.catalog.items()}
    total = order.total(prices)
    if total > limit:
        yield "max_order_value_exceeded", "total", f"{total} {order.currency} is over {limit}"


def _max_quantity(
    rule: CompanyRule, order: OrderToValidate, ctx: ValidationContext
) -> Iterator[tuple[str, str, str]]:
    limit = int(rule.params["max_quantity"])
    only = set(_strings(rule.params.get("skus", [])) or [])
    totals: dict[str, int] = defaultdict(int)
    last_line: dict[str, int] = {}
    for i, line in enumerate(order.lines):
        if only and line.sku.lower() not in only:
            continue
        totals[line.sku] += line.quantity
        last_line[line.sku] = i
    for sku, quantity in totals.items():
        if quantity > limit:
            at = f"lines.{last_line[sku]}.quantity"
            yield "max_quantity_exceeded", at, f"{quantity} x '{sku}' is over {limit}"


def _blocked(
    rule: CompanyRule, order: OrderToValidate, ctx: ValidationContext
) -> Iterator[tuple[str, str, str]]:
    email = (order.customer.email or "").strip().lower()
    if not email:
        return
    domain = email.rpartition("@")[2]
    emails = set(_strings(rule.params.get("emails", [])) or [])
    domains = [d.lstrip("@") for d in _strings(rule.params.get("domains", [])) or []]
    if email in emails or any(domain == d or domain.endswith("." + d) for d in domains):
        yield "blocked_customer", "customer.email", f"'{email}' may not place orders"


def _po(
    rule: CompanyRule, order: OrderToValidate, ctx: ValidationContext
) -> Iterator[tuple[str, str, str]]:
    types = _strings(rule.params.get("channel_types", []))
    if types and order.channel.type not in types:
        return
    if not (order.po_number or "").strip():
        yield "po_number_required", "po_number", "a purchase-order number is required"


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    hold_type: str
    check_params: Callable[[Params], list[FieldError]]
    evaluate: Callable[
        [CompanyRule, OrderToValidate, ValidationContext], Iterator[tuple[str, str, str]]
    ]


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("max_order_value", "fraud", _check_max_order_value, _max_order_value),
        Kind("max_quantity_per_sku", "manual", _check_max_quantity, _max_quantity),
        Kind("blocked_customer", "fraud", _check_blocked, _blocked),
        Kind("po_required", "payment", _check_po, _po),
    )
}


def rule_errors(kind: str, params: Any, action: str, hold_type: str | None) -> list[FieldError]:
    """Every problem with a rule definition (empty: the rule is valid)."""
    errors = []
    if kind not in KINDS:
        errors.append(FieldError("kind", "invalid_choice", f"one of: {', '.join(KINDS)}"))
    if action not in ACTIONS:
        errors.append(FieldError("action", "invalid_choice", "error or hold"))
    if hold_type is not None and hold_type not in HOLD_TYPES:
        errors.append(FieldError("hold_type", "invalid_choice", f"one of: {', '.join(HOLD_TYPES)}"))
    if not isinstance(params, Mapping):
        errors.append(FieldError("params", "invalid_params", "an object"))
    elif kind in KINDS:
        errors += KINDS[kind].check_params(params)
    return errors


def check_company_rules(
    order: OrderToValidate, ctx: ValidationContext, work: Workspace
) -> Iterator[Finding]:
    for rule in ctx.company_rules:
        if rule.channel_id is not None and order.channel.id not in (None, rule.channel_id):
            continue
        kind = KINDS.get(rule.kind)
        try:
            if kind is None:
                raise ValueError(f"unknown kind {rule.kind!r}")
            verdicts = list(kind.evaluate(rule, order, ctx))
        except (ValueError, KeyError, TypeError, ArithmeticError) as exc:
            # a rule stored with bad data must not let orders through unchecked
            yield hold(
                "manual",
                "company_rule_failed",
                "",
                f"company rule {rule.code or rule.id} could not be applied: {exc}",
                rule_id=rule.id,
            )
            continue
        for code, at, message in verdicts:
            yield by_action(
                rule.action,
                rule.hold_type or kind.hold_type,
                code,
                at,
                message,
                rule_id=rule.id,
                rule_code=rule.code,
            )
