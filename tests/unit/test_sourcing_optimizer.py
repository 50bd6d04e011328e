"""The per-order optimiser returns the proven optimum: checked against brute force."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest

from switchyard.sourcing.costs import default_cost_model
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.milp import solve_milp
from switchyard.sourcing.model import Location, OrderLine, OrderRequest, StockLevel
from switchyard.sourcing.optimizer import optimise_order
from switchyard.sourcing.plans import Plan, objective
from switchyard.sourcing.problem import Problem, build_problem
from switchyard.sourcing.profile import SourcingProfile
from switchyard.sourcing.search import solve_exact

COSTS = default_cost_model()


def random_problem(rng: random.Random) -> Problem:
    locations = [
        Location(
            f"L{n}",
            f"L{n}",
            rng.choice(["warehouse", "store"]),
            rng.uniform(48, 54),
            rng.uniform(6, 14),
            capabilities=frozenset({"ship", "ship_from_store"}),
        )
        for n in range(rng.randint(2, 4))
    ]
    skus = ["A", "B", "C"] if rng.random() < 0.8 else ["A", "A", "B"]  # repeated SKU: MILP path
    n_lines = rng.randint(1, 3)
    lines = tuple(
        OrderLine(f"l{n}", skus[n], rng.randint(1, 3), Decimal(rng.choice(["0.5", "2", "7"])))
        for n in range(n_lines)
    )
    kits = (("l0", "l1"),) if n_lines >= 2 and rng.random() < 0.3 else ()
    levels = [
        StockLevel(sku, loc.id, rng.randint(0, 3))
        for sku in sorted(set(skus))
        for loc in locations
        if rng.random() < 0.7
    ]
    profile = SourcingProfile(
        max_splits=rng.choice([None, 0, 1]),
        fulfilment=rng.choice(["ship_available", "ship_complete"]),
    )
    request = OrderRequest("o", lines, rng.uniform(48, 54), rng.uniform(6, 14), kits=kits)
    return build_problem(request, locations, Ledger.from_levels(levels, locations), profile, COSTS)


def brute_force(p: Problem) -> float:
    """Try every allocation of every line to every candidate."""
    n = len(p.candidates)
    per_line = []
    for i, line in enumerate(p.lines):
        options = [
            x
            for x in itertools.product(
                *(range(min(line.quantity, c.stock[i]) + 1) for c in p.candidates)
            )
            if sum(x) <= line.quantity
        ]
        per_line.append(options)
    best = float("inf")
    for combo in itertools.product(*per_line):
        used = {c for x in combo for c in range(n) if x[c]}
        if p.max_shipments is not None and len(used) > p.max_shipments:
            continue
        if any(_over_stock(p, combo, c) for c in range(n)):
            continue
        if any(not _kit_ok(p, kit, combo) for kit in p.kits):
            continue
        short = sum(line.quantity - sum(x) for line, x in zip(p.lines, combo, strict=True))
        if p.complete and 0 < short < p.units:
            continue
        cost = sum(p.candidates[c].fixed for c in used) + p.split_penalty * max(0, len(used) - 1)
        cost += sum(p.candidates[c].unit[i] * x[c] for i, x in enumerate(combo) for c in range(n))
        best = min(best, cost + p.unsourced_penalty * short)
    return best


def _over_stock(p: Problem, combo: tuple, c: int) -> bool:
    by_sku: dict[str, int] = {}
    for line, x in zip(p.lines, combo, strict=True):
        by_sku[line.sku] = by_sku.get(line.sku, 0) + x[c]
    stock = {line.sku: p.candidates[c].stock[i] for i, line in enumerate(p.lines)}
    return any(q > stock[sku] for sku, q in by_sku.items())


def _kit_ok(p: Problem, kit: list[int], combo: tuple) -> bool:
    """A kit ships whole from one location, or not at all."""
    if all(sum(combo[i]) == 0 for i in kit):
        return True
    sources = {c for i in kit for c, q in enumerate(combo[i]) if q}
    return len(sources) == 1 and all(sum(combo[i]) == p.lines[i].quantity for i in kit)


@pytest.mark.parametrize("seed", range(40))
def test_optimiser_equals_brute_force(seed):
    p = random_problem(random.Random(seed))
    best = optimise_order(p)
    assert objective(p, best.plan) == pytest.approx(brute_force(p), abs=1e-6)
    assert best.objective == pytest.approx(objective(p, best.plan), abs=1e-6)


@pytest.mark.parametrize("seed", range(40, 55))
def test_branch_and_bound_and_milp_agree(seed):
    p = random_problem(random.Random(seed))
    milp = solve_milp([p])
    assert milp.optimal and milp.plans is not None
    exact = solve_exact(p)
    if exact is not None:
        assert exact.objective == pytest.approx(milp.objective, abs=1e-6)
    assert objective(p, milp.plans[0]) == pytest.approx(milp.objective, abs=1e-6)


def test_node_limit_falls_back_to_the_milp_with_the_same_answer():
    rng = random.Random(3)
    p = random_problem(rng)
    while (exact := solve_exact(p)) is None or exact.nodes < 3:
        p = random_problem(rng)
    assert solve_exact(p, node_limit=0) is None
    assert optimise_order(p).method == "branch_and_bound"
    milp = solve_milp([p])
    assert milp.objective == pytest.approx(exact.objective, abs=1e-6)


def test_empty_plan_costs_the_unsourced_penalty():
    p = random_problem(random.Random(1))
    assert objective(p, Plan([])) == pytest.approx(p.unsourced_penalty * p.units)
