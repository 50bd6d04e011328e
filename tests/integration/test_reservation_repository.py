"""ReservationRepository's statements select, close, shrink and adopt exactly the rows
they name (both databases): the rules the consume, release and hold paths rely on, each
checked against rows that differ in one column only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from switchyard.db.uow import Database
from switchyard.inventory.domain import EXPIRED, OPEN, RELEASED, WAITING
from switchyard.inventory.reservation_repository import ReservationRepository
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku
from tests.helpers import ref

ACTOR = Actor.system("reservation-repository-tests")
# A year ahead: the rows' expiry times must never be due for the real housekeeping job that
# other tests run against the same database (these rows hold no stock in the balances).
T0 = utcnow().replace(microsecond=0) + timedelta(days=365)


@pytest.fixture
def place(client) -> dict[str, str]:
    channel = make_channel(client)
    a, b = make_location(client), make_location(client)
    x, y = make_sku(client, channel), make_sku(client, channel)
    return {"a": a["id"], "b": b["id"], "x": x["id"], "y": y["id"]}


def row(place: dict[str, str], **over: Any) -> dict[str, Any]:
    base = {
        "id": ref("res"),
        "order_id": None,
        "order_line_id": None,
        "hold_id": None,
        "sku_id": place["x"],
        "location_id": place["a"],
        "quantity": 2,
        "consumed": 0,
        "status": OPEN,
        "supply_line_id": None,
        "expires_at": None,
        "created_at": T0,
        "updated_at": T0,
    }
    return base | over


def run(database: Database, step: Any, read_only: bool = False) -> Any:
    return database.run(
        ACTOR, lambda uow: step(uow.repo(ReservationRepository)), read_only=read_only
    )


def add(database: Database, *rows: dict[str, Any]) -> list[str]:
    run(database, lambda r: r.add(list(rows)))
    return [r["id"] for r in rows]


def ids(found: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in found]


def test_open_for_line_takes_the_line_s_open_rows_at_that_location_oldest_first(database, place):
    line, other = ref("oli"), ref("oli")
    newer = row(place, order_line_id=line, created_at=T0 + timedelta(seconds=5))
    older = row(place, order_line_id=line, id=newer["id"] + "z", created_at=T0)
    at_b = row(place, order_line_id=line, location_id=place["b"])
    released = row(place, order_line_id=line, status=RELEASED)
    other_line = row(place, order_line_id=other)
    add(database, newer, older, at_b, released, other_line)
    found = run(database, lambda r: r.open_for_line(line, place["a"]))
    assert ids(found) == [older["id"], newer["id"]]  # by age, not by id


def test_close_moves_only_what_every_condition_names(database, place):
    hold, other_hold, order, line = ref("hld"), ref("hld"), ref("ord"), ref("oli")
    due = T0 + timedelta(minutes=1)
    held = row(place, hold_id=hold, expires_at=due)
    held_later = row(place, hold_id=hold, expires_at=due + timedelta(seconds=1))
    not_mine = row(place, hold_id=other_hold, expires_at=due)
    waiting = row(place, hold_id=hold, status=WAITING, expires_at=due)
    add(database, held, held_later, not_mine, waiting)
    now = T0 + timedelta(hours=1)
    closed = run(database, lambda r: r.close(EXPIRED, now, hold_id=hold, expired_by=due))
    assert closed == [
        {
            "id": held["id"],
            "sku_id": place["x"],
            "location_id": place["a"],
            "quantity": 2,
            "supply_line_id": None,
            "order_id": None,
            "order_line_id": None,
        }
    ]
    every = ids([held, held_later, not_mine, waiting])
    after = {i: run(database, lambda r, i=i: r.get(i), True) for i in every}
    assert {i: r["status"] for i, r in after.items()} == {
        held["id"]: EXPIRED,
        held_later["id"]: OPEN,
        not_mine["id"]: OPEN,
        waiting["id"]: WAITING,
    }
    assert after[held["id"]]["updated_at"] == now and after[held_later["id"]]["updated_at"] == T0

    mine = row(place, order_id=order, order_line_id=line)
    sibling = row(place, order_id=order, order_line_id=ref("oli"))
    stranger = row(place, order_id=ref("ord"), order_line_id=line)
    add(database, mine, sibling, stranger)
    got = run(database, lambda r: r.close(RELEASED, now, order_id=order, order_line_ids=[line]))
    assert ids(got) == [mine["id"]] and got[0]["order_line_id"] == line
    got = run(database, lambda r: r.close(RELEASED, now, ids=[sibling["id"]]))
    assert ids(got) == [sibling["id"]] and got[0]["order_id"] == order
    assert run(database, lambda r: r.get(stranger["id"]), True)["status"] == OPEN


def test_shrink_takes_units_and_counts_what_was_consumed(database, place):
    (rid,) = add(database, row(place, quantity=5))
    now = T0 + timedelta(minutes=3)
    run(database, lambda r: r.shrink(rid, 2, now, consumed=2))
    got = run(database, lambda r: r.get(rid), True)
    assert (got["quantity"], got["consumed"], got["updated_at"]) == (3, 2, now)


def test_adopt_takes_a_live_open_hold_line_only(database, place):
    now = T0 + timedelta(minutes=10)
    live = row(place, hold_id=ref("hld"), expires_at=now + timedelta(seconds=1))
    at_expiry = row(place, hold_id=ref("hld"), expires_at=now)
    released = row(place, hold_id=ref("hld"), status=RELEASED)
    forever = row(place, hold_id=ref("hld"))
    add(database, live, at_expiry, released, forever)
    order, line = ref("ord"), ref("oli")
    assert run(database, lambda r: r.adopt(live["id"], order, line, now)) is True
    got = run(database, lambda r: r.get(live["id"]), True)
    assert (got["order_id"], got["order_line_id"], got["expires_at"], got["updated_at"]) == (
        order,
        line,
        None,
        now,
    )
    assert run(database, lambda r: r.adopt(at_expiry["id"], order, line, now)) is False
    assert run(database, lambda r: r.adopt(released["id"], order, line, now)) is False
    assert run(database, lambda r: r.adopt(forever["id"], order, None, now)) is True
    assert run(database, lambda r: r.get(at_expiry["id"]), True)["order_id"] is None


def test_reads_by_order_hold_and_id(database, place):
    order, hold = ref("ord"), ref("hld")
    second = row(place, order_id=order, created_at=T0 + timedelta(seconds=2))
    first = row(place, order_id=order, id=second["id"] + "z", created_at=T0)
    elsewhere = row(place, order_id=ref("ord"))
    h2 = row(place, hold_id=hold, id=ref("res") + "b")
    h1 = row(place, hold_id=hold, id=h2["id"][:-1] + "a")
    add(database, second, first, elsewhere, h2, h1)
    assert ids(run(database, lambda r: r.for_order(order), True)) == [first["id"], second["id"]]
    assert ids(run(database, lambda r: r.for_hold(hold), True)) == [h1["id"], h2["id"]]
    assert run(database, lambda r: r.get(first["id"]), True)["order_id"] == order
    assert run(database, lambda r: r.get(ref("res")), True) is None


def test_page_filters_on_each_column_and_pages_by_id(database, place):
    order = ref("ord")
    rows = [
        row(place, order_id=order, id=f"{order}-1"),
        row(place, order_id=order, id=f"{order}-2", sku_id=place["y"]),
        row(place, order_id=order, id=f"{order}-3", location_id=place["b"]),
        row(place, order_id=order, id=f"{order}-4", status=WAITING),
    ]
    add(database, *rows)

    def page(**over: Any) -> list[str]:
        args = {"order_id": order, "sku_id": None, "location_id": None, "status": None,
                "after_id": None, "limit": 10} | over  # fmt: skip
        return ids(run(database, lambda r: r.page(**args), True))

    assert page() == [r["id"] for r in rows]
    assert page(sku_id=place["y"]) == [f"{order}-2"]
    assert page(location_id=place["b"]) == [f"{order}-3"]
    assert page(status=WAITING) == [f"{order}-4"]
    assert page(after_id=f"{order}-2") == [f"{order}-3", f"{order}-4"]
    assert page(limit=1) == [f"{order}-1", f"{order}-2"]  # one more than asked: a next page
    assert page(order_id=ref("ord")) == []


def test_queue_and_expiry_take_one_balance_in_age_order(database, place):
    young = row(place, status=WAITING, created_at=T0 + timedelta(seconds=9))
    old = row(place, status=WAITING, id=young["id"] + "z", created_at=T0)
    open_one = row(place)
    other_sku = row(place, status=WAITING, sku_id=place["y"])
    other_loc = row(place, status=WAITING, location_id=place["b"])
    add(database, young, old, open_one, other_sku, other_loc)
    pair = (place["x"], place["a"])
    oldest = ids(run(database, lambda r: r.queue(pair, WAITING)))
    assert oldest == [old["id"], young["id"]]  # this balance's waiting rows, by age
    newest = ids(run(database, lambda r: r.queue(pair, WAITING, newest_first=True, limit=1)))
    assert newest == [young["id"]]

    now = T0 + timedelta(hours=2)
    due = [row(place, sku_id=place["y"], location_id=place["b"], expires_at=now) for _ in range(3)]
    kept = row(place, sku_id=place["y"], location_id=place["b"], expires_at=now + timedelta(1))
    add(database, *due, kept)
    first = run(database, lambda r: r.expire(now, (place["y"], place["b"]), limit=2))
    assert len(first) == 2
    rest = run(database, lambda r: r.expire(now, (place["y"], place["b"])))
    assert len(rest) == 1 and kept["id"] not in ids(first + rest)
