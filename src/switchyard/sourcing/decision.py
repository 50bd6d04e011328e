"""Turn a plan into a Decision: shipments with exact Decimal costs and the decision log."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from switchyard.kernel.money import quantize
from switchyard.sourcing.model import Allocation, Decision, Shipment
from switchyard.sourcing.plans import Plan
from switchyard.sourcing.problem import Problem
from switchyard.sourcing.search import assign

COST_KEYS = ("handling_per_shipment", "handling_per_unit", "carrier_base", "carrier_weight")


def build_decision(
    problem: Problem,
    plan: Plan,
    strategy: str,
    reason: str,
    ranking: dict[int, object] | None = None,
    options: list[dict[str, Any]] | None = None,
    with_log: bool = True,
) -> Decision:
    shipments = _shipments(problem, plan)
    breakdown = {k: sum((s.cost_breakdown[k] for s in shipments), Decimal(0)) for k in COST_KEYS}
    splits = max(0, len(shipments) - 1)
    breakdown["split_penalty"] = quantize(problem.cost_model.split_penalty * splits)
    total = quantize(sum(breakdown.values(), Decimal(0)))
    got = plan.sourced(problem)
    unsourced = {
        line.id: line.quantity - n
        for line, n in zip(problem.lines, got, strict=True)
        if n < line.quantity
    }
    status: Literal["sourced", "partial", "unsourced"] = (
        "unsourced" if not shipments else "partial" if unsourced else "sourced"
    )
    log: dict[str, Any] = {}
    if with_log:
        log = _log(problem, strategy, reason, ranking or {}, options or [], shipments, total)
        log["winner"]["unsourced_units"] = sum(unsourced.values())
    return Decision(
        order_id=problem.request.id,
        strategy=strategy,
        status=status,
        shipments=tuple(shipments),
        unsourced=unsourced,
        total_cost=total,
        currency=problem.cost_model.currency,
        cost_breakdown=breakdown,
        log=log,
        profile_id=problem.profile.id,
        profile_version=problem.profile.version,
    )


def _shipments(problem: Problem, plan: Plan) -> list[Shipment]:
    by_cand: dict[int, list[tuple[int, int]]] = {}
    for line, c, q in plan.picks:
        if q > 0:
            by_cand.setdefault(c, []).append((line, q))
    shipments = []
    for c in sorted(by_cand):
        cand = problem.candidates[c]
        loc = cand.location
        allocations = tuple(
            Allocation(problem.lines[i].id, problem.lines[i].sku, loc.id, q) for i, q in by_cand[c]
        )
        units = sum(q for _, q in by_cand[c])
        weight = sum((problem.lines[i].unit_weight_kg * q for i, q in by_cand[c]), Decimal(0))
        costs = problem.cost_model.shipment_cost(loc, cand.zone, units, weight)
        shipments.append(
            Shipment(
                location_id=loc.id,
                location_code=loc.code,
                allocations=allocations,
                units=units,
                weight_kg=weight,
                distance_km=cand.distance_km,
                zone=cand.zone.name,
                transit_days=cand.zone.transit_days,
                cost=quantize(sum(costs.values(), Decimal(0))),
                cost_breakdown=costs,
            )
        )
    return shipments


def _log(
    problem: Problem,
    strategy: str,
    reason: str,
    ranking: dict[int, object],
    options: list[dict[str, Any]],
    shipments: list[Shipment],
    total: Decimal,
) -> dict[str, Any]:
    index = {cand.location.id: c for c, cand in enumerate(problem.candidates)}
    candidates = []
    for entry in problem.screened:
        row = dict(entry)
        c = index.get(entry["location_id"])
        if c is not None:
            alone = _alone(problem, c)
            row["alone"] = alone
            if c in ranking:
                row["rank_key"] = ranking[c]
        elif not entry["failed_filters"]:
            row["note"] = "no stock for any line"
        candidates.append(row)
    p = problem.profile
    return {
        "strategy": strategy,
        "profile": {"id": p.id, "version": p.version},
        "fulfilment": p.fulfilment,
        "max_splits": p.max_splits,
        "candidates": candidates,
        "options": options,
        "winner": {"locations": [s.location_code for s in shipments], "cost": str(total)},
        "reason": reason,
    }


def _alone(problem: Problem, c: int) -> dict[str, Any]:
    """What shipping from this one location would cost and leave unsourced."""
    _, plan = assign(problem, [c], want_picks=True)
    picks = plan.picks if plan else []
    units = sum(q for _, _, q in picks)
    if not units:
        return {"cost": None, "units": 0, "unsourced_units": problem.units}
    cand = problem.candidates[c]
    weight = sum((problem.lines[i].unit_weight_kg * q for i, _, q in picks), Decimal(0))
    cost = sum(problem.cost_model.shipment_cost(cand.location, cand.zone, units, weight).values())
    short = problem.units - units
    return {"cost": str(quantize(Decimal(cost))), "units": units, "unsourced_units": short}
