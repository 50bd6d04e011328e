"""The exact per-order optimiser: the lowest-cost plan, proven optimal.

Branch and bound (``search.py``) answers almost every order in well under a
millisecond; orders it does not cover (repeated SKUs, very large searches) go to the
HiGHS MILP, which proves optimality the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from switchyard.sourcing.milp import solve_milp
from switchyard.sourcing.plans import Plan, objective
from switchyard.sourcing.problem import Problem
from switchyard.sourcing.search import solve_exact


@dataclass(slots=True)
class Optimum:
    plan: Plan
    objective: float
    method: str
    options: list[dict[str, Any]] = field(default_factory=list)


def optimise_order(problem: Problem, milp_time_limit: float = 5.0) -> Optimum:
    """The cheapest plan for one order given the stock and capacity it sees."""
    exact = solve_exact(problem)
    if exact is not None:
        options = [
            _option(problem, cost, chosen, exact.objective) for cost, chosen in exact.runners_up
        ]
        return Optimum(exact.plan, exact.objective, "branch_and_bound", options)
    result = solve_milp([problem], time_limit=milp_time_limit)
    if result.plans is None:
        return Optimum(Plan([]), objective(problem, Plan([])), "milp_no_solution")
    plan = result.plans[0]
    method = "milp" if result.optimal else "milp_time_limit"
    return Optimum(plan, objective(problem, plan), method)


def explain(problem: Problem, best: Optimum) -> str:
    codes = "+".join(problem.candidates[c].location.code for c in best.plan.used()) or "nothing"
    how = best.method.replace("_", " ")
    proven = best.method in ("branch_and_bound", "milp")
    text = f"lowest total cost: {codes} ({'proven optimal by ' if proven else ''}{how})"
    if best.options:
        alt = best.options[0]
        text += f"; next best {'+'.join(alt['locations'])} costs {alt['extra']} more"
    return text


def _option(problem: Problem, cost: float, chosen: list[int], best: float) -> dict[str, Any]:
    return {
        "locations": [problem.candidates[c].location.code for c in chosen],
        "objective": round(cost, 4),
        "extra": f"{cost - best:.2f}",
    }
