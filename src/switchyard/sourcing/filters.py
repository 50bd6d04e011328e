"""Hard filters: the rules that remove a location before any strategy ranks it.

Each failed rule is reported as a plain dict so the decision log can say exactly why a
location was not considered.
"""

from __future__ import annotations

from typing import Any

from switchyard.sourcing.ledger import Ledger
from switchyard.sourcing.model import Location, OrderRequest
from switchyard.sourcing.profile import SourcingProfile


def failed_filters(
    location: Location,
    request: OrderRequest,
    profile: SourcingProfile,
    distance_km: float,
    ledger: Ledger,
) -> list[dict[str, Any]]:
    """Every hard filter ``location`` fails for ``request``, empty if it is a candidate."""
    f = profile.filters
    failed: list[dict[str, Any]] = []
    collects_here = request.delivery == "pickup" and request.pickup_location_id == location.id
    if location.type not in f.location_types:
        failed.append(_fail("location_type", f"{location.type} is not an allowed type"))
    if f.networks and not (location.networks & f.networks):
        failed.append(_fail("network", f"not in networks {sorted(f.networks)}"))
    if not collects_here:
        if "ship" not in location.capabilities and "ship_from_store" not in location.capabilities:
            failed.append(_fail("capability", "the location does not ship"))
        if location.type == "store":
            if not f.ship_from_store:
                failed.append(_fail("ship_from_store", "ship-from-store is off in the profile"))
            elif "ship_from_store" not in location.capabilities:
                failed.append(_fail("ship_from_store", "the store does not ship orders"))
    if f.max_distance_km is not None and distance_km > f.max_distance_km:
        failed.append(
            _fail("max_distance", f"{distance_km:.0f} km is beyond {f.max_distance_km:.0f} km")
        )
    if f.exclude_rejecting and location.id in request.excluded_location_ids:
        failed.append(_fail("rejected", "the location rejected this order before"))
    if f.respect_capacity:
        left = ledger.capacity_left(location.id)
        if left is not None and left <= 0:
            failed.append(_fail("capacity", "no shipment capacity left today"))
    return failed


def _fail(name: str, detail: str) -> dict[str, Any]:
    return {"filter": name, "detail": detail}
