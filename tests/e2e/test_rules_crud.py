"""Company rules as data: create, read, list, update and delete, on both databases."""

from __future__ import annotations

from sqlalchemy import select

from switchyard.events.tables import events
from switchyard.kernel.events import Actor
from switchyard.rules.service import rules_for_channel
from tests.helpers import assert_null_refused, assert_problem, make_key, ref

URL = "/api/v1/rules"


def channel(client, type_: str = "b2b") -> dict:
    body = {"code": ref("ch"), "name": "Channel", "type": type_, "currency": "EUR"}
    r = client.post("/api/v1/channels", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def rule_body(**over: object) -> dict:
    body = {
        "code": ref("rule"),
        "description": "big orders wait for a check",
        "kind": "max_order_value",
        "params": {"amount": 5000.5, "currency": "EUR"},
        "action": "hold",
    }
    return {**body, **over}


def test_create_and_read_back(client, database):
    r = client.post(URL, json=rule_body())
    assert r.status_code == 201, r.text
    created = r.json()
    assert r.headers["etag"] == '"1"'
    assert created["channel_id"] is None and created["active"] is True
    assert created["params"] == {"amount": "5000.5", "currency": "EUR"}  # exact, not a float
    by_code = client.get(f"{URL}/{created['code']}")
    assert by_code.status_code == 200 and by_code.json() == created
    assert client.get(f"{URL}/{created['id']}").json()["code"] == created["code"]
    with database.engine.connect() as conn:
        types = conn.execute(select(events.c.type).where(events.c.aggregate_id == created["id"]))
        assert [t for (t,) in types] == ["rule.created"]


def test_rules_per_channel_and_filters(client, database):
    ch = channel(client)
    scoped = client.post(
        URL, json=rule_body(channel=ch["code"], kind="po_required", params={}, action="error")
    ).json()
    assert scoped["channel_id"] == ch["id"]
    inactive = client.post(URL, json=rule_body(channel=ch["id"], active=False)).json()
    global_rule = client.post(URL, json=rule_body()).json()
    other = client.post(URL, json=rule_body(channel=channel(client)["id"])).json()

    listed = client.get(URL, params={"channel": ch["code"]}).json()["items"]
    assert {r["id"] for r in listed} == {scoped["id"], inactive["id"]}
    active = client.get(URL, params={"channel": ch["id"], "active": "true"}).json()["items"]
    assert [r["id"] for r in active] == [scoped["id"]]
    globals_ = {
        r["id"] for r in client.get(URL, params={"channel": "global", "limit": 500}).json()["items"]
    }
    assert global_rule["id"] in globals_ and scoped["id"] not in globals_
    kinds = client.get(URL, params={"kind": "po_required", "channel": ch["id"]}).json()["items"]
    assert [r["kind"] for r in kinds] == ["po_required"]
    assert_problem(client.get(URL, params={"channel": "nope"}), 422, "unknown_channel")

    applied = database.run(Actor.system("tests"), lambda uow: rules_for_channel(uow, ch["id"]))
    ids = {r.id for r in applied}
    assert scoped["id"] in ids and global_rule["id"] in ids
    assert inactive["id"] not in ids and other["id"] not in ids
    po = next(r for r in applied if r.id == scoped["id"])
    assert (po.kind, po.action, po.channel_id, po.code) == (
        "po_required",
        "error",
        ch["id"],
        scoped["code"],
    )


def test_invalid_rules_name_every_field(client):
    r = client.post(
        URL, json=rule_body(params={"amount": "lots"}, action="maybe", hold_type="soon")
    )
    body = assert_problem(r, 422, "invalid_rule")
    assert {e["field"] for e in body["errors"]} == {
        "params.amount",
        "params.currency",
        "action",
        "hold_type",
    }
    assert_problem(client.post(URL, json=rule_body(kind="vibes")), 422, "invalid_rule")
    assert_problem(client.post(URL, json=rule_body(channel="no-such")), 422, "unknown_channel")
    assert_problem(client.post(URL, json={"code": ""}), 422, "invalid_request")


def test_duplicate_codes_conflict_and_idempotent_replay(client):
    body = rule_body()
    headers = {"Idempotency-Key": ref("idem")}
    first = client.post(URL, json=body, headers=headers)
    again = client.post(URL, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert_problem(client.post(URL, json=body), 409, "rule_code_taken")


def test_update_with_if_match(client):
    created = client.post(URL, json=rule_body(hold_type="manual")).json()
    url = f"{URL}/{created['code']}"
    r = client.patch(
        url,
        json={"params": {"amount": "100", "currency": "USD"}, "active": False},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert r.json()["params"]["currency"] == "USD" and r.json()["active"] is False
    assert_problem(
        client.patch(url, json={"description": "x"}, headers={"If-Match": '"1"'}),
        412,
        "version_mismatch",
    )
    bad = client.patch(url, json={"params": {"amount": -5, "currency": "USD"}})
    assert_problem(bad, 422, "invalid_rule")
    assert_null_refused(client.patch(url, json={"description": None}), "description")
    reset = client.patch(url, json={"hold_type": None})
    assert (
        reset.json()["hold_type"] is None and reset.json()["description"] == created["description"]
    )
    assert client.get(url).json()["version"] == 3


def test_delete(client):
    created = client.post(URL, json=rule_body()).json()
    url = f"{URL}/{created['id']}"
    assert_problem(client.delete(url, headers={"If-Match": '"7"'}), 412, "version_mismatch")
    assert client.delete(url, headers={"If-Match": '"1"'}).status_code == 204
    assert_problem(client.get(url), 404, "rule_not_found")
    assert_problem(client.delete(url), 404, "rule_not_found")


def test_scopes(anon, database):
    key = make_key(database, ["rules:read"])
    headers = {"Authorization": f"Bearer {key}"}
    assert anon.get(URL, headers=headers).status_code == 200
    assert_problem(anon.post(URL, json=rule_body(), headers=headers), 403, "missing_scope")
    writer = make_key(database, ["rules:write"])
    assert (
        anon.post(URL, json=rule_body(), headers={"Authorization": f"Bearer {writer}"}).status_code
        == 201
    )
