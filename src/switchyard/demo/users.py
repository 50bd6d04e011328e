"""The demo's staff users, one per role, all with the same password (printed by
``make run``). Created when missing, so a database from before them gets them too."""

from __future__ import annotations

from switchyard.db.uow import Database
from switchyard.kernel.events import Actor
from switchyard.staff.repository import UserRepository
from switchyard.staff.service import create_user

PASSWORD = "switchyard-demo"
# email, name, role, locations
USERS = (
    ("admin@switchyard.example", "Ada Admin", "admin", None),
    ("service@switchyard.example", "Cem Service", "customer_service", None),
    ("berlin@switchyard.example", "Bea Berlin", "store_associate", ["ST-BER"]),
    ("erfurt@switchyard.example", "Erik Erfurt", "warehouse", ["WH-ERF"]),
    ("merch@switchyard.example", "Mia Merch", "merchandiser", None),
    ("viewer@switchyard.example", "Vic Viewer", "viewer", None),
)
ACTOR = Actor.system("demo")


def ensure_demo_users(db: Database) -> list[tuple[str, str]]:
    """Create the demo users that do not exist; returns (email, role) of all of them."""
    for email, name, role, locations in USERS:

        def create(uow, email=email, name=name, role=role, locations=locations):  # type: ignore[no-untyped-def]
            if uow.repo(UserRepository).by_email(email) is None:
                create_user(uow, email, PASSWORD, role, name=name, locations=locations)

        db.run(ACTOR, create)
    return [(email, role) for email, _, role, _ in USERS]
