"""The invoice counter hands out consecutive numbers with no gaps and no repeats when many
issuers race, and when some of them roll back, on both databases (PostgreSQL: really at
once; SQLite: one writer at a time)."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from typing import Any

from switchyard.db.uow import Database, UnitOfWork
from switchyard.invoicing.repository import InvoiceRepository
from switchyard.kernel.events import Actor
from tests.helpers import ref

ACTOR = Actor.system("counter-tests")
ISSUERS = 16


class Rollback(Exception):
    """Raised by an issuer after taking its number: its transaction rolls back."""


def _race(database: Database, series: str, fails: set[int]) -> list[int | None]:
    """``ISSUERS`` threads released together, each taking a number in its own transaction;
    those in ``fails`` roll back after taking theirs. Their committed numbers (None for
    those that rolled back)."""
    start = threading.Barrier(ISSUERS)

    def issue(n: int) -> int | None:
        def take(uow: UnitOfWork) -> int:
            number = uow.repo(InvoiceRepository).next_number(series)
            if n in fails:
                raise Rollback(number)
            return number

        start.wait(timeout=30)
        try:
            return database.run(ACTOR, take)
        except Rollback:
            return None

    with cf.ThreadPoolExecutor(ISSUERS) as pool:
        return list(pool.map(issue, range(ISSUERS)))


def _committed(database: Database, series: str) -> int:
    def read(uow: UnitOfWork) -> Any:
        return uow.repo(InvoiceRepository).next_number(series)

    # the next number tells how many were taken for good (and takes one more)
    return int(database.run(ACTOR, read)) - 1


def test_racing_issuers_get_one_to_n(database: Database) -> None:
    series = ref("S")
    numbers = _race(database, series, set())
    assert sorted(n for n in numbers if n is not None) == list(range(1, ISSUERS + 1))
    assert _committed(database, series) == ISSUERS


def test_numbers_of_issuers_that_roll_back_are_given_again(database: Database) -> None:
    series = ref("S")
    numbers = _race(database, series, fails={1, 6, 11, 15})
    kept = [n for n in numbers if n is not None]
    assert sorted(kept) == list(range(1, len(kept) + 1)) and len(kept) == ISSUERS - 4
    assert _committed(database, series) == len(kept)


def test_series_count_on_their_own(database: Database) -> None:
    invoices, credit_notes = ref("INV"), ref("CN")
    first = _race(database, invoices, set())
    second = _race(database, credit_notes, set())
    assert sorted(n for n in first if n) == sorted(n for n in second if n)
    assert sorted(n for n in second if n) == list(range(1, ISSUERS + 1))
