"""API conventions every endpoint follows, shown on channels and locations, on both databases."""

from __future__ import annotations

import concurrent.futures as cf

import httpx
import pytest

from tests.helpers import assert_problem, make_key, ref


def channel_body(**over: object) -> dict:
    return {"code": ref("web"), "name": "Web shop", "type": "web", "currency": "EUR", **over}


def test_health_is_public(anon):
    r = anon.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_everything_else_needs_a_key(anon):
    assert_problem(anon.get("/api/v1/channels"), 401, "missing_api_key")
    r = anon.get("/api/v1/channels", headers={"Authorization": "Bearer sy_nope_nope"})
    assert_problem(r, 401, "invalid_api_key")


def test_a_key_without_the_scope_gets_403(anon, database):
    key = make_key(database, ["orders:read"])
    r = anon.get("/api/v1/channels", headers={"Authorization": f"Bearer {key}"})
    assert_problem(r, 403, "missing_scope")
    r = anon.post("/api/v1/channels", json=channel_body(), headers={"X-API-Key": key})
    assert_problem(r, 403, "missing_scope")


def test_write_scope_implies_read(anon, database):
    key = make_key(database, ["channels:write"])
    r = anon.get("/api/v1/channels", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200


def test_create_and_read_back_with_etag(client):
    body = channel_body()
    r = client.post("/api/v1/channels", json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert r.headers["etag"] == '"1"'
    got = client.get(f"/api/v1/channels/{body['code']}")
    assert got.status_code == 200
    assert got.json()["id"] == created["id"]
    assert got.headers["etag"] == '"1"'


def test_validation_errors_name_every_field(client):
    r = client.post("/api/v1/channels", json={"code": "", "type": 3})
    body = assert_problem(r, 422, "invalid_request")
    fields = {e["field"] for e in body["errors"]}
    assert {"code", "name", "currency"} <= fields
    r = client.post("/api/v1/channels", json=channel_body(type="telepathy", currency="eur"))
    body = assert_problem(r, 422, "invalid_channel")
    assert {e["field"] for e in body["errors"]} == {"type", "currency"}


def test_malformed_json_and_huge_bodies(client):
    r = client.post(
        "/api/v1/channels", content=b'{"code": ', headers={"Content-Type": "application/json"}
    )
    assert_problem(r, 400, "malformed_json")
    r = client.post(
        "/api/v1/channels",
        content=b'{"code": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code in (400, 422) and r.headers["content-type"].startswith(
        "application/problem+json"
    )
    huge = b'{"name": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    r = client.post("/api/v1/channels", content=huge, headers={"Content-Type": "application/json"})
    assert_problem(r, 413, "payload_too_large")


def test_unknown_routes_are_problems(client):
    assert_problem(client.get("/api/v1/nowhere"), 404, "not_found")
    assert_problem(client.get("/api/v1/channels/does-not-exist"), 404, "channel_not_found")


def test_duplicate_code_is_a_conflict(client):
    body = channel_body()
    assert client.post("/api/v1/channels", json=body).status_code == 201
    assert_problem(client.post("/api/v1/channels", json=body), 409, "channel_code_taken")


def test_optimistic_concurrency(client):
    body = channel_body()
    created = client.post("/api/v1/channels", json=body).json()
    url = f"/api/v1/channels/{created['id']}"
    r = client.patch(url, json={"name": "Renamed"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    stale = client.patch(url, json={"name": "Stale"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "version_mismatch")
    stale = client.patch(url, json={"name": "Stale", "version": 1})
    assert_problem(stale, 412, "version_mismatch")
    assert client.get(url).json()["name"] == "Renamed"
    assert_problem(
        client.patch(url, json={"name": "x"}, headers={"If-Match": "nope"}), 422, "invalid_if_match"
    )


def test_cursor_pagination_walks_everything_once(client):
    kind = "marketplace"
    made = {
        client.post("/api/v1/channels", json=channel_body(type=kind)).json()["id"] for _ in range(7)
    }
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, "type": kind}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/channels", params=params).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert made <= set(seen)
    assert len(seen) == len(set(seen))
    assert_problem(client.get("/api/v1/channels", params={"cursor": "!!!"}), 422, "invalid_cursor")
    assert_problem(client.get("/api/v1/channels", params={"limit": 0}), 422, "invalid_request")


def test_idempotent_replay_and_reuse(client):
    body = channel_body()
    headers = {"Idempotency-Key": ref("idem")}
    first = client.post("/api/v1/channels", json=body, headers=headers)
    again = client.post("/api/v1/channels", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = client.post("/api/v1/channels", json=channel_body(), headers=headers)
    assert_problem(other, 422, "idempotency_key_reused")


def test_failed_request_releases_its_idempotency_key(client):
    headers = {"Idempotency-Key": ref("idem")}
    body = channel_body(location_ids=["no-such-location"])
    assert_problem(
        client.post("/api/v1/channels", json=body, headers=headers), 422, "unknown_location"
    )
    body["location_ids"] = []
    assert client.post("/api/v1/channels", json=body, headers=headers).status_code == 201


def test_concurrent_duplicates_create_one(live_url, admin_key):
    body = channel_body()
    headers = {"Idempotency-Key": ref("race"), "Authorization": f"Bearer {admin_key}"}

    def post(_: int) -> httpx.Response:
        return httpx.post(f"{live_url}/api/v1/channels", json=body, headers=headers, timeout=30)

    with cf.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(post, range(32)))
    statuses = sorted(r.status_code for r in answers)
    assert set(statuses) <= {201, 409}, statuses
    created_ids = {r.json()["id"] for r in answers if r.status_code == 201}
    assert len(created_ids) == 1
    for r in answers:
        if r.status_code == 409:
            assert r.json()["code"] == "idempotency_key_in_progress"
    listed = httpx.get(f"{live_url}/api/v1/channels/{body['code']}", headers=headers, timeout=10)
    assert listed.json()["id"] in created_ids


def test_the_root_redirects_to_the_console_s_sign_in(anon):
    r = anon.get("/", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == "/console"
    page = anon.get("/")  # signed out: the console sends the browser on to sign in
    assert page.status_code == 200 and "Sign in to Switchyard" in page.text
    assert anon.get("/docs").status_code == 200  # the API reference stays where it was


# Every list filter that takes one of a fixed set of values refuses any other the way
# GET /orders?status= does: an unknown value is a mistake, not a filter matching nothing.
CHOICE_FILTERS = [
    ("/api/v1/orders", "status", "shipped"),
    ("/api/v1/fulfillments", "status", "ready_for_pickup"),
    ("/api/v1/reservations", "status", "waiting"),
    ("/api/v1/inventory/transfers", "status", "in_transit"),
    ("/api/v1/inventory/purchase-orders", "status", "cancelled"),
    ("/api/v1/draft-orders", "status", "discarded"),
    ("/api/v1/channels", "type", "call_center"),
    ("/api/v1/locations", "type", "3pl"),
    ("/api/v1/rules", "kind", "po_required"),
    ("/api/v1/sourcing/profiles", "status", "retired"),
    ("/api/v1/webhooks/deliveries", "status", "dead"),
]


@pytest.mark.parametrize(("path", "name", "valid"), CHOICE_FILTERS)
def test_list_filters_refuse_values_they_do_not_take(client, path, name, valid):
    body = assert_problem(client.get(path, params={name: "nonsense"}), 422, f"invalid_{name}")
    ((error,),) = [body["errors"]]
    assert (error["field"], error["code"]) == (f"query.{name}", "invalid_choice")
    assert valid in error["message"].split(", ")
    assert client.get(path, params={name: valid}).status_code == 200
    (param,) = [
        p for p in client.get("/openapi.json").json()["paths"][path]["get"]["parameters"]
        if p["name"] == name
    ]  # fmt: skip
    assert param["schema"]["enum"] == error["message"].split(", ")  # the document says so
