"""A customer's order history across every channel."""

from __future__ import annotations

from fastapi import APIRouter

from switchyard.api.deps import DbDep, OrdersRead
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.customers.repository import CustomerRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import not_found
from switchyard.orders import visibility
from switchyard.orders.read_model import list_views
from switchyard.orders.repository import OrderRepository
from switchyard.orders.schemas import OrderRead

router = APIRouter(tags=["customers"])


@router.get("/customers/{customer_id}/orders", response_model=Page[OrderRead])
def customer_orders(
    customer_id: str, db: DbDep, principal: OrdersRead, limit: Limit = 50, cursor: Cursor = None
) -> Page[OrderRead]:
    """Newest first, from every channel the customer bought on."""
    before = decode_cursor(cursor)

    def query(uow: UnitOfWork) -> list[OrderRead]:
        if uow.repo(CustomerRepository).get(customer_id) is None:
            raise not_found("customer", customer_id)
        visibility.require_customer(uow, principal, customer_id)
        orders = uow.repo(OrderRepository).search(
            customer_id=customer_id,
            visible_at=principal.location_ids,
            before_id=before[0] if before else None,
            limit=limit,
        )
        return [OrderRead(**view) for view in list_views(uow, orders)]

    return page_of(db.run(principal.actor, query, read_only=True), limit, lambda o: [o.id])
