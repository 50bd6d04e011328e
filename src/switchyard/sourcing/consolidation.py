"""Consolidation at merge nodes: one parcel to the customer instead of a split order.

When the profile names merge nodes and a plan ships from two or more locations, each
node is costed as the meeting point: every other shipping location sends its units to
the node (a transfer leg: the sender's handling plus the carrier price of the zone of
the distance sender -> node, times the cost model's ``transfer_factor``), and the node
sends all units to the customer as one shipment (its handling for every unit, the
carrier price of its zone to the customer, no split penalty). The cheapest node is
compared with the split plan's cost (split penalty included); consolidating wins only
when strictly cheaper. Stock still comes from the plan's locations: the allocations do
not change, only how the units travel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from switchyard.kernel.money import quantize
from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.filters import failed_filters
from switchyard.sourcing.geo import distance_km
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import (
    Consolidation,
    Decision,
    Leg,
    Location,
    OrderRequest,
    Shipment,
)
from switchyard.sourcing.profile import SourcingProfile

_HANDLING = ("handling_per_shipment", "handling_per_unit")


def cost_node(
    node: Location,
    shipments: Sequence[Shipment],
    by_id: dict[str, Location],
    request: OrderRequest,
    cost_model: CostModel,
    split_cost: Decimal,
) -> Consolidation:
    """What shipping ``shipments`` through ``node`` as one parcel costs."""
    legs = []
    for s in shipments:
        if s.location_id == node.id:
            continue  # the node's own units are already there
        source = by_id[s.location_id]
        km = distance_km(source.latitude, source.longitude, node.latitude, node.longitude)
        zone = cost_model.zone_for(km)
        handling = cost_model.shipment_cost(source, zone, s.units, s.weight_kg)
        breakdown = {k: handling[k] for k in _HANDLING} | cost_model.transfer_cost(
            zone, s.weight_kg
        )
        legs.append(
            Leg(
                location_id=s.location_id,
                location_code=s.location_code,
                units=s.units,
                weight_kg=s.weight_kg,
                distance_km=km,
                zone=zone.name,
                transit_days=zone.transit_days,
                cost=quantize(sum(breakdown.values(), Decimal(0))),
                cost_breakdown=breakdown,
            )
        )
    units = sum(s.units for s in shipments)
    weight = sum((s.weight_kg for s in shipments), Decimal(0))
    km = distance_km(node.latitude, node.longitude, request.latitude, request.longitude)
    zone = cost_model.zone_for(km)
    final = cost_model.shipment_cost(node, zone, units, weight)
    final_cost = quantize(sum(final.values(), Decimal(0)))
    return Consolidation(
        node_id=node.id,
        node_code=node.code,
        legs=tuple(legs),
        final_distance_km=km,
        final_zone=zone.name,
        final_transit_days=zone.transit_days,
        final_cost=final_cost,
        final_breakdown=final,
        cost=quantize(final_cost + sum((g.cost for g in legs), Decimal(0))),
        split_cost=split_cost,
    )


def consolidate(
    decision: Decision,
    request: OrderRequest,
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    *,
    choose: bool = False,
) -> Decision:
    """``decision`` with the cheapest merge node costed (``consolidation``) and, when that
    is cheaper than shipping split and ``choose``, consolidated there. Unchanged when
    the profile names no merge node, the order is a pickup (ship to store already
    moves the units) or the plan has fewer than two shipments."""
    if not profile.merge_nodes or request.delivery != "ship" or len(decision.shipments) < 2:
        return decision
    by_id = {loc.id: loc for loc in locations}
    screened: list[dict[str, Any]] = []
    costed: list[Consolidation] = []
    for node_id in profile.merge_nodes:
        node = by_id.get(node_id)
        if node is None:
            screened.append({"node_id": node_id, "failed_filters": ["not_in_network"]})
            continue
        km = distance_km(node.latitude, node.longitude, request.latitude, request.longitude)
        failed = failed_filters(node, request, profile, km, ledger)
        if failed:
            names = [f["filter"] for f in failed]
            screened.append({"node_id": node_id, "code": node.code, "failed_filters": names})
            continue
        option = cost_node(
            node, decision.shipments, by_id, request, cost_model, decision.total_cost
        )
        costed.append(option)
        screened.append({"node_id": node_id, "code": node.code, "cost": str(option.cost)})
    best = min(costed, key=lambda c: c.cost, default=None)  # ties: the profile's order
    log = dict(decision.log)
    if best is None:
        if log:
            log["consolidation"] = {
                "split_cost": str(decision.total_cost),
                "nodes": screened,
                "chosen": None,
                "reason": "no merge node can take this order",
            }
        return replace(decision, log=log)
    cheaper = best.cost < decision.total_cost
    chosen = cheaper and choose and decision.status == "sourced"  # partial: ships split
    best = replace(best, chosen=chosen)
    if chosen:
        reason = (
            f"consolidated at {best.node_code}: {best.cost} against {decision.total_cost} "
            f"shipping split"
        )
    elif cheaper:
        reason = (
            f"consolidating at {best.node_code} would save {best.saving}; shipped split: "
            f"consolidation is not carried out here"
        )
    else:
        reason = (
            f"shipping split ({decision.total_cost}) is not dearer than consolidating at "
            f"{best.node_code} ({best.cost})"
        )
    if log:
        log["consolidation"] = {
            "split_cost": str(decision.total_cost),
            "nodes": screened,
            "chosen": best.node_code if chosen else None,
            "reason": reason,
        }
        if chosen:
            log["winner"] = {**log["winner"], "merge_node": best.node_code, "cost": str(best.cost)}
            log["reason"] = f"{log['reason']}; {reason}"
    if not chosen:
        return replace(decision, consolidation=best, log=log)
    breakdown: dict[str, Decimal] = {}
    parts = [*(g.cost_breakdown for g in best.legs), best.final_breakdown]
    for part in parts:
        for k, v in part.items():
            breakdown[k] = breakdown.get(k, Decimal(0)) + v
    breakdown["split_penalty"] = quantize(Decimal(0))
    return replace(
        decision,
        consolidation=best,
        total_cost=best.cost,
        cost_breakdown=breakdown,
        log=log,
    )
