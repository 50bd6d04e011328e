"""The webhooks HTTP API: subscriptions, secrets, the delivery log and manual redelivery."""

from __future__ import annotations

from switchyard.webhooks.retries import RetryPolicy
from switchyard.webhooks.worker import Worker, WorkerSettings
from tests.helpers import assert_null_refused, assert_problem, make_key, ref
from tests.integration.test_webhooks_relay import emit, event
from tests.integration.test_webhooks_reliability import free_port

BASE = "/api/v1/webhooks"


def new_channel(client) -> dict:
    body = {"code": ref("wh"), "name": "Shop", "type": "web", "currency": "EUR"}
    r = client.post("/api/v1/channels", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def endpoint_body(channel: dict, **over: object) -> dict:
    return {
        "url": f"http://127.0.0.1:{free_port()}/hooks",
        "description": "ERP order feed",
        "event_types": ["order.*", "fulfillment.shipped"],
        "channel_ids": [channel["code"]],
        **over,
    }


def test_create_read_update_delete(client):
    channel = new_channel(client)
    r = client.post(f"{BASE}/endpoints", json=endpoint_body(channel))
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"].startswith("whsec_")
    assert created["channel_ids"] == [channel["id"]]
    assert created["enabled"] is True
    assert r.headers["etag"] == '"1"'
    url = f"{BASE}/endpoints/{created['id']}"
    got = client.get(url)
    assert got.status_code == 200
    assert "secret" not in got.json()
    assert got.headers["etag"] == '"1"'

    r = client.patch(
        url, json={"enabled": False, "event_types": ["*"]}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["enabled"], r.json()["disabled_reason"]) == (False, "manual")
    assert r.headers["etag"] == '"2"'
    assert_problem(
        client.patch(url, json={"description": "x"}, headers={"If-Match": '"1"'}),
        412,
        "version_mismatch",
    )
    r = client.patch(url, json={"enabled": True, "channel_ids": []}, headers={"If-Match": '"2"'})
    assert (r.json()["enabled"], r.json()["disabled_reason"], r.json()["channel_ids"]) == (
        True,
        None,
        [],
    )

    assert_problem(client.delete(url, headers={"If-Match": '"1"'}), 412, "version_mismatch")
    assert client.delete(url, headers={"If-Match": '"3"'}).status_code == 204
    assert_problem(client.get(url), 404, "webhook_endpoint_not_found")


def test_invalid_subscriptions_name_the_field(client):
    channel = new_channel(client)
    r = client.post(f"{BASE}/endpoints", json=endpoint_body(channel, url="ftp://x"))
    assert assert_problem(r, 422, "invalid_url")["errors"][0]["field"] == "url"
    r = client.post(
        f"{BASE}/endpoints", json=endpoint_body(channel, event_types=["order.*", "payroll.*"])
    )
    assert assert_problem(r, 422, "invalid_event_types")["errors"][0]["field"] == "event_types.1"
    r = client.post(f"{BASE}/endpoints", json=endpoint_body(channel, channel_ids=["nope"]))
    assert assert_problem(r, 422, "unknown_channel")["errors"][0]["field"] == "channel_ids.0"
    r = client.post(f"{BASE}/endpoints", json=endpoint_body(channel, secret="whsec_short"))
    assert_problem(r, 422, "invalid_secret")
    r = client.post(f"{BASE}/endpoints", json=endpoint_body(channel, event_types=[]))
    assert_problem(r, 422, "invalid_request")
    created = client.post(f"{BASE}/endpoints", json=endpoint_body(channel)).json()
    r = client.patch(f"{BASE}/endpoints/{created['id']}", json={"url": None})
    assert_null_refused(r, "url")
    client.delete(f"{BASE}/endpoints/{created['id']}")


def test_the_webhooks_scope_is_needed(anon, database):
    other = make_key(database, ["orders:write"])
    r = anon.get(f"{BASE}/endpoints", headers={"Authorization": f"Bearer {other}"})
    assert_problem(r, 403, "missing_scope")
    r = anon.get(f"{BASE}/deliveries", headers={"Authorization": f"Bearer {other}"})
    assert_problem(r, 403, "missing_scope")
    key = make_key(database, ["webhooks:write"])
    assert (
        anon.get(f"{BASE}/endpoints", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )


def test_rotating_the_secret_keeps_the_old_one_for_a_while(client):
    channel = new_channel(client)
    created = client.post(f"{BASE}/endpoints", json=endpoint_body(channel)).json()
    url = f"{BASE}/endpoints/{created['id']}/rotate-secret"
    r = client.post(url, json={"keep_previous_seconds": 3600})
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None
    assert r.headers["etag"] == '"2"'
    r = client.post(url, json={"keep_previous_seconds": 0})
    assert r.json()["previous_secret_expires_at"] is None
    assert client.post(url).status_code == 200  # no body: the defaults
    assert_problem(client.post(url, json={"keep_previous_seconds": -1}), 422, "invalid_request")
    assert_problem(
        client.post(f"{BASE}/endpoints/whe_nope/rotate-secret"), 404, "webhook_endpoint_not_found"
    )
    client.delete(f"{BASE}/endpoints/{created['id']}")


def test_idempotent_create_and_cursor_pages(client):
    channel = new_channel(client)
    body = endpoint_body(channel)
    headers = {"Idempotency-Key": ref("idem")}
    first = client.post(f"{BASE}/endpoints", json=body, headers=headers)
    again = client.post(f"{BASE}/endpoints", json=body, headers=headers)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    made = [first.json()["id"]] + [
        client.post(f"{BASE}/endpoints", json=endpoint_body(channel)).json()["id"] for _ in range(4)
    ]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "enabled": True, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{BASE}/endpoints", params=params).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(made) <= set(seen) and len(seen) == len(set(seen))
    for endpoint_id in made:
        assert client.delete(f"{BASE}/endpoints/{endpoint_id}").status_code == 204


def test_delivery_log_and_manual_retry(client, database):
    channel = new_channel(client)
    endpoint = client.post(f"{BASE}/endpoints", json=endpoint_body(channel)).json()
    order = ref("ord")
    emit(
        database,
        event("order.placed", order, channel["id"]),
        event("fulfillment.shipped", order, channel["id"]),
    )
    settings = WorkerSettings(timeout=1, lease_seconds=10, retry=RetryPolicy(backoff_base=3600))
    worker = Worker(database, settings)
    try:
        assert worker.drain() >= 1  # nobody listens on the port: the first attempt fails
    finally:
        worker.close()

    params = {"endpoint_id": endpoint["id"]}
    items = client.get(f"{BASE}/deliveries", params=params).json()["items"]
    by_type = {d["event_type"]: d for d in items}
    assert {t: d["status"] for t, d in by_type.items()} == {
        "order.placed": "failed",
        "fulfillment.shipped": "pending",  # waits for the order's earlier event
    }
    failed, shipped = by_type["order.placed"], by_type["fulfillment.shipped"]
    assert failed["attempts"] == 1 and failed["order_id"] == order
    assert "ConnectError" in failed["last_error"]
    by_filter = client.get(f"{BASE}/deliveries", params={**params, "status": "failed"}).json()
    assert [d["id"] for d in by_filter["items"]] == [failed["id"]]
    filtered = client.get(
        f"{BASE}/deliveries", params={"event_type": "fulfillment.shipped", "order_id": order}
    )
    assert [d["id"] for d in filtered.json()["items"]] == [shipped["id"]]
    # like every list filter of fixed values (tests/e2e/test_conventions.py)
    assert_problem(
        client.get(f"{BASE}/deliveries", params={"status": "lost"}), 422, "invalid_status"
    )

    detail = client.get(f"{BASE}/deliveries/{failed['id']}").json()
    (attempt,) = detail["attempt_log"]
    assert attempt["number"] == 1 and attempt["status_code"] is None and attempt["finished_at"]

    r = client.post(f"{BASE}/deliveries/{failed['id']}/retry")
    assert r.status_code == 202, r.text
    assert (r.json()["status"], r.json()["attempts"]) == ("pending", 1)
    assert_problem(
        client.post(f"{BASE}/deliveries/msg_nope/retry"), 404, "webhook_delivery_not_found"
    )
    assert_problem(client.get(f"{BASE}/deliveries/msg_nope"), 404, "webhook_delivery_not_found")
    assert client.delete(f"{BASE}/endpoints/{endpoint['id']}").status_code == 204
    assert_problem(
        client.get(f"{BASE}/deliveries/{failed['id']}"), 404, "webhook_delivery_not_found"
    )
