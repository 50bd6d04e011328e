"""Customer identity: matching by email, safely under concurrency, on both databases."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from switchyard.customers.domain import address_fingerprint, normalise_email
from switchyard.customers.service import (
    add_address,
    create_customer,
    get_customer,
    match_or_create,
)
from switchyard.customers.tables import customer_addresses, customers
from switchyard.events.tables import events
from switchyard.kernel.errors import Conflict, ValidationFailed
from switchyard.kernel.events import Actor
from tests.helpers import ref

ACTOR = Actor.system("tests")
THREADS = 6


def race(database, use_case, hold: float = 0.05):
    """Run ``use_case`` in THREADS transactions at once; each holds its transaction open a
    moment after the use case, so the others meet its uncommitted row."""
    barrier = threading.Barrier(THREADS)

    def one(i: int):
        barrier.wait()

        def work(uow):
            result = use_case(uow, i)
            time.sleep(hold)
            return result

        return database.run(ACTOR, work)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(THREADS)))


def count(database, query) -> int:
    return database.run(ACTOR, lambda uow: uow.conn.execute(query).scalar_one(), read_only=True)


def test_same_new_email_at_once_gives_everyone_the_same_customer(database):
    email = f"{ref('race')}@Example.com"
    spellings = [email, email.lower(), f"  {email.upper()} "]

    ids = race(database, lambda uow, i: match_or_create(uow, spellings[i % 3], f"Buyer {i}", None))

    assert len(set(ids)) == 1, ids
    stored = select(func.count()).select_from(customers).where(customers.c.email == email.lower())
    assert count(database, stored) == 1
    created = (
        select(func.count())
        .select_from(events)
        .where(events.c.type == "customer.created", events.c.aggregate_id == ids[0])
    )
    assert count(database, created) == 1


def test_a_known_email_is_matched_not_duplicated(database):
    email = f"{ref('known')}@example.com"
    first = database.run(ACTOR, lambda uow: match_or_create(uow, email, "Ada", "+1 555"))
    again = database.run(ACTOR, lambda uow: match_or_create(uow, email.upper(), None, None))
    assert first == again
    nameless = database.run(
        ACTOR, lambda uow: match_or_create(uow, f"{ref('anon')}@example.com", None, None)
    )
    assert (
        database.run(ACTOR, lambda uow: get_customer(uow, nameless), read_only=True)["name"] == ""
    )


def test_the_same_address_at_once_is_stored_once(database):
    cid = database.run(
        ACTOR, lambda uow: match_or_create(uow, f"{ref('adr')}@example.com", "Ada", None)
    )
    spellings = [
        {"line1": "Hauptstraße 5", "city": "Berlin", "postal_code": "10115", "country_code": "DE"},
        {
            "line1": "HAUPTSTRASSE 5",
            "city": "berlin ",
            "postal_code": "10 115",
            "country_code": "DE",
        },
    ]

    rows = race(database, lambda uow, i: add_address(uow, cid, spellings[i % 2]))

    assert len({r["id"] for r in rows}) == 1
    stored = (
        select(func.count())
        .select_from(customer_addresses)
        .where(customer_addresses.c.customer_id == cid)
    )
    assert count(database, stored) == 1


def test_creating_a_known_email_is_a_conflict_naming_the_customer(database):
    email = f"{ref('dup')}@example.com"
    row = database.run(ACTOR, lambda uow: create_customer(uow, {"email": email, "name": "Ada"}))
    with pytest.raises(Conflict) as caught:
        database.run(ACTOR, lambda uow: create_customer(uow, {"email": email.upper(), "name": "B"}))
    assert caught.value.code == "customer_exists"
    assert caught.value.extra == {"customer_id": row["id"]}


@pytest.mark.parametrize(
    "raw", ["", "no-at-sign", "a@b", "a b@example.com", "@example.com", "a@example..com"]
)
def test_malformed_emails_are_refused(raw):
    with pytest.raises(ValidationFailed) as caught:
        normalise_email(raw)
    assert caught.value.errors[0].field == "email"


def test_emails_are_trimmed_and_lower_cased():
    assert normalise_email("  Ada.Lovelace@Example.COM ") == "ada.lovelace@example.com"


def test_address_fingerprints_ignore_spelling_but_not_substance():
    base = {
        "name": "Zoë Müller",
        "line1": "1 Main St.",
        "city": "Springfield",
        "country_code": "US",
    }
    same = {**base, "name": "zoe  muller", "line1": "1 MAIN ST", "phone": "+1 555 0100"}
    assert address_fingerprint(base) == address_fingerprint(same)
    assert address_fingerprint(base) != address_fingerprint({**base, "line1": "2 Main St."})
    assert address_fingerprint(base) != address_fingerprint({**base, "line2": "Apt 4"})
    assert address_fingerprint(base) != address_fingerprint({**base, "country_code": "CA"})
