"""Customers HTTP API: /customers and their address books."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.deps import CustomersRead, CustomersReadWhole, CustomersWrite, DbDep
from switchyard.api.etag import expected_version, set_etag
from switchyard.api.pagination import Cursor, Limit, Page, decode_cursor, page_of
from switchyard.customers import service
from switchyard.customers.repository import CustomerRepository
from switchyard.customers.schemas import (
    AddressRead,
    CustomerAddress,
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
)
from switchyard.db.uow import UnitOfWork
from switchyard.orders import visibility

router = APIRouter(prefix="/customers", tags=["customers"])


@router.post("", status_code=201, response_model=CustomerRead)
def create_customer(
    body: CustomerCreate, request: Request, db: DbDep, principal: CustomersWrite
) -> JSONResponse:
    """Create a customer; 409 ``customer_exists`` (with ``customer_id``) if the email is known."""

    def use_case(uow: UnitOfWork) -> CustomerRead:
        return CustomerRead(**service.create_customer(uow, body.model_dump()))

    return idempotency.create(
        request, db, principal, body, use_case, headers=lambda r: {"ETag": f'"{r["version"]}"'}
    )


@router.get("", response_model=Page[CustomerRead])
def list_customers(
    db: DbDep,
    principal: CustomersRead,
    limit: Limit = 50,
    cursor: Cursor = None,
    email: str | None = None,
    q: str | None = None,
) -> Page[CustomerRead]:
    """Customers in creation order. ``email`` matches exactly (ignoring case); ``q`` matches
    part of the name, email or phone. A location-restricted key sees the customers of the
    orders it sees."""
    after = decode_cursor(cursor)
    locations = principal.location_ids
    rows = db.run(
        principal.actor,
        lambda uow: uow.repo(CustomerRepository).page(
            email=email,
            q=q,
            after_id=after[0] if after else None,
            limit=limit,
            among=None if locations is None else visibility.customer_ids(locations),
        ),
        read_only=True,
    )
    return page_of([CustomerRead(**r) for r in rows], limit, lambda c: [c.id])


@router.get("/{customer_id}", response_model=CustomerRead)
def get_customer(
    customer_id: str, response: Response, db: DbDep, principal: CustomersRead
) -> CustomerRead:
    def query(uow: UnitOfWork) -> dict[str, Any]:
        row = service.get_customer(uow, customer_id)
        visibility.require_customer(uow, principal, customer_id)
        return row

    row = db.run(principal.actor, query, read_only=True)
    set_etag(response, row["version"])
    return CustomerRead(**row)


@router.patch("/{customer_id}", response_model=CustomerRead)
def update_customer(
    customer_id: str,
    body: CustomerUpdate,
    request: Request,
    response: Response,
    db: DbDep,
    principal: CustomersWrite,
) -> CustomerRead:
    version = expected_version(request, body.version)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    row = db.run(
        principal.actor, lambda uow: service.update_customer(uow, customer_id, changes, version)
    )
    set_etag(response, row["version"])
    return CustomerRead(**row)


@router.post("/{customer_id}/addresses", status_code=201, response_model=AddressRead)
def add_address(
    customer_id: str,
    body: CustomerAddress,
    request: Request,
    db: DbDep,
    principal: CustomersWrite,
) -> JSONResponse:
    """Add an address to the customer's book. An address already there (however it is
    spelled: case, accents, punctuation, spacing) is returned instead of added twice."""

    def use_case(uow: UnitOfWork) -> AddressRead:
        return AddressRead(**service.add_address(uow, customer_id, body.model_dump()))

    return idempotency.create(request, db, principal, body, use_case)


@router.get("/{customer_id}/addresses", response_model=Page[AddressRead])
def list_addresses(
    customer_id: str,
    db: DbDep,
    principal: CustomersReadWhole,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AddressRead]:
    after = decode_cursor(cursor)
    rows = db.run(
        principal.actor,
        lambda uow: service.list_addresses(
            uow, customer_id, after_id=after[0] if after else None, limit=limit
        ),
        read_only=True,
    )
    return page_of([AddressRead(**r) for r in rows], limit, lambda a: [a.id])
