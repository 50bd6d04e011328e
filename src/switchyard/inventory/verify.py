"""The ledger audit: every balance must equal the sum of its movements, every reserved
count the sum of its open reservations, and every preorder counter its preorders."""

from __future__ import annotations

from typing import Any

from switchyard.db.uow import UnitOfWork
from switchyard.inventory.audit_repository import AuditRepository
from switchyard.inventory.nonsellable import differences as nonsellable_differences


def verify(uow: UnitOfWork, sku_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """The differences found (empty when the ledger is consistent).

    Each difference names the ``check`` (on_hand, reserved or preordered), where it is,
    the value the ledger's rows give (``expected``) and the stored one (``actual``).
    """
    repo = uow.repo(AuditRepository)
    balances = repo.balances(sku_ids)
    moved = repo.movement_sums(sku_ids)
    held = repo.open_reservation_sums(sku_ids)
    differences: list[dict[str, Any]] = []
    for pair in sorted(set(balances) | set(moved) | set(held)):
        on_hand, reserved = balances.get(pair, (0, 0))
        for check, expected, actual in (
            ("on_hand", moved.get(pair, 0), on_hand),
            ("reserved", held.get(pair, 0), reserved),
        ):
            if expected != actual:
                differences.append(
                    {
                        "check": check,
                        "sku_id": pair[0],
                        "location_id": pair[1],
                        "expected": expected,
                        "actual": actual,
                    }
                )
    for line_id, sku_id, counter, total in repo.preorder_mismatches(sku_ids):
        differences.append(
            {
                "check": "preordered",
                "sku_id": sku_id,
                "supply_line_id": line_id,
                "expected": total,
                "actual": counter,
            }
        )
    differences += nonsellable_differences(uow, sku_ids)
    return differences
