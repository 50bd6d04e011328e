"""The dashboard's read queries on SQLite and PostgreSQL: time buckets and key ranges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import literal, select

from switchyard.db.types import UTCDateTime
from switchyard.fulfillment.dashboard_queries import first_id
from switchyard.kernel.events import Actor
from switchyard.kernel.ids import new_id
from switchyard.orders.dashboard_queries import bucket_of

EDGES = [datetime(2026, 12, 3, h, 30, tzinfo=UTC) for h in (10, 11, 12)]


def test_a_time_falls_in_the_bucket_of_the_last_edge_at_or_before_it(database):
    cases = {
        EDGES[0] - timedelta(microseconds=1): None,
        EDGES[0]: 0,
        EDGES[1] - timedelta(seconds=1): 0,
        EDGES[1]: 1,
        EDGES[2] + timedelta(hours=5): 2,
    }

    def query(uow) -> dict[datetime, int | None]:
        found = {}
        for moment in cases:
            value = literal(moment, UTCDateTime())
            found[moment] = uow.conn.execute(select(bucket_of(value, EDGES))).scalar_one()
        return found

    assert database.run(Actor.system("tests"), query, read_only=True) == cases


def test_first_id_bounds_the_ids_made_from_that_moment():
    before = first_id("ful", datetime.now(UTC) - timedelta(seconds=1))
    made = new_id("ful")
    after = first_id("ful", datetime.now(UTC) + timedelta(seconds=1))
    assert before <= made < after
    assert len(before) == len("ful_") + 10
