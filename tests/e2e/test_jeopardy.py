"""Jeopardy (issue 13 item 10): open orders checked against their promise by the worker's
job and after every move, on SQLite and PostgreSQL.

The module runs on a database of its own per backend: the job checks every due watch,
and the tests' explicit ``now`` (instead of sleeping) lies ahead of the wall clock.
Locations keep UTC clocks and work every day, so the deadlines are plain to compute from
the stored promise.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from switchyard.api.app import create_app
from switchyard.auth.domain import SCOPES
from switchyard.cli.main import app as cli
from switchyard.config import Settings
from switchyard.db.uow import Database
from switchyard.fulfillment.tables import fulfillments
from switchyard.housekeeping import JOBS
from switchyard.jeopardy.service import check_due, check_orders
from switchyard.kernel.events import Actor
from tests.conftest import fresh_db_url, migrated
from tests.e2e.skeleton import available, make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem, make_key, ref

ACTOR = Actor.system("tests")
EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
# Acknowledgement and first scan far off: the tests' ``now`` runs days ahead of the clock
# that stamps releases and shipments.
PATIENT = {"acknowledge_hours": 720, "first_scan_hours": 720}


# -- a database of its own -----------------------------------------------------------------
@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    yield from fresh_db_url(request, tmp_path_factory)


@pytest.fixture(scope="module")
def database(db_url: str) -> Iterator[Database]:
    yield from migrated(db_url)


@pytest.fixture(scope="module")
def client(db_url: str, database: Database) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=db_url, auth_cache_seconds=0.0), database)
    with TestClient(app, raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {make_key(database, sorted(SCOPES))}"
        yield c


# -- helpers -------------------------------------------------------------------------------
def site(client: TestClient, cutoff: str = "12:00", **over: Any) -> dict[str, Any]:
    body = {"code": ref("WH"), "timezone": "UTC", "processing_days": EVERY_DAY, **over}
    return make_location(client, cutoff_time=cutoff, **body)


def shop(client: TestClient, database: Database, *locations: dict, **jeopardy: Any) -> dict:
    """A channel selling from ``locations``, a SKU with stock at the first of them."""
    channel = make_channel(
        client,
        location_ids=[loc["id"] for loc in locations],
        settings={"release": "manual", "jeopardy": {**PATIENT, **jeopardy}},
    )
    sku = make_sku(client, channel)
    stock(database, sku, locations[0], 5)
    return {"channel": channel, "sku": sku, "locations": locations}


def place(client: TestClient, env: dict, qty: int = 1) -> tuple[dict, dict]:
    r = client.post("/api/v1/orders", json=order_body(env["channel"], [(env["sku"], qty)]))
    assert r.status_code == 201, r.text
    order = r.json()
    (ful,) = client.get(f"/api/v1/orders/{order['id']}/sourcing").json()["fulfillments"]
    return order, ful


def at(day: str, clock: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), UTC)


def run_job(database: Database, now: datetime) -> dict[str, int]:
    return database.run(ACTOR, lambda uow: check_due(uow, now=now))


def check_now(database: Database, order_id: str, now: datetime) -> dict[str, int]:
    return database.run(ACTOR, lambda uow: check_orders(uow, [order_id], now=now).as_dict())


def stamp(database: Database, fulfillment_id: str, column: str) -> datetime:
    """When the fulfillment was released or shipped, as stored."""
    F = fulfillments.c
    query = select(F[column]).where(F.id == fulfillment_id)
    return database.run(ACTOR, lambda uow: uow.conn.execute(query).scalar_one(), read_only=True)


def events(client: TestClient, order_id: str) -> list[dict]:
    return client.get(f"/api/v1/orders/{order_id}/events", params={"limit": 500}).json()["items"]


def of_type(client: TestClient, order_id: str, type_: str) -> list[dict]:
    return [e for e in events(client, order_id) if e["type"] == type_]


def reasons(client: TestClient, order_id: str) -> list[str]:
    return [r["reason"] for r in client.get(f"/api/v1/orders/{order_id}").json()["risks"]]


def ids(client: TestClient, **params: Any) -> list[str]:
    return [o["id"] for o in client.get("/api/v1/orders", params=params).json()["items"]]


# -- flagged, not twice, cleared as it moves -----------------------------------------------
def test_an_order_not_released_by_the_cut_off_is_flagged_once_and_clears_as_it_ships(
    client, database
):
    env = shop(client, database, site(client))
    order, ful = place(client, env)
    cutoff = at(ful["ship_by"], "12:00")

    run_job(database, cutoff - timedelta(seconds=1))
    assert reasons(client, order["id"]) == []
    assert client.get(f"/api/v1/orders/{order['id']}").json()["at_risk_since"] is None

    assert run_job(database, cutoff)["flagged"] >= 1
    view = client.get(f"/api/v1/orders/{order['id']}").json()
    assert [r["reason"] for r in view["risks"]] == ["not_released_by_cutoff"]
    (risk,) = view["risks"]
    assert datetime.fromisoformat(risk["due_at"]) == cutoff
    assert risk["fulfillment_id"] == ful["fulfillment_id"]
    assert risk["details"]["ship_by"] == ful["ship_by"] and risk["details"]["on_hold"] is False
    assert datetime.fromisoformat(view["at_risk_since"]) == cutoff
    (flagged,) = of_type(client, order["id"], "order.at_risk")
    assert [(r["reason"], r["status"]) for r in flagged["data"]["risks"]] == [
        ("not_released_by_cutoff", "created")
    ]

    # Again and again: nothing new is said about what is known.
    for later in (cutoff + timedelta(minutes=1), cutoff + timedelta(minutes=2)):
        run_job(database, later)
        check_now(database, order["id"], later)
    assert len(of_type(client, order["id"], "order.at_risk")) == 1
    # The pick deadline (cut-off + 120 minutes) is a new reason, said once.
    pick_by = cutoff + timedelta(minutes=120)
    run_job(database, pick_by)
    run_job(database, pick_by)
    said = [
        r["reason"]
        for e in of_type(client, order["id"], "order.at_risk")
        for r in e["data"]["risks"]
    ]
    assert said == ["not_released_by_cutoff", "not_picked_by_deadline"]

    # Found by the filters and the exception view.
    assert order["id"] in ids(client, at_risk="true", channel=env["channel"]["code"])
    assert order["id"] not in ids(client, at_risk="false", channel=env["channel"]["code"])
    location = env["locations"][0]["code"]
    assert order["id"] in ids(client, at_risk="true", location=location)
    queue = client.get("/api/v1/exceptions/at-risk", params={"channel": env["channel"]["code"]})
    (item,) = [i for i in queue.json()["items"] if i["order_id"] == order["id"]]
    assert sorted(r["reason"] for r in item["risks"]) == [
        "not_picked_by_deadline",
        "not_released_by_cutoff",
    ]
    by_reason = client.get("/api/v1/exceptions/at-risk", params={"reason": "late"}).json()
    assert order["id"] not in [i["order_id"] for i in by_reason["items"]]

    # Released: that risk clears in the same transaction, the other stays.
    fid = ful["fulfillment_id"]
    assert client.post(f"/api/v1/fulfillments/{fid}/release").status_code == 200
    assert reasons(client, order["id"]) == ["not_picked_by_deadline"]
    (cleared,) = of_type(client, order["id"], "order.risk_cleared")
    assert [(r["reason"], r["cleared_by"]) for r in cleared["data"]["risks"]] == [
        ("not_released_by_cutoff", "fulfillment.released")
    ]
    # Shipped (a 3PL reporting it at once): nothing is at risk any more.
    shipped = {
        "status": "shipped",
        "carrier": "DHL",
        "packages": [
            {"tracking_number": ref("JJD"), "items": [{"sku": env["sku"]["sku"], "quantity": 1}]}
        ],
    }
    r = client.post(f"/api/v1/fulfillments/{fid}/status-updates", json=shipped)
    assert r.status_code == 200, r.text
    view = client.get(f"/api/v1/orders/{order['id']}").json()
    assert view["risks"] == [] and view["at_risk_since"] is None
    assert order["id"] in ids(client, at_risk="false", channel=env["channel"]["code"])
    assert order["id"] not in ids(client, at_risk="true", channel=env["channel"]["code"])
    history = client.get(f"/api/v1/orders/{order['id']}/risks").json()
    assert sorted((r["reason"], r["cleared_by"]) for r in history) == [
        ("not_picked_by_deadline", "fulfillment.shipped"),
        ("not_released_by_cutoff", "fulfillment.released"),
    ]
    assert all(r["cleared_at"] and r["occurrences"] == 1 for r in history)
    types = [e["type"] for e in events(client, order["id"])]
    assert types.count("order.risk_cleared") == 2
    assert "check orders at risk of missing their promise" in [job.name for job in JOBS]


def test_a_location_that_does_not_acknowledge_and_a_parcel_nobody_scans(client, database):
    env = shop(client, database, site(client), acknowledge_hours=4, first_scan_hours=24)
    order, ful = place(client, env)
    fid = ful["fulfillment_id"]
    released = client.post(f"/api/v1/fulfillments/{fid}/release").json()
    released_at = stamp(database, fid, "released_at")
    assert released["status"] == "released"
    check_now(database, order["id"], released_at + timedelta(hours=4) - timedelta(seconds=1))
    assert "not_acknowledged" not in reasons(client, order["id"])
    check_now(database, order["id"], released_at + timedelta(hours=4))
    assert "not_acknowledged" in reasons(client, order["id"])
    client.post(f"/api/v1/fulfillments/{fid}/accept")
    assert "not_acknowledged" not in reasons(client, order["id"])

    tracking = ref("JJD")
    shipped = {
        "status": "shipped",
        "carrier": "DHL",
        "packages": [
            {
                "carrier": "DHL",
                "tracking_number": tracking,
                "items": [{"sku": env["sku"]["sku"], "quantity": 1}],
            }
        ],
    }
    assert client.post(f"/api/v1/fulfillments/{fid}/status-updates", json=shipped).is_success
    shipped_at = stamp(database, fid, "shipped_at")
    check_now(database, order["id"], shipped_at + timedelta(hours=24))
    assert "no_carrier_scan" in reasons(client, order["id"])
    scan = {
        "carrier": "DHL",
        "tracking_number": tracking,
        "event_id": ref("ev"),
        "status": "in_transit",
        "occurred_at": shipped_at.isoformat(),
    }
    assert client.post("/api/v1/tracking-events", json=scan).status_code == 201
    assert "no_carrier_scan" not in reasons(client, order["id"])
    cleared = [
        r for e in of_type(client, order["id"], "order.risk_cleared") for r in e["data"]["risks"]
    ]
    assert ("no_carrier_scan", "shipment.in_transit") in [
        (r["reason"], r["cleared_by"]) for r in cleared
    ]


def test_held_orders_are_flagged_saying_so_and_disabled_channels_never(client, database):
    _, o = _two_sites(client, database, {}, auto_resource=True)
    order, ful = o["order"], o["ful"]
    r = client.post(f"/api/v1/orders/{order['id']}/holds", json={"type": "manual", "reason": "x"})
    assert r.status_code == 201, r.text
    check_now(database, order["id"], at(ful["ship_by"], "12:00"))
    (risk,) = client.get(f"/api/v1/orders/{order['id']}").json()["risks"]
    assert (risk["reason"], risk["details"]["on_hold"]) == ("not_released_by_cutoff", True)
    assert of_type(client, order["id"], "order.risk_resourced") == []  # a hold is not a place

    quiet = shop(client, database, site(client), enabled=False)
    order, ful = place(client, quiet)
    check_now(database, order["id"], at(ful["ship_by"], "23:59"))
    assert (
        reasons(client, order["id"]) == [] and of_type(client, order["id"], "order.at_risk") == []
    )


def test_a_jeopardy_setting_must_make_sense(client):
    body = {"code": ref("web"), "name": "Web", "type": "web", "currency": "EUR"}
    r = client.post(
        "/api/v1/channels",
        json=body | {"settings": {"jeopardy": {"acknowledge_hours": 0, "resource": True}}},
    )
    problem = assert_problem(r, 422, "invalid_channel")
    assert sorted(e["field"] for e in problem["errors"]) == [
        "settings.jeopardy.acknowledge_hours",
        "settings.jeopardy.resource",
    ]
    assert_problem(client.get("/api/v1/exceptions/at-risk?reason=soon"), 422, "invalid_reason")


# -- re-sourcing -----------------------------------------------------------------------------
def _two_sites(client, database, other: dict, **jeopardy: Any) -> tuple[dict, dict]:
    """An order at a location that ships on one weekday only (tomorrow's, so its ship-by
    day is tomorrow and, once it misses that day's cut-off, its next chance is a week
    later), and ``other`` (location settings) with stock that arrived after the order."""
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoweekday()
    late = site(client, cutoff="12:00", processing_days=[tomorrow])
    elsewhere = site(client, **{"cutoff": "23:00", **other})
    env = shop(client, database, late, elsewhere, **jeopardy)
    order, ful = place(client, env)  # stock only at the first: the order goes there
    assert ful["location_id"] == late["id"]
    stock(database, env["sku"], elsewhere, 5)
    return env, {"order": order, "ful": ful, "late": late, "other": elsewhere, "day": tomorrow}


def test_auto_resourcing_moves_the_units_where_the_date_is_still_kept(client, database):
    env, o = _two_sites(client, database, {}, auto_resource=True)
    order, ful = o["order"], o["ful"]
    assert available(database, env["sku"], o["late"]) == 4
    result = run_job(database, at(ful["ship_by"], "12:00"))
    assert result["resourced"] >= 1
    fuls = client.get(f"/api/v1/orders/{order['id']}").json()["fulfillments"]
    status = {f["location_id"]: f["status"] for f in fuls}
    assert status == {o["late"]["id"]: "cancelled", o["other"]["id"]: "created"}
    old = client.get(f"/api/v1/fulfillments/{ful['fulfillment_id']}").json()
    assert old["cancel_reason"] == "jeopardy"
    assert available(database, env["sku"], o["late"]) == 5  # released there
    assert available(database, env["sku"], o["other"]) == 4  # reserved here
    (moved,) = of_type(client, order["id"], "order.risk_resourced")
    new_id = next(f["id"] for f in fuls if f["location_id"] == o["other"]["id"])
    assert moved["data"]["fulfillment_id"] == ful["fulfillment_id"]
    assert moved["data"]["reasons"] == ["not_released_by_cutoff"]
    assert moved["data"]["fulfillments"] == [
        {"fulfillment_id": new_id, "location_id": o["other"]["id"]}
    ]
    types = [e["type"] for e in events(client, order["id"])]
    assert types.index("order.at_risk") < types.index("order.risk_resourced")
    assert types.index("order.risk_resourced") < types.index("order.risk_cleared")
    view = client.get(f"/api/v1/orders/{order['id']}").json()
    assert view["risks"] == [] and view["at_risk_since"] is None
    history = client.get(f"/api/v1/orders/{order['id']}/risks").json()
    assert [(r["reason"], r["cleared_by"]) for r in history] == [
        ("not_released_by_cutoff", "resourced")
    ]
    assert history[0]["details"]["resourcing"]["outcome"] == "moved"
    # Run again when the new one is late as well: units move once, then a person decides.
    run_job(database, at(ful["ship_by"], "23:59"))
    check_now(database, order["id"], at(ful["ship_by"], "23:59"))
    assert len(of_type(client, order["id"], "order.risk_resourced")) == 1
    risks = client.get(f"/api/v1/orders/{order['id']}").json()["risks"]
    assert risks and {r["fulfillment_id"] for r in risks} == {new_id}
    assert {r["details"]["resourcing"]["outcome"] for r in risks} == {"moved_before"}


def test_without_auto_resourcing_the_order_stays_where_it_is(client, database):
    _, o = _two_sites(client, database, {})
    run_job(database, at(o["ful"]["ship_by"], "12:00"))
    order_id = o["order"]["id"]
    assert reasons(client, order_id) == ["not_released_by_cutoff"]
    fuls = client.get(f"/api/v1/orders/{order_id}").json()["fulfillments"]
    assert [(f["location_id"], f["status"]) for f in fuls] == [(o["late"]["id"], "created")]
    assert of_type(client, order_id, "order.risk_resourced") == []


def test_no_move_when_no_other_location_keeps_the_date(client, database):
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoweekday()
    same = {"cutoff": "12:00", "processing_days": [tomorrow]}
    _, o = _two_sites(client, database, same, auto_resource=True)
    order_id = o["order"]["id"]
    run_job(database, at(o["ful"]["ship_by"], "12:00"))
    fuls = client.get(f"/api/v1/orders/{order_id}").json()["fulfillments"]
    assert [(f["location_id"], f["status"]) for f in fuls] == [(o["late"]["id"], "created")]
    (risk,) = client.get(f"/api/v1/orders/{order_id}").json()["risks"]
    assert risk["details"]["resourcing"]["outcome"] == "no_location_makes_the_date"
    assert of_type(client, order_id, "order.risk_resourced") == []


def test_no_move_while_the_late_location_still_delivers_on_time(client, database):
    """Not acknowledged an hour after release, but the location can still ship today."""
    hour = datetime.now(UTC).hour
    offset = (10 - hour + 12) % 24 - 12  # the locations' clocks read about 10:00 now
    zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-2 is two hours ahead
    first = site(client, cutoff="23:59", timezone=zone)
    second = site(client, cutoff="23:59", timezone=zone)
    env = shop(client, database, first, second, auto_resource=True, acknowledge_hours=1)
    order, ful = place(client, env)
    stock(database, env["sku"], second, 5)
    fid = ful["fulfillment_id"]
    assert client.post(f"/api/v1/fulfillments/{fid}/release").status_code == 200
    run_job(database, stamp(database, fid, "released_at") + timedelta(hours=1))
    (risk,) = client.get(f"/api/v1/orders/{order['id']}").json()["risks"]
    assert risk["reason"] == "not_acknowledged"
    assert risk["details"]["resourcing"]["outcome"] == "location_still_makes_the_date"
    assert of_type(client, order["id"], "order.risk_resourced") == []


def test_two_workers_at_once_flag_and_move_once(client, database):
    env, o = _two_sites(client, database, {}, auto_resource=True)
    order_id, now = o["order"]["id"], at(o["ful"]["ship_by"], "12:00")
    gate = threading.Barrier(2)
    results: list[Any] = []

    def worker() -> None:
        def use_case(uow):
            return check_due(uow, now=now)

        gate.wait()
        try:
            results.append(database.run(ACTOR, use_case))
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, dict) for r in results), results
    said = Counter(
        (r["fulfillment_id"], r["reason"])
        for e in of_type(client, order_id, "order.at_risk")
        for r in e["data"]["risks"]
    )
    assert said[(o["ful"]["fulfillment_id"], "not_released_by_cutoff")] == 1
    assert set(said.values()) == {1}
    assert len(of_type(client, order_id, "order.risk_resourced")) == 1
    fuls = client.get(f"/api/v1/orders/{order_id}").json()["fulfillments"]
    assert sorted(f["status"] for f in fuls) == ["cancelled", "created"]
    assert available(database, env["sku"], o["other"]) == 4


def test_the_command_line_checks_and_lists(client, database, db_url, monkeypatch):
    monkeypatch.setenv("SWITCHYARD_DATABASE_URL", db_url)
    env = shop(client, database, site(client))
    order, ful = place(client, env)
    cutoff = at(ful["ship_by"], "12:00").isoformat()
    runner = CliRunner()
    result = runner.invoke(cli, ["jeopardy", "check", "--order", order["id"], "--at", cutoff])
    assert result.exit_code == 0, result.output
    assert "flagged: 1" in result.output
    result = runner.invoke(cli, ["jeopardy", "list", "--channel", env["channel"]["code"], "--json"])
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.output)
    assert item["order_id"] == order["id"]
    assert [r["reason"] for r in item["risks"]] == ["not_released_by_cutoff"]
    result = runner.invoke(cli, ["jeopardy", "list", "--reason", "soon"])
    assert result.exit_code != 0


def test_a_location_key_sees_the_risks_of_its_own_locations_only(client, database):
    mine, theirs = shop(client, database, site(client)), shop(client, database, site(client))
    orders = []
    for env in (mine, theirs):
        order, ful = place(client, env)
        check_now(database, order["id"], at(ful["ship_by"], "12:00"))
        orders.append(order["id"])
    key = make_key(database, ["orders:read"], [mine["locations"][0]["code"]])
    headers = {"Authorization": f"Bearer {key}"}
    seen = client.get("/api/v1/exceptions/at-risk", params={"limit": 500}, headers=headers)
    assert [i["order_id"] for i in seen.json()["items"]] == [orders[0]]
    r = client.get(f"/api/v1/orders/{orders[0]}/risks", headers=headers)
    assert [x["reason"] for x in r.json()] == ["not_released_by_cutoff"]
    assert_problem(
        client.get(f"/api/v1/orders/{orders[1]}/risks", headers=headers), 404, "order_not_found"
    )
    # The view pages by (at_risk_since, id), the longest at risk first.
    first = client.get("/api/v1/exceptions/at-risk", params={"limit": 1}).json()
    second = client.get(
        "/api/v1/exceptions/at-risk", params={"limit": 1, "cursor": first["next_cursor"]}
    ).json()
    (a,), (b,) = first["items"], second["items"]
    assert a["order_id"] != b["order_id"]
    assert (a["at_risk_since"], a["order_id"]) < (b["at_risk_since"], b["order_id"])
