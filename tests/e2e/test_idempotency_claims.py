"""Idempotency-Key claims: keys per API key, the body checked before the claim's state,
``Retry-After`` while in progress, and a claim whose process died taken over at once.

The claims left behind are made the way a request leaves them: a first request's row,
copied under a new key (the request hash covers the method, path and body, not the key)
and put back in progress, as a process killed between claim and commit leaves it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, insert, select

from switchyard.api import claim_owner
from switchyard.api.idempotency_store import idempotency_keys
from switchyard.catalog.tables import products
from switchyard.kernel.clock import utcnow
from tests.conftest import _free_port
from tests.helpers import assert_problem, make_key, ref

ROOT = Path(__file__).resolve().parents[2]
K = idempotency_keys.c


def _post(client: Any, key: str, body: dict[str, Any], api_key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return client.post("/api/v1/products", json=body, headers=headers)


def _left_behind(
    database: Any, done_key: str, *, locked_for: float, owner: str | None = None
) -> str:
    """A new key holding the completed claim of ``done_key``, put back in progress: locked
    for ``locked_for`` seconds more (negative: expired), held by ``owner``."""
    key = ref("K")
    with database.engine.begin() as conn:
        row = dict(conn.execute(select(idempotency_keys).where(K.key == done_key)).mappings().one())
        row |= {"key": key, "state": "in_progress", "response_status": None, "owner": owner}
        row |= {"response_body": None, "locked_until": utcnow() + timedelta(seconds=locked_for)}
        conn.execute(insert(idempotency_keys).values(**row))
    return key


def _products_named(database: Any, name: str) -> int:
    with database.engine.connect() as conn:
        return int(conn.execute(select(func.count()).where(products.c.name == name)).scalar_one())


def _dead_owner() -> str:
    """The owner name of a process of this host that has exited (and was reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        start = Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[19]
    finally:
        child.kill()
        child.wait()
    return f"{claim_owner.current().split('/')[0]}/{child.pid}/{start}"


@pytest.fixture
def done(client: Any) -> tuple[str, dict[str, Any]]:
    """A completed claim and its body."""
    key, body = ref("K"), {"name": ref("Linen shirt")}
    assert _post(client, key, body).status_code == 201
    return key, body


def test_a_claim_in_progress_says_when_to_retry(client: Any, database: Any, done: Any) -> None:
    first, body = done
    key = _left_behind(database, first, locked_for=42, owner=claim_owner.current())
    r = _post(client, key, body)
    problem = assert_problem(r, 409, "idempotency_key_in_progress")
    assert 40 <= int(r.headers["retry-after"]) <= 42
    assert problem["retry_after"] == int(r.headers["retry-after"])
    assert _products_named(database, body["name"]) == 1


def test_another_body_under_a_key_in_progress_is_refused_as_reused(
    client: Any, database: Any, done: Any
) -> None:
    """The body is compared before the state: a wrong body is the client's error, whatever
    the first request is doing."""
    key = _left_behind(database, done[0], locked_for=60)
    assert_problem(_post(client, key, {"name": ref("other")}), 422, "idempotency_key_reused")


def test_an_expired_claim_is_taken_over(client: Any, database: Any, done: Any) -> None:
    first, body = done
    key = _left_behind(database, first, locked_for=-1, owner=claim_owner.current())
    r = _post(client, key, body)
    assert r.status_code == 201, r.text
    assert _products_named(database, body["name"]) == 2  # the first key's and this one's
    assert _post(client, key, body).headers["idempotent-replayed"] == "true"


def test_a_claim_of_a_dead_process_is_taken_over_at_once(
    client: Any, database: Any, done: Any
) -> None:
    first, body = done
    gone = _left_behind(database, first, locked_for=3600, owner=_dead_owner())
    elsewhere = _left_behind(database, first, locked_for=3600, owner="another-host/1/1")
    r = _post(client, gone, body)
    assert r.status_code == 201, r.text
    # a process of another host cannot be checked: its claim waits for the lock
    assert_problem(_post(client, elsewhere, body), 409, "idempotency_key_in_progress")


def test_keys_belong_to_their_api_key(client: Any, database: Any) -> None:
    """The same key value from two clients: two requests, neither replays the other."""
    other = make_key(database, ["catalog:write"])
    key, body = ref("K"), {"name": ref("Wool scarf")}
    mine = _post(client, key, body)
    theirs = _post(client, key, body, api_key=other)
    assert mine.status_code == theirs.status_code == 201, theirs.text
    assert "idempotent-replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert _products_named(database, body["name"]) == 2


def _send_and_lose(url: str, body: dict[str, Any], headers: dict[str, str]) -> None:
    """The first request: its server is killed, so it gets no answer."""
    with contextlib.suppress(httpx.HTTPError):
        httpx.post(url, json=body, headers=headers, timeout=30)


def _start_claimant(db_url: str, port: int, hang: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HANG": "1" if hang else "0", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.idem_claimant", db_url, str(port)], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the claimant did not start")


def test_a_request_killed_mid_flight_can_be_retried_at_once(db_url: str, database: Any) -> None:
    """A server process killed (SIGKILL) while it runs a keyed request: the retry, on a
    new process, runs it at once (not after the lock) and exactly one product exists."""
    api_key = make_key(database, ["catalog:write"])
    key, body = ref("K"), {"name": ref("Alpaca gloves")}
    headers = {"Idempotency-Key": key, "Authorization": f"Bearer {api_key}"}
    port = _free_port()
    hanging = _start_claimant(db_url, port, hang=True)
    url = f"http://127.0.0.1:{port}/hanging-products"
    threading.Thread(target=_send_and_lose, args=(url, body, headers), daemon=True).start()
    plain = create_engine(db_url)  # reads while the claimant writes (no BEGIN IMMEDIATE)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with plain.connect() as conn:
                if conn.execute(select(K.state).where(K.key == key)).first():
                    break
            time.sleep(0.05)
        else:
            raise AssertionError("the request never claimed its key")
        time.sleep(0.3)  # inside the use case by now
    finally:
        hanging.send_signal(signal.SIGKILL)
        hanging.wait()
        plain.dispose()
    with database.engine.begin() as conn:  # the lock would hold for the full minute
        locked_until = conn.execute(select(K.locked_until).where(K.key == key)).scalar_one()
    assert locked_until > utcnow() + timedelta(seconds=30)
    port = _free_port()
    retry = _start_claimant(db_url, port, hang=False)
    try:
        r = httpx.post(f"http://127.0.0.1:{port}/hanging-products", json=body, headers=headers)
        assert r.status_code == 201, r.text
        again = httpx.post(f"http://127.0.0.1:{port}/hanging-products", json=body, headers=headers)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == r.json()
    finally:
        retry.terminate()
        retry.wait(timeout=20)
    assert _products_named(database, body["name"]) == 1


@pytest.mark.parametrize(("length", "accepted"), [(0, False), (1, True), (255, True), (256, False)])
def test_a_key_is_1_to_255_characters(client: Any, length: int, accepted: bool) -> None:
    key = (ref("K") + "k" * 255)[:length]
    body = {"name": ref("Cotton socks")}
    first = _post(client, key, body)
    if not accepted:
        problem = assert_problem(first, 422, "invalid_idempotency_key")
        error = problem["errors"][0]
        assert (error["field"], error["code"]) == (
            "header.idempotency-key",
            "invalid_idempotency_key",
        )
        return
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert first.headers["etag"] == '"1"'  # the endpoint's own headers, keyed or not
    again = _post(client, key, body)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["idempotent-replayed"] == "true"


def test_a_reused_key_names_the_header_at_fault(client: Any, done: Any) -> None:
    problem = assert_problem(
        _post(client, done[0], {"name": ref("other")}), 422, "idempotency_key_reused"
    )
    error = problem["errors"][0]
    assert (error["field"], error["code"]) == ("header.idempotency-key", "idempotency_key_reused")


def test_the_same_body_with_its_keys_in_another_order_is_a_replay(client: Any) -> None:
    key, name = ref("K"), ref("Silk tie")
    first = client.post(
        "/api/v1/products",
        content=f'{{"name": "{name}", "description": "blue"}}',
        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
    )
    assert first.status_code == 201, first.text
    again = client.post(
        "/api/v1/products",
        content=f'{{"description": "blue", "name": "{name}"}}',
        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
    )
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["idempotent-replayed"] == "true"


def test_a_claim_about_to_run_out_says_retry_in_a_second(
    client: Any, database: Any, done: Any
) -> None:
    first, body = done
    key = _left_behind(database, first, locked_for=0.4, owner=claim_owner.current())
    r = _post(client, key, body)
    assert_problem(r, 409, "idempotency_key_in_progress")
    assert r.headers["retry-after"] == "1"


def test_a_claim_records_its_owner_and_a_take_over_renews_the_lock(
    client: Any, database: Any, done: Any
) -> None:
    first, body = done

    def row(key: str) -> dict[str, Any]:
        with database.engine.connect() as conn:
            found = conn.execute(select(idempotency_keys).where(K.key == key)).mappings().one()
        return dict(found)

    assert row(first)["owner"] == claim_owner.current()
    key = _left_behind(database, first, locked_for=-30, owner="another-host/1/1")
    before = utcnow()
    assert _post(client, key, body).status_code == 201
    taken = row(key)
    assert taken["owner"] == claim_owner.current()
    assert taken["locked_until"] > before + timedelta(seconds=30)
