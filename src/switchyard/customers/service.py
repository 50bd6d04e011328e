"""Customer use cases: one customer across every channel, matched by email."""

from __future__ import annotations

from switchyard.customers.repository import CustomerRepository
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import DomainEvent
from switchyard.kernel.ids import new_id


def match_or_create(uow: UnitOfWork, email: str, name: str, phone: str | None) -> str:
    """The id of the customer with this email, created on first sight."""
    repo = uow.repo(CustomerRepository)
    email = email.strip().lower()
    found = repo.by_email(email)
    if found is not None:
        return str(found["id"])
    now = utcnow()
    customer_id = new_id("cus")
    repo.add(
        {
            "id": customer_id,
            "email": email,
            "name": name,
            "phone": phone,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
    )
    uow.emit(DomainEvent("customer.created", "customer", customer_id, {"email": email}))
    return customer_id
