"""Batch re-optimisation: source many unreleased orders together, at least total cost.

Orders compete for scarce stock and for each location's shipments today; sourcing them
one by one lets early orders take what later ones needed more. The batch optimiser
solves them jointly and reports a proven optimality gap:

* small batches: the full MILP (``milp.py``), HiGHS's own dual bound;
* large batches: column generation (``colgen.py``) with a Lagrangian bound;
* if time runs out before a joint answer: the orders sourced one by one by the exact
  per-order optimiser, with the best bound found so far.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from switchyard.sourcing.colgen import column_generation, limits_of
from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.decision import build_decision
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.milp import solve_milp
from switchyard.sourcing.model import Decision, Location, OrderRequest
from switchyard.sourcing.plans import Plan, objective
from switchyard.sourcing.problem import Problem, build_problem
from switchyard.sourcing.profile import SourcingProfile
from switchyard.sourcing.sequential import plan_from_decision, source_sequentially


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Decisions for every order and how good they are proven to be.

    ``objective`` is what the optimiser minimises: the cost plus the unsourced penalty;
    ``bound`` a proven lower bound on it. ``gap`` is (objective - bound) divided by the
    cost alone, so penalties on backorders nobody could avoid do not make it look small.
    """

    decisions: tuple[Decision, ...]
    method: str
    objective: float
    bound: float
    gap: float
    seconds: float
    stats: dict[str, Any] = field(default_factory=dict)


def optimise_batch(
    requests: Sequence[OrderRequest],
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    time_limit: float = 50.0,
    compact_limit: int = 20_000,
    with_log: bool = False,
) -> BatchResult:
    """Source ``requests`` jointly against ``ledger`` (which is not changed)."""
    started = time.perf_counter()
    if not requests:
        return BatchResult((), "empty", 0.0, 0.0, 0.0, 0.0)
    deadline = started + time_limit
    problems = [build_problem(r, locations, ledger, profile, cost_model) for r in requests]
    size = sum(sum(1 for s in c.stock if s) for p in problems for c in p.candidates)
    stats: dict[str, Any] = {"orders": len(problems), "assignment_variables": size}
    start: list[Plan] | None = None
    if size <= compact_limit:
        method = "milp"
        stock = {(sku, loc): q for sku, m in ledger.stock.items() for loc, q in m.items()}
        result = solve_milp(problems, stock, ledger.capacity, time_limit, rel_gap=1e-4)
        plans, bound = result.plans, result.bound
    else:
        method = "column_generation"
        start = _one_by_one(problems, requests, locations, ledger, profile, cost_model)
        stats["start_seconds"] = round(time.perf_counter() - started, 2)
        limits = limits_of(problems, ledger.capacity)
        plans, bound = column_generation(problems, limits, start, deadline, stats)
    if plans is None:
        method = "sequential_fallback"
        plans = start or _one_by_one(problems, requests, locations, ledger, profile, cost_model)
    value = sum(objective(p, plan) for p, plan in zip(problems, plans, strict=True))
    bound = min(bound, value)
    penalty = sum(
        p.unsourced_penalty * (p.units - sum(plan.sourced(p)))
        for p, plan in zip(problems, plans, strict=True)
    )
    cost = value - penalty
    gap = (value - bound) / cost if cost > 0 else 0.0
    reason = f"{len(problems)} orders optimised together by {method.replace('_', ' ')}"
    reason += f" (proven within {gap:.3%} of the optimum)"
    decisions = tuple(
        build_decision(p, plan, "batch", reason, with_log=with_log)
        for p, plan in zip(problems, plans, strict=True)
    )
    return BatchResult(decisions, method, value, bound, gap, time.perf_counter() - started, stats)


def _one_by_one(
    problems: Sequence[Problem],
    requests: Sequence[OrderRequest],
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
) -> list[Plan]:
    seq = source_sequentially(requests, locations, ledger, profile, cost_model, "lowest_cost")
    return [plan_from_decision(p, d) for p, d in zip(problems, seq, strict=True)]
