"""HTTP for the ledger audit, hold expiry and selling rules (policies, protections)."""

from __future__ import annotations

from fastapi import APIRouter

from switchyard.api.deps import Admin, DbDep, InventoryRead, InventoryWriteWhole
from switchyard.db.uow import UnitOfWork
from switchyard.inventory import refs, rules
from switchyard.inventory import service as inventory
from switchyard.inventory.policy_repository import PolicyRepository
from switchyard.inventory.refs import channel_id
from switchyard.inventory.reservation_schemas import (
    PolicyRead,
    PolicyUpdate,
    ProtectionsRead,
    ProtectionUpdate,
)
from switchyard.inventory.schemas import VerifyRead
from switchyard.inventory.verify import verify

router = APIRouter(prefix="/inventory", tags=["inventory admin"])


@router.get("/verify", response_model=VerifyRead)
def verify_ledger(db: DbDep, principal: Admin) -> VerifyRead:
    """Balances against movements, reserved against open reservations: the differences."""
    found = db.run(principal.actor, lambda uow: verify(uow), read_only=True)
    return VerifyRead(clean=not found, differences=found)


@router.post("/expire-holds")
def expire_holds(db: DbDep, principal: InventoryWriteWhole) -> dict[str, int]:
    """Release holds past their expiry now (the worker does this on a schedule)."""
    return {"expired": db.run(principal.actor, lambda uow: inventory.expire_holds(uow))}


def _policy(uow: UnitOfWork, sku: str, channel: str | None) -> PolicyRead:
    sku_id = refs.sku_or_404(uow, sku)
    chan = channel_id(uow, channel) if channel else None
    return PolicyRead(
        sku_id=sku_id,
        backorder_policy=uow.repo(PolicyRepository).sku_policy(sku_id),
        channel_id=chan,
        effective=inventory.policy_for(uow, chan, sku_id),
    )


@router.get("/policies/{sku}", response_model=PolicyRead)
def get_policy(
    sku: str, db: DbDep, principal: InventoryRead, channel: str | None = None
) -> PolicyRead:
    """The SKU's own backorder policy and, for ``channel``, the one that applies."""
    return db.run(principal.actor, lambda uow: _policy(uow, sku, channel), read_only=True)


@router.put("/policies/{sku}", response_model=PolicyRead)
def set_policy(
    sku: str, body: PolicyUpdate, db: DbDep, principal: InventoryWriteWhole
) -> PolicyRead:
    def use_case(uow: UnitOfWork) -> PolicyRead:
        rules.set_sku_policy(uow, refs.sku_or_404(uow, sku), body.backorder_policy)
        return _policy(uow, sku, None)

    return db.run(principal.actor, use_case)


@router.get("/protections/{channel}", response_model=ProtectionsRead)
def get_protections(channel: str, db: DbDep, principal: InventoryRead) -> ProtectionsRead:
    row = db.run(
        principal.actor,
        lambda uow: rules.protections(uow, channel_id(uow, channel)),
        read_only=True,
    )
    return ProtectionsRead.model_validate(row)


@router.put("/protections/{channel}", response_model=ProtectionsRead)
def set_protection(
    channel: str, body: ProtectionUpdate, db: DbDep, principal: InventoryWriteWhole
) -> ProtectionsRead:
    """Units of a SKU (or of every SKU) the channel may not sell; null removes it."""

    def use_case(uow: UnitOfWork) -> ProtectionsRead:
        chan = channel_id(uow, channel)
        sku_id = refs.sku_id(uow, body.sku) if body.sku else None
        rules.set_protection(uow, chan, sku_id, body.quantity)
        return ProtectionsRead.model_validate(rules.protections(uow, chan))

    return db.run(principal.actor, use_case)
