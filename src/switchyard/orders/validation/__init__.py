"""Order validation at placement: pluggable rules with stable codes, pure Python.

Build an ``OrderToValidate`` and a ``ValidationContext`` and call ``validate``; errors
reject the order (``result.raise_for_errors()``), warnings hold it (``result.hold_types``).
Each rule's module documents its finding codes:

=============== ===================== ==========================================
rule            module                channel settings it reads
=============== ===================== ==========================================
completeness    ``completeness``      ``required_fields``, ``po_required``
address         ``address``           ``address_invalid_action`` (hold | error)
phone           ``phone``             ``phone_invalid_action`` (hold | error)
catalog         ``catalog``           ``price_check``, ``price_tolerance_pct``
company_rules   ``company_rules``     (rules stored as data, see the rules API)
embargo         ``compliance``        (embargo list, see the compliance API)
denied_party    ``compliance``        (party list and screening settings)
=============== ===================== ==========================================
"""

from switchyard.orders.validation.model import (
    HOLD_TYPES,
    CatalogItem,
    ChannelInfo,
    CompanyRule,
    Compliance,
    Customer,
    Embargo,
    Finding,
    LineToValidate,
    OrderToValidate,
    ValidationContext,
    ValidationResult,
)
from switchyard.orders.validation.pipeline import DEFAULT_RULES, validate
from switchyard.orders.validation.screening import DeniedParty, PartyScreener
from switchyard.orders.validation.workspace import Rule

__all__ = [
    "DEFAULT_RULES",
    "HOLD_TYPES",
    "CatalogItem",
    "ChannelInfo",
    "CompanyRule",
    "Compliance",
    "Customer",
    "DeniedParty",
    "Embargo",
    "Finding",
    "LineToValidate",
    "OrderToValidate",
    "PartyScreener",
    "Rule",
    "ValidationContext",
    "ValidationResult",
    "validate",
]
