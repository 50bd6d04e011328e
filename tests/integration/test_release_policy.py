"""The worker releases new fulfillments as each channel's release policy says (issue 13
defect 8), on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from switchyard.channels.release_policy import ReleasePolicy, release_errors, release_policy
from switchyard.fulfillment.release import release_due
from switchyard.housekeeping import JOBS
from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import assert_problem

ACTOR = Actor.system("tests")


def _order(client, database, **channel_settings) -> tuple[dict, str]:
    channel = make_channel(client, settings=channel_settings)
    loc = make_location(client)
    sku = make_sku(client, channel)
    stock(database, sku, loc, 5)
    r = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)]))
    assert r.status_code == 201, r.text
    order = r.json()
    return order, order["fulfillments"][0]["id"]


def _status(client, fulfillment_id: str) -> str:
    return client.get(f"/api/v1/fulfillments/{fulfillment_id}").json()["status"]


def _run(database, **kw) -> int:
    return database.run(ACTOR, lambda uow: release_due(uow, **kw))


def test_by_default_the_worker_releases_new_fulfillments(client, database):
    order, fid = _order(client, database)
    assert _status(client, fid) == "created"
    assert _run(database) >= 1
    assert _status(client, fid) == "released"
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    assert "fulfillment.released" in [e["type"] for e in events]
    assert "release due fulfillments" in [job.name for job in JOBS]


def test_manual_channels_wait_for_a_person(client, database):
    _, fid = _order(client, database, release="manual")
    _run(database)
    assert _status(client, fid) == "created"


def test_a_release_window_lets_fulfillments_wait_first(client, database):
    _, fid = _order(client, database, release={"after_minutes": 30})
    _run(database)
    assert _status(client, fid) == "created"
    _run(database, now=utcnow() + timedelta(minutes=31))
    assert _status(client, fid) == "released"


def test_orders_on_hold_are_not_released(client, database):
    order, fid = _order(client, database)
    r = client.post(f"/api/v1/orders/{order['id']}/holds", json={"type": "manual", "reason": "x"})
    assert r.status_code == 201, r.text
    _run(database)
    assert _status(client, fid) == "created"
    client.post(f"/api/v1/orders/{order['id']}/holds/release", json={"note": "fine"})
    _run(database)
    assert _status(client, fid) == "released"


@pytest.mark.parametrize(
    "value", ["soon", {"after_minutes": -1}, {"after_minutes": True}, {"minutes": 5}, 5]
)
def test_a_release_setting_must_make_sense(client, value):
    body = {"code": "web-x", "name": "Web", "type": "web", "currency": "EUR"}
    r = client.post("/api/v1/channels", json=body | {"settings": {"release": value}})
    problem = assert_problem(r, 422, "invalid_channel")
    assert [e["field"] for e in problem["errors"]] == ["settings.release"]


def test_release_policy_rules():
    assert release_policy({}) == ReleasePolicy("immediate", 0)
    assert release_policy({"release": "manual"}).automatic is False
    assert release_policy({"release": {"after_minutes": 15}}) == ReleasePolicy("after", 15)
    assert release_errors({"release": {"after_minutes": 10_081}})
    assert release_errors({"release": "immediate"}) == []
