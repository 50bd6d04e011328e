"""The embargo list and screening settings, on both databases."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from switchyard.compliance.service import compliance_inputs
from switchyard.kernel.events import Actor
from tests.helpers import assert_problem, make_key

URL = "/api/v1/compliance/embargoes"
SETTINGS = "/api/v1/compliance/settings"


@pytest.fixture
def embargo(client) -> Iterator[Callable[..., dict]]:
    """Add embargoes for one test and remove them afterwards (they apply to every order)."""
    added: list[str] = []

    def add(country: str, **body: object) -> dict:
        r = client.post(URL, json={"country_code": country, **body})
        assert r.status_code == 201, r.text
        added.append(country.upper())
        return r.json()

    yield add
    for country in added:
        client.delete(f"{URL}/{country}")


def test_add_read_list_and_remove(client, embargo):
    created = embargo("kp", reason="comprehensive sanctions")
    assert (created["country_code"], created["action"], created["version"]) == ("KP", "error", 1)
    got = client.get(f"{URL}/KP")
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json()["reason"] == "comprehensive sanctions"
    embargo("BY", action="hold")
    listed = {e["country_code"]: e["action"] for e in client.get(URL).json()["items"]}
    assert listed == {"KP": "error", "BY": "hold"}
    assert client.delete(f"{URL}/BY", headers={"If-Match": '"1"'}).status_code == 204
    assert_problem(client.get(f"{URL}/BY"), 404, "embargo_not_found")


def test_invalid_and_duplicate_embargoes(client, embargo):
    r = client.post(URL, json={"country_code": "XX", "action": "maybe"})
    body = assert_problem(r, 422, "invalid_embargo")
    assert {e["field"] for e in body["errors"]} == {"country_code", "action"}
    assert_problem(client.post(URL, json={"country_code": "K"}), 422, "invalid_request")
    embargo("IR")
    assert_problem(client.post(URL, json={"country_code": "ir"}), 409, "embargo_exists")


def test_update_with_if_match(client, embargo):
    embargo("SY")
    r = client.patch(f"{URL}/SY", json={"action": "hold"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["action"] == "hold" and r.headers["etag"] == '"2"'
    stale = client.patch(f"{URL}/SY", json={"reason": "x"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "version_mismatch")
    assert_problem(client.delete(f"{URL}/SY", headers={"If-Match": '"1"'}), 412, "version_mismatch")
    assert_problem(client.patch(f"{URL}/SY", json={"action": "never"}), 422, "invalid_embargo")
    assert_problem(client.patch(f"{URL}/CU", json={"action": "hold"}), 404, "embargo_not_found")


def test_order_validation_sees_changes_at_once(client, database, embargo):
    actor = Actor.system("tests")
    before = database.run(actor, compliance_inputs, read_only=True)
    assert "CU" not in before.embargoes
    embargo("CU", action="hold", reason="review")
    during = database.run(actor, compliance_inputs, read_only=True)
    assert during.embargoes["CU"].action == "hold" and during.embargoes["CU"].reason == "review"
    client.delete(f"{URL}/CU")
    assert "CU" not in database.run(actor, compliance_inputs, read_only=True).embargoes


def test_idempotent_create(client, embargo):
    headers = {"Idempotency-Key": "embargo-VE-once"}
    first = client.post(URL, json={"country_code": "VE"}, headers=headers)
    again = client.post(URL, json={"country_code": "VE"}, headers=headers)
    try:
        assert first.status_code == again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == first.json()["id"]
    finally:
        client.delete(f"{URL}/VE")


def test_screening_settings(client, database):
    current = client.get(SETTINGS)
    assert current.status_code == 200
    version = current.json()["version"]
    r = client.patch(
        SETTINGS,
        json={"screening_threshold": 85, "hold_unscreenable_names": False},
        headers={"If-Match": f'"{version}"'},
    )
    try:
        assert r.status_code == 200, r.text
        assert r.json()["screening_threshold"] == 85 and r.headers["etag"] == f'"{version + 1}"'
        inputs = database.run(Actor.system("tests"), compliance_inputs, read_only=True)
        assert inputs.screening_threshold == 85 and inputs.hold_unscreenable_names is False
        stale = client.patch(
            SETTINGS, json={"screening_threshold": 80}, headers={"If-Match": f'"{version}"'}
        )
        assert_problem(stale, 412, "version_mismatch")
        assert_problem(
            client.patch(SETTINGS, json={"screening_threshold": 20}),
            422,
            "invalid_compliance_settings",
        )
        assert_problem(
            client.patch(SETTINGS, json={"screening_threshold": 101}), 422, "invalid_request"
        )
    finally:
        client.patch(SETTINGS, json={"screening_threshold": 90, "hold_unscreenable_names": True})


def test_embargo_scopes(anon, database):
    key = make_key(database, ["compliance:read"])
    headers = {"Authorization": f"Bearer {key}"}
    assert anon.get(URL, headers=headers).status_code == 200
    assert_problem(
        anon.post(URL, json={"country_code": "KP"}, headers=headers), 403, "missing_scope"
    )
    assert_problem(anon.patch(SETTINGS, json={}, headers=headers), 403, "missing_scope")
