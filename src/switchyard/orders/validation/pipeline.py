"""The validation pipeline: run every rule, collect every finding, never stop at the first.

Rules run in order, because later ones read what earlier ones normalised (phones are read
in the normalised address's country; embargo and screening use normalised addresses). A
rule that crashes does not crash placement and does not let the order through unchecked:
it becomes a ``rule_failed`` hold of the rule's hold type.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from switchyard.orders.validation.address import check_addresses
from switchyard.orders.validation.catalog import check_catalog
from switchyard.orders.validation.company_rules import check_company_rules
from switchyard.orders.validation.completeness import check_completeness
from switchyard.orders.validation.compliance import check_denied_parties, check_embargo
from switchyard.orders.validation.model import (
    Finding,
    OrderToValidate,
    ValidationContext,
    ValidationResult,
    hold,
)
from switchyard.orders.validation.phone import check_phones
from switchyard.orders.validation.workspace import Rule, Workspace

log = logging.getLogger(__name__)

COMPLETENESS = Rule("completeness", check_completeness, "manual")
ADDRESS = Rule("address", check_addresses, "address")
PHONE = Rule("phone", check_phones, "address")
CATALOG = Rule("catalog", check_catalog, "price")
COMPANY_RULES = Rule("company_rules", check_company_rules, "manual")
EMBARGO = Rule("embargo", check_embargo, "compliance")
DENIED_PARTY = Rule("denied_party", check_denied_parties, "compliance")

DEFAULT_RULES: tuple[Rule, ...] = (
    COMPLETENESS,
    ADDRESS,
    PHONE,
    CATALOG,
    COMPANY_RULES,
    EMBARGO,
    DENIED_PARTY,
)


def validate(
    order: OrderToValidate, ctx: ValidationContext, rules: Sequence[Rule] = DEFAULT_RULES
) -> ValidationResult:
    """Every finding of every rule, plus the normalised addresses and phone."""
    work = Workspace.start(order)
    findings: list[Finding] = []
    for rule in rules:
        produced: list[Finding] = []
        try:
            produced = list(rule.check(order, ctx, work))
        except Exception as exc:  # a broken rule holds the order, it never waves it through
            log.exception("validation rule %s failed", rule.code)
            produced = [
                hold(
                    rule.hold_type,
                    "rule_failed",
                    "",
                    f"the {rule.code} check could not run ({type(exc).__name__}): review by hand",
                    rule=rule.code,
                )
            ]
        findings += produced
    return ValidationResult(
        _one_error_per_field(findings),
        shipping_address=work.shipping_address,
        billing_address=work.billing_address,
        phone=work.phone,
    )


def _one_error_per_field(findings: list[Finding]) -> tuple[Finding, ...]:
    """Drop repeats: the first error on a field, and each (code, field) pair once.

    Findings about no field (a rule that could not run) are all kept."""
    erred: set[str] = set()
    seen: set[tuple[str, str]] = set()
    kept = []
    for f in findings:
        if f.field and ((f.code, f.field) in seen or (f.severity == "error" and f.field in erred)):
            continue
        seen.add((f.code, f.field))
        if f.severity == "error":
            erred.add(f.field)
        kept.append(f)
    return tuple(kept)
