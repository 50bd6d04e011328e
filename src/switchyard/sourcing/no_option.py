"""Why a basket has no promise option: what the screening of every location found.

``GET /promise`` answering ``options: []`` alone leaves the shop guessing. These reasons
say why, from the same screening the engine sources with (``problem.build_problem``):
each location's stock of the basket and the hard filters it failed. Codes are stable:

* ``no_stock``: no location of the channel has the SKU free, and none expects it;
* ``destination_not_served``: locations have it, but every one of them is beyond the
  profile's ``max_distance_km`` from the destination;
* ``all_locations_filtered``: locations have it, but every one of them fails a hard
  filter (each with the filters it failed);
* ``not_enough_stock``: the locations that pass the filters and the expected supply hold
  fewer units than asked;
* ``no_plan``: there is enough, but not within the profile's limits (``max_splits``,
  ``ship_complete``, kits kept together).

Pure: no database; ``promise`` reads the inputs and adds SKU codes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from switchyard.sourcing.costs import CostModel
from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import IncomingSupply, Location, OrderRequest
from switchyard.sourcing.problem import build_problem
from switchyard.sourcing.profile import SourcingProfile

NO_STOCK = "no_stock"
DESTINATION_NOT_SERVED = "destination_not_served"
ALL_LOCATIONS_FILTERED = "all_locations_filtered"
NOT_ENOUGH_STOCK = "not_enough_stock"
NO_PLAN = "no_plan"
REASON_CODES = (NO_STOCK, DESTINATION_NOT_SERVED, ALL_LOCATIONS_FILTERED, NOT_ENOUGH_STOCK, NO_PLAN)


def reasons_for_no_option(
    request: OrderRequest,
    locations: Sequence[Location],
    ledger: Ledger,
    profile: SourcingProfile,
    cost_model: CostModel,
    supplies: Sequence[IncomingSupply] = (),
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Why ``request`` gets no option, one reason per cause (never empty).

    ``names`` maps SKU ids to the codes the answer shows (ids shown without it).
    """
    name = dict(names or {})
    problem = build_problem(request, locations, ledger, profile, cost_model)
    wanted: dict[str, int] = {}
    for line in request.lines:
        wanted[line.sku] = wanted.get(line.sku, 0) + line.quantity
    incoming: dict[str, int] = {}
    for s in supplies:
        incoming[s.sku] = incoming.get(s.sku, 0) + s.quantity
    no_stock: list[str] = []
    too_far: list[str] = []
    filtered: list[str] = []
    short: list[dict[str, Any]] = []
    for sku, quantity in wanted.items():
        holding = [row for row in problem.screened if row["stock"].get(sku)]
        eligible = sum(row["stock"][sku] for row in holding if not row["failed_filters"])
        expected = incoming.get(sku, 0)
        if not holding and not expected:
            no_stock.append(sku)
        elif not eligible and not expected:
            far = all(_failed(row, "max_distance") for row in holding)
            (too_far if far else filtered).append(sku)
        elif eligible + expected < quantity:
            short.append(
                {"sku": name.get(sku, sku), "quantity": quantity, "available": eligible + expected}
            )
    reasons: list[dict[str, Any]] = []
    if no_stock:
        reasons.append(
            _reason(
                NO_STOCK,
                f"no location of the channel has {_list(no_stock, name)} or expects it",
                no_stock,
                name,
            )
        )
    if too_far:
        nearest = min(
            row["distance_km"]
            for row in problem.screened
            if any(row["stock"].get(sku) for sku in too_far)
        )
        limit = profile.filters.max_distance_km
        reasons.append(
            _reason(
                DESTINATION_NOT_SERVED,
                f"every location with {_list(too_far, name)} is farther than the "
                f"{limit:.0f} km the sourcing profile allows (nearest {nearest:.0f} km)",
                too_far,
                name,
                max_distance_km=limit,
                nearest_km=nearest,
            )
        )
    if filtered:
        rows = [
            row
            for row in problem.screened
            if row["failed_filters"] and any(row["stock"].get(sku) for sku in filtered)
        ]
        reasons.append(
            _reason(
                ALL_LOCATIONS_FILTERED,
                f"every location with {_list(filtered, name)} fails a filter of the "
                "sourcing profile",
                filtered,
                name,
                locations=[
                    {"code": row["code"], "failed_filters": row["failed_filters"]} for row in rows
                ],
            )
        )
    if short:
        reasons.append(
            {
                "code": NOT_ENOUGH_STOCK,
                "detail": "fewer units than asked at the locations that may ship them, "
                "counting expected supply",
                "skus": [s["sku"] for s in short],
                "lines": short,
            }
        )
    if not reasons:
        reasons.append(
            _reason(
                NO_PLAN,
                "the stock is there, but no plan ships the basket within the sourcing "
                "profile's limits (max_splits, ship_complete, kits kept together)",
                [],
                name,
                max_splits=profile.max_splits,
                fulfilment=profile.fulfilment,
            )
        )
    return reasons


def _failed(row: Mapping[str, Any], name: str) -> bool:
    return any(f["filter"] == name for f in row["failed_filters"])


def _list(skus: list[str], name: Mapping[str, str]) -> str:
    return ", ".join(name.get(s, s) for s in skus)


def _reason(
    code: str, detail: str, skus: list[str], name: Mapping[str, str], **extra: Any
) -> dict[str, Any]:
    return {"code": code, "detail": detail, "skus": [name.get(s, s) for s in skus], **extra}
