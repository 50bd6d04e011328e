"""A settings page that shows a secret once: the POST answers 303, the page it leads to
shows the secret from the one-time stash, and a reload shows a note, never the secret
again, and makes no second key, endpoint or secret (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from switchyard.staff import stash
from switchyard.staff.domain import session_id
from switchyard.staff.service import sign_in
from tests.console.staff import PASSWORD, Console, make_user
from tests.helpers import ref
from tests.smtp import free_port

GONE = "shown once already"


def _secret(page: str, field: str) -> str | None:
    found = re.search(rf'id="{field}" class="secret-value" readonly value="([^"]+)"', page)
    return found.group(1) if found else None


def test_a_new_api_key_is_shown_once_and_a_reload_makes_no_second(app, client, database):
    admin = make_user(database, "admin")
    name = ref("Once key")
    with Console(app, admin.email) as desk:
        r = desk.post("/console/settings/api-keys", {"name": name, "scopes": ["orders:read"]})
        assert r.status_code == 303, r.text[:500]
        target = r.headers["location"]
        assert "shown=" in target and "key_" not in target  # the URL holds no secret
        page = desk.get(target).text
        key = _secret(page, "new-key")
        assert key and name in page
        again = desk.get(target).text  # a reload
        assert _secret(again, "new-key") is None and key not in again and GONE in again
    keys = client.get("/api/v1/api-keys").json()
    assert [k["name"] for k in keys].count(name) == 1
    r = client.get("/api/v1/orders", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200


def test_a_webhook_secret_is_shown_once_and_only_to_its_session(app, database):
    admin = make_user(database, "admin")
    url = f"http://127.0.0.1:{free_port()}/once"
    with Console(app, admin.email) as desk, Console(app, admin.email) as other_tab:
        r = desk.post("/console/settings/webhooks", {"url": url, "event_types": "order.*"})
        assert r.status_code == 303, r.text[:500]
        target = r.headers["location"]
        # another session of the same user cannot read it (and does not use it up)
        assert _secret(other_tab.get(target).text, "new-secret") is None
        page = desk.get(target).text
        secret = _secret(page, "new-secret")
        assert secret and secret.startswith("whsec_")
        endpoint_id = re.search(r'href="/console/settings/webhooks/(whe_[^"]+)"', page).group(1)
        assert GONE in desk.get(target).text
        r = desk.post(
            f"/console/settings/webhooks/{endpoint_id}/rotate-secret", {"keep_previous_hours": "0"}
        )
        assert r.status_code == 303
        rotated_at = r.headers["location"]
        first = desk.get(rotated_at).text
        rotated = _secret(first, "new-secret")
        assert rotated and rotated != secret
        reload = desk.get(rotated_at).text
        assert rotated not in reload and GONE in reload
        # a reference for another endpoint's page shows nothing there
        r = desk.post(
            f"/console/settings/webhooks/{endpoint_id}/rotate-secret", {"keep_previous_hours": "0"}
        )
        query = r.headers["location"].split("?", 1)[1]
        assert _secret(desk.get(f"/console/settings/webhooks?{query}").text, "new-secret") is None


def test_the_stash_gives_a_payload_once_and_expired_entries_nothing(database, monkeypatch):
    admin = make_user(database, "admin")
    actor = Actor.system("tests")
    signed = database.run(actor, lambda uow: sign_in(uow, admin.email, PASSWORD))
    assert signed.token
    sid = session_id(signed.token)
    ref_ = database.run(actor, lambda uow: stash.put(uow, sid, "api_key", {"secret": "s1"}))

    def take(kind: str, who: str = sid, ref: str = ref_) -> Any:
        return database.run(actor, lambda uow: stash.take(uow, who, kind, ref))

    assert take("webhook_endpoint") is None  # another kind: not shown, not used up
    assert take("api_key", who="0" * 64) is None  # another session
    assert take("api_key", ref="x" * 500) is None
    assert take("api_key") == {"secret": "s1"}
    assert take("api_key") is None  # once
    late = database.run(actor, lambda uow: stash.put(uow, sid, "api_key", {"secret": "s2"}))
    later = utcnow() + stash.TTL + timedelta(seconds=1)
    monkeypatch.setattr(stash, "utcnow", lambda: later)
    assert take("api_key", ref=late) is None  # expired
