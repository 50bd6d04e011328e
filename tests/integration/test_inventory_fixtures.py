"""Test data for the inventory tests (helpers only, no tests): SKUs, locations, channels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import insert, select

from switchyard.catalog.tables import kit_components, products, skus
from switchyard.channels.service import create_channel
from switchyard.db.uow import Database, UnitOfWork
from switchyard.inventory.tables import stock_levels
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from switchyard.kernel.ids import new_id
from switchyard.locations.service import create_location
from tests.helpers import ref

T = TypeVar("T")
ACTOR = Actor.system("inventory-tests")


def run(database: Database, use_case: Callable[[UnitOfWork], T]) -> T:
    return database.run(ACTOR, use_case)


def make_skus(database: Database, count: int = 1) -> list[str]:
    """New SKUs (with one product), returned as ids."""
    now = utcnow()
    product_id = new_id("prd")
    rows = [
        {
            "id": new_id("sku"),
            "sku": ref("SKU"),
            "product_id": product_id,
            "name": "Test SKU",
            "is_kit": False,
            "active": True,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for _ in range(count)
    ]

    def add(uow: UnitOfWork) -> None:
        uow.conn.execute(
            insert(products).values(
                id=product_id,
                name="Test product",
                description="",
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        uow.conn.execute(insert(skus), rows)

    run(database, add)
    return [r["id"] for r in rows]


def make_kit(database: Database, components: dict[str, int]) -> str:
    kit_id = make_skus(database)[0]

    def add(uow: UnitOfWork) -> None:
        uow.conn.execute(skus.update().where(skus.c.id == kit_id).values(is_kit=True))
        uow.conn.execute(
            insert(kit_components),
            [
                {"kit_sku_id": kit_id, "component_sku_id": c, "quantity": q}
                for c, q in components.items()
            ],
        )

    run(database, add)
    return kit_id


def sku_code(database: Database, sku_id: str) -> str:
    return run(
        database,
        lambda uow: uow.conn.execute(select(skus.c.sku).where(skus.c.id == sku_id)).scalar_one(),
    )


def make_locations(database: Database, count: int = 1, **over: Any) -> list[str]:
    def add(uow: UnitOfWork) -> list[str]:
        return [
            create_location(
                uow,
                {
                    "code": ref("LOC"),
                    "name": "Test location",
                    "type": "warehouse",
                    "address": {"line1": "1 Dock St", "city": "Hamburg", "country_code": "DE"},
                    **over,
                },
            )["id"]
            for _ in range(count)
        ]

    return run(database, add)


def make_channel(
    database: Database, location_ids: list[str] | None = None, policy: str = "deny"
) -> str:
    values = {
        "code": ref("CH"),
        "name": "Test channel",
        "type": "web",
        "currency": "EUR",
        "backorder_policy": policy,
        "location_ids": location_ids,
    }
    return run(database, lambda uow: create_channel(uow, values)["id"])


def level(database: Database, sku_id: str, location_id: str) -> dict[str, Any] | None:
    def read(uow: UnitOfWork) -> dict[str, Any] | None:
        row = (
            uow.conn.execute(
                select(stock_levels).where(
                    stock_levels.c.sku_id == sku_id, stock_levels.c.location_id == location_id
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    return database.run(ACTOR, read, read_only=True)
