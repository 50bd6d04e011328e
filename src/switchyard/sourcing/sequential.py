"""Source orders one after another, each seeing the stock and capacity the earlier ones
left: how orders are sourced as they arrive, and the baseline the batch optimiser beats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import perf_counter

from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.engine import source_order
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Decision, Location, OrderRequest
from switchyard.sourcing.plans import Plan
from switchyard.sourcing.problem import Problem
from switchyard.sourcing.profile import SourcingProfile


def source_sequentially(
    requests: Sequence[OrderRequest],
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    strategy: str | None = None,
    with_log: bool = False,
    on_decision: Callable[[Decision, float], None] | None = None,
) -> list[Decision]:
    """Decisions in arrival order; ``ledger`` is copied, never changed.

    ``on_decision`` receives each decision and the seconds it took (for latency figures).
    """
    working = ledger.copy()
    decisions = []
    for request in requests:
        started = perf_counter()
        decision = source_order(
            request, locations, working, profile, cost_model, strategy, with_log=with_log
        )
        if on_decision is not None:
            on_decision(decision, perf_counter() - started)
        working.apply(decision)
        decisions.append(decision)
    return decisions


def plan_from_decision(problem: Problem, decision: Decision) -> Plan:
    """Express a decision as a plan over ``problem``'s candidates (same order, any ledger)."""
    line_index = {line.id: n for n, line in enumerate(problem.lines)}
    cand_index = {cand.location.id: c for c, cand in enumerate(problem.candidates)}
    return Plan(
        [
            (line_index[a.line_id], cand_index[a.location_id], a.quantity)
            for a in decision.allocations
        ]
    )
