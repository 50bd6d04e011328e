"""Column generation for large batches: each order picks one of its plans (columns).

The master problem (``master.py``) chooses one plan per order subject to shared stock
per (SKU, location) and shipments per location. Its LP duals price those resources;
each order's pricing problem is the exact single-order optimiser with the prices added
to its costs. That finds better plans and gives a Lagrangian lower bound

    LB = sum over orders of (cheapest priced plan) - sum over rows of (price * limit)

valid for any non-negative prices when every pricing problem is solved exactly, so the
batch reports a proven gap. The final choice is the master solved as a MILP over the
generated plans (price and branch), started from a known feasible choice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from switchyard.sourcing.master import Column, Key, Master
from switchyard.sourcing.milp import solve_milp
from switchyard.sourcing.plans import Plan, objective
from switchyard.sourcing.problem import Candidate, Problem
from switchyard.sourcing.search import solve_exact


def usage(problem: Problem, plan: Plan) -> dict[Key, float]:
    """Stock units per ("s", sku, location) and shipments per ("c", location)."""
    used: dict[Key, float] = {}
    for line, c, q in plan.picks:
        key = ("s", problem.lines[line].sku, problem.candidates[c].location.id)
        used[key] = used.get(key, 0.0) + q
    for c in plan.used():
        used[("c", problem.candidates[c].location.id)] = 1.0
    return used


def column(n: int, problem: Problem, plan: Plan) -> Column:
    return Column(n, plan, objective(problem, plan), usage(problem, plan))


def best_plan(problem: Problem) -> tuple[Plan, float, float] | None:
    """The cheapest plan, its objective and a proven lower bound on it (equal to the
    objective from branch and bound, the MILP's dual bound otherwise)."""
    exact = solve_exact(problem)
    if exact is not None:
        return exact.plan, exact.objective, exact.objective
    result = solve_milp([problem], time_limit=5.0)
    if result.plans is None or not result.optimal:
        return None
    return result.plans[0], result.objective, min(result.bound, result.objective)


def priced(problem: Problem, prices: dict[Key, float]) -> Problem:
    """The problem with resource prices (>= 0) added to its costs."""
    cands = []
    for cand in problem.candidates:
        loc = cand.location.id
        unit = [
            u + prices.get(("s", line.sku, loc), 0.0)
            for u, line in zip(cand.unit, problem.lines, strict=True)
        ]
        fixed = cand.fixed + prices.get(("c", loc), 0.0)
        cands.append(Candidate(cand.location, cand.distance_km, cand.zone, fixed, unit, cand.stock))
    return replace(problem, candidates=cands)


def limits_of(problems: Sequence[Problem], capacity: dict[str, int | None]) -> dict[Key, float]:
    """Every resource row the batch may need: stock seen by the orders, and capacity."""
    limits: dict[Key, float] = {}
    for p in problems:
        for cand in p.candidates:
            loc = cand.location.id
            left = capacity.get(loc)
            if left is not None:
                limits[("c", loc)] = float(left)
            for line, s in zip(p.lines, cand.stock, strict=True):
                if s:
                    limits[("s", line.sku, loc)] = float(s)
    return limits


def column_generation(
    problems: Sequence[Problem],
    limits: dict[Key, float],
    start: Sequence[Plan],
    deadline: float,
    stats: dict[str, Any],
) -> tuple[list[Plan] | None, float]:
    """Plans for every order and the Lagrangian bound. ``start`` must be feasible."""
    by_sku: dict[str, list[int]] = defaultdict(list)
    by_loc: dict[str, list[int]] = defaultdict(list)
    for n, p in enumerate(problems):
        for line in p.lines:
            by_sku[line.sku].append(n)
        for cand in p.candidates:
            by_loc[cand.location.id].append(n)
    master = Master(len(problems), limits)
    master.add([Column(n, Plan([]), objective(p, Plan([])), {}) for n, p in enumerate(problems)])
    first = len(master.columns)
    master.add(
        [column(n, p, plan) for n, (p, plan) in enumerate(zip(problems, start, strict=True))]
    )
    floor: list[float] = []
    for n, p in enumerate(problems):
        found = best_plan(p)
        floor.append(0.0 if found is None else found[2])  # costs are never negative
        if found is not None:
            master.add([column(n, p, found[0])])
    bound = sum(floor)
    pricing_until = time.perf_counter() + 0.7 * (deadline - time.perf_counter())
    rounds: list[dict[str, Any]] = stats.setdefault("rounds", [])
    while True:
        lp_value, prices, duals = master.solve_lp()
        affected: set[int] = set()
        for key in prices:
            if key[0] == "c":
                affected.update(by_loc[key[1]])
            else:
                affected.update(
                    n
                    for n in by_sku[key[1]]
                    if any(c.location.id == key[2] for c in problems[n].candidates)
                )
        values = list(floor)
        new: list[Column] = []
        for n in sorted(affected):
            found = best_plan(priced(problems[n], prices))
            if found is None:
                continue  # the floor stays a valid bound for this order
            values[n] = max(floor[n], found[2])
            if found[1] - duals[n] < -1e-6:
                new.append(column(n, problems[n], found[0]))
        bound = max(bound, float(sum(values) - sum(p * limits[k] for k, p in prices.items())))
        rounds.append({"lp": round(lp_value, 2), "bound": round(bound, 2), "new": len(new)})
        if not new or lp_value - bound <= 1e-6 * abs(lp_value):
            break
        master.add(new)
        if time.perf_counter() > pricing_until:
            break
    stats["columns"] = len(master.columns)
    chosen = master.solve_mip(
        deadline - time.perf_counter(), list(range(first, first + len(problems)))
    )
    if chosen is None:
        return None, bound
    plans = [Plan([]) for _ in problems]
    for col in chosen:
        plans[col.order] = col.plan
    return plans, bound
