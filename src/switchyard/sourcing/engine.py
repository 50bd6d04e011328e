"""Source one order: screen locations, apply the profile's strategy, explain the result.

This is the entry point the API and re-sourcing call. It reads the ledger and never
changes it; callers apply the decision when they reserve the stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from switchyard.kernel.errors import FieldError, ValidationFailed
from switchyard.sourcing import strategies
from switchyard.sourcing.consolidation import consolidate
from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.decision import build_decision
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Decision, Location, OrderRequest
from switchyard.sourcing.optimizer import explain, optimise_order
from switchyard.sourcing.plans import Plan
from switchyard.sourcing.problem import Problem, build_problem
from switchyard.sourcing.profile import STRATEGIES, SourcingProfile

_GREEDY = {
    "priority": (strategies.priority, "locations in priority order, lowest number first"),
    "nearest": (strategies.nearest, "nearest locations first"),
    "highest_stock": (strategies.highest_stock, "for each line, most units of its SKU first"),
    "fewest_shipments": (strategies.fewest_shipments, "locations covering most open units first"),
}


def source_order(
    request: OrderRequest,
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    strategy: str | None = None,
    with_log: bool = True,
    *,
    consolidation: bool = False,
) -> Decision:
    """Decide where ``request`` is fulfilled. ``strategy`` overrides the profile's.

    With merge nodes in the profile, a split plan is costed through each of them
    (``consolidation.consolidate``) and the comparison logged; ``consolidation`` True
    lets the decision consolidate when that is cheaper (callers that can carry out
    transfer legs; placement cannot yet, so it keeps the split plan)."""
    name = strategy or profile.strategy
    if name not in STRATEGIES:
        raise ValidationFailed(
            "unknown_strategy",
            f"'{name}' is not a sourcing strategy",
            [FieldError("strategy", "invalid_choice", f"one of {list(STRATEGIES)}")],
        )
    problem = build_problem(request, locations, ledger, profile, cost_model)
    plan, reason, ranking, options = run_strategy(problem, name)
    decision = build_decision(problem, plan, name, reason, ranking, options, with_log)
    return consolidate(
        decision, request, locations, ledger, profile, cost_model, choose=consolidation
    )


def run_strategy(
    problem: Problem, name: str
) -> tuple[Plan, str, dict[int, object], list[dict[str, Any]]]:
    """The plan a strategy picks, why, each candidate's rank key and the options costed."""
    if name == "lowest_cost":
        best = optimise_order(problem)
        return best.plan, explain(problem, best), {}, best.options
    rule, text = _GREEDY[name]
    plan, ranking = rule(problem)
    used = ", ".join(
        f"{problem.candidates[c].location.code} ({ranking.get(c)})" for c in plan.used()
    )
    return plan, f"{name}: {text}; took {used or 'nothing'}", ranking, []
