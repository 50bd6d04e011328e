"""Bulk stock sync from an external WMS, ERP or POS: a full snapshot or deltas.

A snapshot counts stock *as of* its timestamp. Movements the ledger recorded after that
(shipments, receipts) are kept on top of the counted figure, and reservations are left
alone, so nothing that happened while the snapshot was in flight is lost. Thousands of
rows cost a handful of statements: one lock, one sum, and executemany writes.

A full snapshot states its scope and is refused when it would take away too much
(``inventory.snapshot``); ``dry_run`` computes the same result and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.allocation import allocate_waiting, cover_shortfall
from switchyard.inventory.availability_repository import AvailabilityRepository
from switchyard.inventory.domain import Level, Pair, reconcile_snapshot
from switchyard.inventory.repository import StockRepository
from switchyard.inventory.signals import emit_change, movement
from switchyard.inventory.snapshot import (
    CHANGES_SHOWN,
    DEFAULT_MAX_REMOVAL_RATIO,
    SCOPES,
    biggest_first,
    check_removal,
    covered_skus,
    removal_of,
)
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import FieldError, ValidationFailed

MODES = ("full", "delta")


@dataclass(slots=True)
class SkuChange:
    sku_id: str
    sku: str  # the SKU code
    before: int  # on_hand before the sync
    after: int  # on_hand after it


@dataclass(slots=True)
class SyncResult:
    location_id: str
    mode: str
    rows: int
    scope: str | None = None
    dry_run: bool = False
    changed: int = 0
    created: int = 0
    unchanged: int = 0
    units_added: int = 0
    units_removed: int = 0
    skus_zeroed: int = 0  # SKUs in stock before, none after
    units_on_hand: int = 0  # at the location before the sync, every SKU
    shorted: list[str] = field(default_factory=list)  # SKU ids whose reservations fell short
    changes: list[SkuChange] = field(default_factory=list)  # biggest first, CHANGES_SHOWN
    changes_truncated: bool = False


def _validate(
    items: list[tuple[str, int]],
    mode: str,
    scope: str | None,
    as_of: datetime | None,
    max_removal_ratio: float,
) -> None:
    errors = []
    if mode not in MODES:
        errors.append(FieldError("mode", "invalid_choice", "full or delta"))
    if mode == "full" and scope is None:
        errors.append(
            FieldError(
                "scope",
                "scope_required",
                "a full snapshot must say what it covers: 'location' (SKUs it omits "
                "become 0) or 'listed' (only the SKUs it lists change)",
            )
        )
    elif scope is not None and scope not in SCOPES:
        errors.append(FieldError("scope", "invalid_choice", "location or listed"))
    elif mode == "delta" and scope == "location":
        errors.append(FieldError("scope", "not_for_delta", "deltas change only the listed SKUs"))
    if not 0 <= max_removal_ratio <= 1:
        errors.append(FieldError("max_removal_ratio", "out_of_range", "from 0 to 1"))
    seen: set[str] = set()
    for i, (sku_id, quantity) in enumerate(items):
        if sku_id in seen:
            errors.append(FieldError(f"items.{i}.sku", "duplicate_sku", "one row per SKU"))
        seen.add(sku_id)
        if mode == "full" and quantity < 0:
            errors.append(FieldError(f"items.{i}.quantity", "negative", "zero or more"))
    if as_of is not None and as_of > utcnow():
        errors.append(FieldError("as_of", "in_future", "a snapshot cannot be from the future"))
    if errors:
        detail = "the stock sync is not valid"
        if any(e.code == "scope_required" for e in errors):
            detail = "a full snapshot must state its scope: 'location' or 'listed'"
        raise ValidationFailed("invalid_sync", detail, errors)


def sync_stock(
    uow: UnitOfWork,
    location_id: str,
    items: list[tuple[str, int]],
    *,
    mode: str = "full",
    scope: str | None = None,
    as_of: datetime | None = None,
    reference: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    max_removal_ratio: float = DEFAULT_MAX_REMOVAL_RATIO,
) -> SyncResult:
    """Apply ``items`` (sku_id, quantity) to a location.

    ``full``: quantities are the counted on_hand as of ``as_of`` (default now), over
    ``scope`` (required): ``location``, SKUs the location holds but the snapshot omits are
    counted as 0; ``listed``, only the listed SKUs are set. It is refused (409
    ``snapshot_removes_too_much``) when it would take away more than ``max_removal_ratio``
    of the location's on-hand units or zero more than that share of its SKUs in stock,
    unless ``force``. ``delta``: quantities are signed changes (on_hand never goes below
    0). ``dry_run``: the same checks and result, nothing written and nothing emitted.
    """
    _validate(items, mode, scope, as_of, max_removal_ratio)
    stock = uow.repo(StockRepository)
    now = utcnow()
    levels = stock.lock_location(location_id)
    given = dict(items)
    if mode == "full":
        skus = covered_skus(scope or "", given, levels)
        since = stock.movements_since(location_id, as_of, skus) if as_of else {}
        targets = {s: reconcile_snapshot(given.get(s, 0), since.get(s, 0)) for s in skus}
    else:
        targets = {s: max(0, (levels[s].on_hand if s in levels else 0) + d) for s, d in items}
    result = SyncResult(
        location_id, mode, len(items), scope=scope if mode == "full" else None, dry_run=dry_run
    )
    # the plan: (sku_id, balance before or None for a new one, target on_hand)
    plan: list[tuple[str, Level | None, int]] = []
    for sku_id in sorted(targets):
        target, before = targets[sku_id], levels.get(sku_id)
        if before is None:
            if target == 0:
                continue
            result.created += 1
        elif target == before.on_hand:
            result.unchanged += 1
            continue
        plan.append((sku_id, before, target))
        diff = target - (before.on_hand if before else 0)
        result.changed += 1
        result.units_added += max(diff, 0)
        result.units_removed += max(-diff, 0)
        if before is not None and target < before.reserved:
            result.shorted.append(sku_id)
    on_hand = {s: lv.on_hand for s, lv in levels.items()}
    removal = removal_of(on_hand, {s: t for s, _, t in plan})
    result.skus_zeroed, result.units_on_hand = removal.skus_zeroed, removal.units_on_hand
    if mode == "full" and not force:
        check_removal(removal, max_removal_ratio)  # before anything is written
    _list_changes(uow, result, [(s, b.on_hand if b else 0, t) for s, b, t in plan])
    if not dry_run:
        _apply(uow, location_id, plan, now, f"{mode} sync", as_of, reference)
    return result


def _list_changes(uow: UnitOfWork, result: SyncResult, rows: list[tuple[str, int, int]]) -> None:
    """The biggest changes (CHANGES_SHOWN of them) with their SKU codes."""
    shown = biggest_first(rows)[:CHANGES_SHOWN]
    codes: dict[str, str] = {}
    if shown:
        found = uow.repo(AvailabilityRepository).skus([s for s, _, _ in shown])
        codes = {r["id"]: r["sku"] for r in found}
    result.changes = [SkuChange(s, codes.get(s, s), b, a) for s, b, a in shown]
    result.changes_truncated = len(rows) > len(shown)


def _apply(
    uow: UnitOfWork,
    location_id: str,
    plan: list[tuple[str, Level | None, int]],
    now: datetime,
    why: str,
    as_of: datetime | None,
    reference: str | None,
) -> None:
    stock = uow.repo(StockRepository)
    why += f" as of {as_of.isoformat()}" if as_of else ""
    new_rows, overwrite, moves = [], {}, []
    changes: list[tuple[Pair, Level, Level]] = []
    for sku_id, level, target in plan:
        pair = (sku_id, location_id)
        if level is None:
            before = Level(0, 0)
            new_rows.append(
                {"sku_id": sku_id, "location_id": location_id, "on_hand": target, "updated_at": now}
            )
        else:
            before = level
            overwrite[sku_id] = target
        reserved = before.reserved
        if target < reserved:
            reserved -= cover_shortfall(uow, pair, reserved - target, now)
        diff = target - before.on_hand
        moves.append(movement(uow, pair, "external_sync", diff, reason=why, reference=reference))
        after = Level(target, reserved, before.safety_stock, before.reorder_point)
        changes.append((pair, before, after))
    stock.insert_levels(new_rows)
    stock.set_on_hand_many(location_id, overwrite, now)
    stock.add_movements(moves)
    for pair, before, after in changes:
        emit_change(uow, pair, before, after, "external_sync")
    grew = [pair for pair, before, after in changes if after.available > before.available]
    allocate_waiting(uow, grew, now)
