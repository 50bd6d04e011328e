"""Customer use cases: one customer across every channel, matched by email."""

from __future__ import annotations

from typing import Any

from switchyard.customers.domain import address_fingerprint, normalise_email
from switchyard.customers.repository import AddressRepository, CustomerRepository, EmailTaken
from switchyard.db.uow import RetryUseCase, UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.errors import (
    Conflict,
    FieldError,
    PreconditionFailed,
    ValidationFailed,
    check_version,
    not_found,
)
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def _customer_row(
    email: str, name: str, phone: str | None, email_opt_out: bool = False
) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": new_id("cus"),
        "email": email,
        "name": name,
        "phone": phone,
        "email_opt_out": email_opt_out,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _exists(customer_id: str, email: str) -> Conflict:
    return Conflict(
        "customer_exists",
        f"customer {customer_id} already has the email {email}",
        [FieldError("email", "customer_exists", email)],
        extra={"customer_id": customer_id},
    )


def match_or_create(uow: UnitOfWork, email: str, name: str | None, phone: str | None) -> str:
    """The id of the customer with this email, created on first sight (an existing customer
    keeps its name and phone).

    Safe under concurrency: two transactions creating the same new email at once both get
    the one customer's id, and neither fails. The insert waits for the unit of work's
    others (``pending_writes``); the one that loses the race runs again (``RetryUseCase``)
    and finds the winner's customer.
    """
    repo = uow.repo(CustomerRepository)
    email = normalise_email(email)
    found = repo.by_email(email)
    if found is not None:
        return str(found["id"])
    row = _customer_row(email, name or "", phone)
    repo.add_new_email(row, if_taken=lambda: _taken_meanwhile(email))
    uow.emit(DomainEvent("customer.created", "customer", row["id"], {"email": email}))
    return str(row["id"])


def _taken_meanwhile(email: str) -> None:
    raise RetryUseCase(f"customer {email} was created meanwhile")


def create_customer(uow: UnitOfWork, values: dict[str, Any]) -> dict[str, Any]:
    """Create a customer (and its addresses); 409 ``customer_exists`` if the email is known."""
    repo = uow.repo(CustomerRepository)
    email = normalise_email(values["email"])
    row = _customer_row(
        email, values["name"], values.get("phone"), bool(values.get("email_opt_out"))
    )
    if not repo.add_if_new_email(row):
        existing = repo.by_email(email)
        raise _exists(existing["id"] if existing else "?", email)
    uow.emit(DomainEvent("customer.created", "customer", row["id"], {"email": email}))
    for address in values.get("addresses") or []:
        add_address(uow, row["id"], address)
    return row


def get_customer(uow: UnitOfWork, customer_id: str) -> dict[str, Any]:
    row = uow.repo(CustomerRepository).get(customer_id)
    if row is None:
        raise not_found("customer", customer_id)
    return row


def update_customer(
    uow: UnitOfWork, customer_id: str, changes: dict[str, Any], expected_version: int | None
) -> dict[str, Any]:
    repo = uow.repo(CustomerRepository)
    current = get_customer(uow, customer_id)
    check_version("customer", expected_version, current["version"])
    if "name" in changes and changes["name"] is None:
        raise ValidationFailed(
            "invalid_customer",
            "a customer needs a name",
            [FieldError("name", "null_not_allowed", "cannot be null")],
        )
    if "email_opt_out" in changes and changes["email_opt_out"] is None:
        raise ValidationFailed(
            "invalid_customer",
            "email_opt_out is true or false",
            [FieldError("email_opt_out", "null_not_allowed", "cannot be null")],
        )
    if changes.get("email") is not None:
        changes["email"] = normalise_email(changes["email"])
        other = repo.by_email(changes["email"])
        if other is not None and other["id"] != current["id"]:
            raise _exists(other["id"], changes["email"])
    elif "email" in changes:
        raise ValidationFailed(
            "invalid_customer",
            "a customer needs an email",
            [FieldError("email", "null_not_allowed", "cannot be null")],
        )
    if not changes:
        return current
    try:
        updated = repo.update(current["id"], current["version"], changes)
    except EmailTaken:
        other = repo.by_email(changes["email"])
        raise _exists(other["id"] if other else "?", changes["email"]) from None
    if not updated:
        raise PreconditionFailed("version_mismatch", "the customer changed meanwhile: reload it")
    before = {k: current[k] for k in changes}
    uow.emit(
        DomainEvent(
            "customer.updated", "customer", current["id"], {"before": before, "after": changes}
        )
    )
    return get_customer(uow, current["id"])


def add_address(uow: UnitOfWork, customer_id: str, address: dict[str, Any]) -> dict[str, Any]:
    """Add an address to the customer's book, or return the same address already there."""
    get_customer(uow, customer_id)
    repo = uow.repo(AddressRepository)
    fingerprint = address_fingerprint(address)
    row = {
        "id": new_id("adr"),
        "customer_id": customer_id,
        "address": address,
        "fingerprint": fingerprint,
        "created_at": utcnow(),
    }
    if repo.add_if_new(row):
        uow.emit(
            DomainEvent(
                "customer.address_added", "customer", customer_id, {"address_id": row["id"]}
            )
        )
        return row
    existing = repo.by_fingerprint(customer_id, fingerprint)
    if existing is None:  # only if it was deleted in between, which nothing does
        raise Conflict("address_contended", "the address book changed meanwhile: retry")
    return existing


def list_addresses(
    uow: UnitOfWork, customer_id: str, *, after_id: str | None, limit: int
) -> list[dict[str, Any]]:
    get_customer(uow, customer_id)
    return uow.repo(AddressRepository).page(customer_id, after_id=after_id, limit=limit)
