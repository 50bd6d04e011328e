"""Kit use cases: a kit SKU is sold as one unit and made of component SKUs."""

from __future__ import annotations

from typing import Any

from switchyard.catalog.domain import Component, component_errors, find_cycle
from switchyard.catalog.repository import SkuRepository
from switchyard.catalog.service import get_sku
from switchyard.db.ttl_cache import TTLCache
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import FieldError, PreconditionFailed, ValidationFailed, check_version
from switchyard.kernel.events import DomainEvent

# Parts = ((component sku id, units per kit), ...); empty for a SKU that is no kit.
Parts = tuple[tuple[str, int], ...]
_parts = TTLCache("catalog.kit_parts")


def parts_of(uow: UnitOfWork, sku_ids: list[str]) -> dict[str, Parts]:
    """The components of those SKUs that are kits (through the master-data cache)."""

    def load(missing: list[str]) -> dict[str, Parts]:
        found = uow.repo(SkuRepository).components_of(missing)
        return {
            sku_id: tuple((c["sku_id"], c["quantity"]) for c in found.get(sku_id, []))
            for sku_id in missing
        }

    return {k: v for k, v in _parts.get_many(uow.conn, sku_ids, load).items() if v}


def set_components(
    uow: UnitOfWork, ref: str, components: list[dict[str, Any]], expected_version: int | None
) -> dict[str, Any]:
    """Replace a kit's components (``{sku, quantity}``, sku an id or code).

    An empty list turns the kit back into a plain SKU. Components must exist, and no kit
    may contain itself, directly or through other kits.
    """
    repo = uow.repo(SkuRepository)
    repo.lock_kit_graph()
    kit = get_sku(uow, ref)
    check_version("sku", expected_version, kit["version"])
    found = repo.by_refs([c["sku"] for c in components])
    errors = [
        FieldError(f"components.{i}.sku", "unknown_sku", c["sku"])
        for i, c in enumerate(components)
        if c["sku"] not in found
    ]
    parts = [
        Component(found[c["sku"]]["id"], c["quantity"]) for c in components if c["sku"] in found
    ]
    if not errors:
        errors = component_errors(kit["id"], parts)
    if not errors:
        errors = _cycle_errors(repo, kit["id"], parts)
    if errors:
        raise ValidationFailed("invalid_components", "the kit's components are not valid", errors)

    repo.replace_components(
        kit["id"], [{"component_sku_id": p.sku_id, "quantity": p.quantity} for p in parts]
    )
    if not repo.update(kit["id"], kit["version"], {"is_kit": bool(parts)}):
        raise PreconditionFailed("version_mismatch", "the SKU changed meanwhile: reload it")
    uow.emit(
        DomainEvent(
            "catalog.kit_components_set",
            "sku",
            kit["id"],
            {
                "sku": kit["sku"],
                "components": [{"sku_id": p.sku_id, "quantity": p.quantity} for p in parts],
            },
        )
    )
    return get_sku(uow, kit["id"])


def _cycle_errors(repo: SkuRepository, kit_id: str, parts: list[Component]) -> list[FieldError]:
    chain = find_cycle(kit_id, [p.sku_id for p in parts], repo.children_of)
    if chain is None:
        return []
    codes = {row["id"]: row["sku"] for row in repo.by_refs(chain).values()}
    index = next(i for i, p in enumerate(parts) if p.sku_id == chain[0])
    path = " > ".join(codes.get(sku_id, sku_id) for sku_id in [kit_id, *chain])
    return [FieldError(f"components.{index}.sku", "kit_cycle", f"would loop: {path}")]
