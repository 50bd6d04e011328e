"""What a location-restricted API key sees of orders: the one rule, for every read.

A key restricted to locations (a store's, a warehouse's, a 3PL's) sees an order when the
order has a fulfillment at one of them (a row in ``order_locations``), and of that order
only the fulfillments there. Through the order it sees the order's customer, payments
and invoices; every other order, customer, payment and invoice answers 404, as if it did
not exist. An unrestricted key (``location_ids`` None) sees everything.

Reads call ``require_order`` / ``require_customer`` for one resource and pass
``condition`` / ``customer_ids`` (SQL conditions) into their repository's query for
lists; the operations a restricted key may not use at all are marked on their routes
(``auth.domain.LocationAccess``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, exists, select

from switchyard.auth.domain import Principal
from switchyard.db.uow import UnitOfWork
from switchyard.fulfillment.repository import FulfillmentRepository
from switchyard.kernel.errors import not_found
from switchyard.orders.tables import order_locations, orders


def condition(location_ids: Iterable[str]) -> ColumnElement[bool]:
    """Orders (rows of ``orders``) with a fulfillment at one of ``location_ids``."""
    ol = order_locations.c
    return exists().where(ol.order_id == orders.c.id, ol.location_id.in_(sorted(location_ids)))


def customer_ids(location_ids: Iterable[str]) -> Select[Any]:
    """The ids of customers with an order the locations see."""
    return select(orders.c.customer_id).where(
        orders.c.customer_id.is_not(None), condition(location_ids)
    )


class VisibilityRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def sees_order(self, location_ids: Iterable[str], order_id: str) -> bool:
        query = select(orders.c.id).where(orders.c.id == order_id, condition(location_ids))
        return self.conn.execute(query).first() is not None

    def sees_customer(self, location_ids: Iterable[str], customer_id: str) -> bool:
        query = select(orders.c.id).where(
            orders.c.customer_id == customer_id, condition(location_ids)
        )
        return self.conn.execute(query.limit(1)).first() is not None


def require_order(
    uow: UnitOfWork, principal: Principal, order_id: str, kind: str = "order", ref: str = ""
) -> None:
    """404 (``<kind>_not_found`` for ``ref``, by default the order) unless the principal
    sees the order."""
    locations = principal.location_ids
    if locations is not None and not uow.repo(VisibilityRepository).sees_order(locations, order_id):
        raise not_found(kind, ref or order_id)


def require_customer(uow: UnitOfWork, principal: Principal, customer_id: str) -> None:
    """404 ``customer_not_found`` unless the principal sees one of the customer's orders."""
    locations = principal.location_ids
    if locations is not None and not uow.repo(VisibilityRepository).sees_customer(
        locations, customer_id
    ):
        raise not_found("customer", customer_id)


def others_fulfillments(uow: UnitOfWork, principal: Principal, order_id: str) -> list[str]:
    """The ids of the order's fulfillments at locations the principal does not see."""
    locations = principal.location_ids
    if locations is None:
        return []
    found = uow.repo(FulfillmentRepository).for_order(order_id)
    return [f.id for f in found if f.location_id not in locations]


def own_fulfillments(principal: Principal, fulfillments: list[Any]) -> list[Any]:
    """Only the fulfillments at the principal's locations."""
    if principal.location_ids is None:
        return fulfillments
    return [f for f in fulfillments if f.location_id in principal.location_ids]
