"""Engine inputs from the database: the channel's profile, its network, stock and supply.

Everything the pure engine needs is read here and mapped onto its dataclasses:
locations (``LocationRepository`` plus ``sourcing_location_settings``) with the shipment
capacity left today, stock per SKU and location in the channel's scope (inventory's
availability), expected supply, and the destination's position (``geocode``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from switchyard.carriers.repository import CarrierRepository
from switchyard.carriers.zones import Place
from switchyard.catalog.repository import SkuRepository
from switchyard.channels.repository import ChannelRepository
from switchyard.db.ttl_cache import TTLCache
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import late
from switchyard.inventory.availability_repository import AvailabilityRepository
from switchyard.locations.repository import LocationRepository
from switchyard.sourcing.costs import CostModel, cost_model_from_dict, default_cost_model
from switchyard.sourcing.geocode import GeoPoint, locate
from switchyard.sourcing.model import IncomingSupply, Location, StockLevel
from switchyard.sourcing.profile import SourcingProfile, profile_from_dict
from switchyard.sourcing.profile_repository import ProfileRepository
from switchyard.sourcing.repository import SourcingRepository

DEFAULT_SETTINGS: dict[str, Any] = {
    "priority": 100,
    "networks": [],
    "handling_days": 0,
    "holidays": [],
    "opens": "09:00",
    "closes": "20:00",
    "pickup_lead_minutes": 120,
}

# Master data cached per process (``switchyard.db.ttl_cache``): profiles, locations with
# their settings, SKU weights and centroids may be ``master_data_ttl`` seconds old.
_setups = TTLCache("sourcing.setup")
_locations = TTLCache("sourcing.location")
_weights = TTLCache("sourcing.weight")
_centroids = TTLCache("sourcing.centroids")


@dataclass(frozen=True, slots=True)
class Setup:
    """A channel's sourcing policy: its active profile, or the default one."""

    channel_id: str
    profile: SourcingProfile
    cost_model: CostModel
    pickup_transfers: bool = True
    profile_row_id: str | None = None  # None: the default profile


def setup_from_row(row: dict[str, Any]) -> Setup:
    """A stored profile version as the engine's profile and cost model."""
    rules = row["rules"]
    profile = profile_from_dict(
        {
            **rules,
            "id": row["id"],
            "name": row["name"],
            "channel_id": row["channel_id"],
            "version": row["version"],
            "status": "active" if row["status"] == "active" else "draft",
        }
    )
    return Setup(
        row["channel_id"],
        profile,
        cost_model_from_dict(row["cost_model"]),
        bool(rules.get("pickup_transfers", True)),
        row["id"],
    )


def default_setup(channel_id: str, currency: str) -> Setup:
    """Lowest cost, every filter at its default, the default cost model."""
    profile = SourcingProfile(
        id="default", name="Default", channel_id=channel_id, version=0, status="active"
    )
    return Setup(channel_id, profile, default_cost_model(currency))


def channel_setup(uow: UnitOfWork, channel_id: str) -> Setup:
    def load() -> Setup:
        found = uow.repo(ProfileRepository).channel_profile(channel_id)
        currency, row = found if found else ("EUR", None)
        return setup_from_row(row) if row is not None else default_setup(channel_id, currency)

    return _setups.get(uow.conn, channel_id, load)


def _with_settings(
    uow: UnitOfWork, location_ids: list[str]
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """``SourcingRepository.locations_with_settings`` through the cache (id order)."""

    def load(ids: list[str]) -> dict[str, tuple[dict[str, Any], dict[str, Any] | None]]:
        rows = uow.repo(SourcingRepository).locations_with_settings(ids)
        return {r["id"]: (r, settings) for r, settings in rows}

    found = _locations.get_many(uow.conn, sorted(set(location_ids)), load)
    return [found[k] for k in sorted(found)]


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _local_midnight(zone: str, now: datetime) -> datetime:
    tz = ZoneInfo(zone)
    return datetime.combine(now.astimezone(tz).date(), time(0), tz)


def network(
    uow: UnitOfWork,
    channel_id: str,
    now: datetime,
    *,
    only: Iterable[str] | None = None,
    also: Iterable[str] = (),
    with_capacity: bool = True,
    pickup_stores: bool = False,
    whole_day: bool = False,
    scoped: bool = False,
) -> list[Location]:
    """The channel's active locations (``only`` these, and every pickup store if
    ``pickup_stores``; plus ``also`` regardless of the channel) as engine locations, with
    the shipments each can still start today (``whole_day``: its full daily capacity).

    ``scoped``: ``only`` comes from the channel's own stock (``stock_levels``), so it is
    already within the channel's locations and needs no second check."""
    repo = uow.repo(SourcingRepository)
    if scoped and only is not None and not pickup_stores:
        found = _with_settings(uow, [*only, *also])
    else:
        found = _with_settings(uow, _chosen(uow, channel_id, only, also, pickup_stores))
    used: dict[str, int] = {}
    if with_capacity and not whole_day:
        by_zone: dict[str, list[str]] = defaultdict(list)
        for r, _ in found:
            if r["daily_capacity"] is not None:
                by_zone[r["timezone"]].append(r["id"])
        for zone, ids in by_zone.items():
            used |= repo.fulfillments_since(ids, _local_midnight(zone, now))
    result = []
    for r, settings in found:
        loc = to_location(r, settings, used.get(r["id"], 0), with_capacity)
        if loc is not None:
            result.append(loc)
    return result


def _chosen(
    uow: UnitOfWork,
    channel_id: str,
    only: Iterable[str] | None,
    also: Iterable[str],
    pickup_stores: bool,
) -> list[str]:
    allowed = set(uow.repo(ChannelRepository).location_ids(channel_id))
    wanted = set(only) if only is not None else None
    extra = set(also)

    def chosen(r: dict[str, Any]) -> bool:
        if r["id"] in extra:
            return True
        if allowed and r["id"] not in allowed:
            return False
        pickup = pickup_stores and "pickup" in r["capabilities"]
        return wanted is None or r["id"] in wanted or pickup

    return [r["id"] for r in uow.repo(LocationRepository).all_active() if chosen(r)]


def to_location(
    row: dict[str, Any], settings: dict[str, Any] | None, used: int, with_capacity: bool = True
) -> Location | None:
    """One location row as the engine sees it; None if it cannot be placed on a map."""
    s = {**DEFAULT_SETTINGS, **(settings or {})}
    lat, lon = row["latitude"], row["longitude"]
    if lat is None or lon is None:
        address = row["address"] or {}
        point = locate(
            address.get("country_code", ""), address.get("postal_code"), address.get("city")
        )
        if point is None:
            return None
        lat, lon = point.latitude, point.longitude
    capacity = row["daily_capacity"]
    return Location(
        id=row["id"],
        code=row["code"],
        type=row["type"],
        latitude=float(lat),
        longitude=float(lon),
        timezone=row["timezone"],
        capabilities=frozenset(row["capabilities"] or []),
        capacity_left=None if capacity is None or not with_capacity else max(0, capacity - used),
        processing_days=frozenset(row["processing_days"] or []),
        cutoff=_clock(row["cutoff_time"]),
        handling_days=int(s["handling_days"]),
        priority=int(s["priority"]),
        networks=frozenset(s["networks"]),
        holidays=frozenset(date.fromisoformat(d) for d in s["holidays"]),
        opens=_clock(s["opens"]),
        closes=_clock(s["closes"]),
        pickup_lead_minutes=int(s["pickup_lead_minutes"]),
    )


def stock_levels(
    uow: UnitOfWork, sku_ids: list[str], channel_id: str, now: datetime, *, gross: bool = False
) -> list[StockLevel]:
    """Units free to promise per SKU and location in the channel's scope.

    Inventory never reserves into safety stock, so live sourcing sees availability net of
    it; ``gross`` (for simulations of a profile that ignores safety stock) adds it back as
    ``safety_stock`` for the ledger to net or not.
    """
    if not sku_ids:
        return []
    late.apply_pending(uow)  # this unit of work's own reservations count
    rows = uow.repo(AvailabilityRepository).balances(sorted(set(sku_ids)), channel_id, None, now)
    levels = []
    for r in rows:
        if not gross:
            levels.append(StockLevel(r["sku_id"], r["location_id"], int(r["available"])))
            continue
        free = max(int(r["available"]) + int(r["safety_stock"]), r["on_hand"] - r["reserved"])
        safety = min(int(r["safety_stock"]), max(0, free))
        levels.append(StockLevel(r["sku_id"], r["location_id"], max(0, free), safety))
    return levels


def supplies(uow: UnitOfWork, sku_ids: list[str], channel_id: str) -> list[IncomingSupply]:
    """Expected supply not yet promised to preorders: purchase orders, transfers."""
    if not sku_ids:
        return []
    rows = uow.repo(AvailabilityRepository).incoming(sorted(set(sku_ids)), channel_id, None)
    return [
        IncomingSupply(
            r["sku_id"], r["location_id"], int(r["quantity"] - r["preordered"]), r["eta"]
        )
        for r in rows
        if r["eta"] is not None and r["quantity"] - r["preordered"] > 0
    ]


def weights(uow: UnitOfWork, sku_ids: list[str]) -> dict[str, Decimal]:
    """Unit weight in kg per SKU id (0 when the catalog does not know it)."""

    def load(refs: list[str]) -> dict[str, tuple[str, Decimal]]:
        found = uow.repo(SkuRepository).by_refs(refs)
        return {
            ref: (row["id"], Decimal(row["weight_grams"] or 0) / 1000) for ref, row in found.items()
        }

    return dict(_weights.get_many(uow.conn, sorted(set(sku_ids)), load).values())


def place_address(uow: UnitOfWork, address: dict[str, Any] | None) -> GeoPoint | None:
    """Where a shipping address is, from stored centroids and the built-in tables."""
    if not address:
        return None
    country = str(address.get("country_code") or "")
    postal, city = address.get("postal_code"), address.get("city")
    place = Place(country, postal, city)
    known = _centroids.get(
        uow.conn, place, lambda: uow.repo(CarrierRepository).centroids_for([place])
    )
    return locate(country, postal, city, known)


def centre_of(locations: list[Location]) -> GeoPoint:
    """The middle of the network: where an order with an unknown destination is assumed."""
    if not locations:
        return GeoPoint(0.0, 0.0, "unknown")
    lat = sum(loc.latitude for loc in locations) / len(locations)
    lon = sum(loc.longitude for loc in locations) / len(locations)
    return GeoPoint(lat, lon, "unknown")
