"""Settings: staff users, roles and API keys in the console (admin only)."""

from __future__ import annotations

import dataclasses
import re

from fastapi.testclient import TestClient

from switchyard.api.app import create_app
from switchyard.kernel.events import Actor
from switchyard.staff.domain import MAX_FAILED_SIGN_INS
from switchyard.staff.repository import UserRepository
from tests.console.staff import PASSWORD, Console, csrf_in, make_user
from tests.e2e.skeleton import make_location
from tests.helpers import ref


def _admin(app, database) -> Console:
    return Console(app, make_user(database, "admin", name="Ada Admin").email)


def _user(database, user_id):
    return database.run(
        Actor.system("t"), lambda uow: uow.repo(UserRepository).get(user_id), read_only=True
    )


def _by_email(database, email):
    found = database.run(
        Actor.system("t"), lambda uow: uow.repo(UserRepository).by_email(email), read_only=True
    )
    return found[0] if found else None


def test_an_admin_creates_a_user_who_can_then_sign_in(app, database, client):
    store = make_location(client, type="store")
    with _admin(app, database) as admin:
        page = admin.get("/console/settings/users/new")
        assert page.status_code == 200
        assert "Reads everything, changes nothing" in page.text  # the roles, described
        email = f"{ref('sam')}@staff.example"
        r = admin.post(
            "/console/settings/users",
            {
                "email": email.upper(),
                "name": "Sam Store",
                "role": "store_associate",
                "locations": store["code"],
                "time_zone": "Europe/Berlin",
                "password": "a long enough phrase",
            },
        )
        assert r.status_code == 303, r.text[:800]
        assert r.headers["location"].endswith("?done=user_created")
        detail = admin.get(r.headers["location"])
        assert "Sam Store" in detail.text and "The user was created" in detail.text
        # the list pages by email (the shared database has many users): start just before
        listing = admin.get("/console/settings/users", params={"after": email.lower()[:-1]})
        assert email.lower() in listing.text and store["code"] in listing.text
    user = _by_email(database, email.lower())
    assert user is not None and user.role == "store_associate"
    assert user.location_ids == (store["id"],)
    with Console(app, email, "a long enough phrase") as sam:
        home = sam.get("/console")
        assert "Sam Store" in home.text and "Store associate" in home.text


def test_bad_input_shows_each_field_s_error_and_creates_nothing(app, database):
    with _admin(app, database) as admin:
        email = f"{ref('bad')}@staff.example"
        r = admin.post(
            "/console/settings/users",
            {"email": email, "role": "warehouse", "locations": "", "password": "short"},
        )
        assert r.status_code == 422
        assert 'aria-invalid="true" aria-describedby="e-locations"' in r.text
        assert "choose the locations they work at" in r.text
        assert f'value="{email}"' in r.text  # kept as typed
        assert 'name="password" type="password" value=""' in r.text  # never echoed
        r = admin.post(
            "/console/settings/users",
            {"email": "not an email", "role": "viewer", "password": PASSWORD},
        )
        assert r.status_code == 422 and "enter an address like name@example.com" in r.text
        r = admin.post(
            "/console/settings/users",
            {"email": email, "role": "pirate", "password": PASSWORD},
        )
        assert r.status_code == 422 and "choose one of" in r.text
        r = admin.post(
            "/console/settings/users",
            {"email": email, "role": "viewer", "password": "short", "time_zone": "Mars/Base"},
        )
        assert r.status_code == 422
    assert _by_email(database, email) is None
    taken = make_user(database, "viewer")
    with _admin(app, database) as admin:
        r = admin.post(
            "/console/settings/users",
            {"email": taken.email, "role": "viewer", "password": PASSWORD},
        )
        assert r.status_code == 409 and "this email already has an account" in r.text


def test_change_role_locations_name_and_time_zone(app, database, client):
    wh = make_location(client)
    user = make_user(database, "viewer", name="Vic")
    with _admin(app, database) as admin:
        page = admin.get(f"/console/settings/users/{user.id}")
        assert page.status_code == 200 and "Vic" in page.text
        r = admin.post(
            f"/console/settings/users/{user.id}",
            {"name": "Vic Warehouse", "role": "warehouse", "locations": "", "time_zone": "UTC"},
        )
        assert r.status_code == 422 and "choose the locations they work at" in r.text
        assert _user(database, user.id).role == "viewer"  # nothing saved
        r = admin.post(
            f"/console/settings/users/{user.id}",
            {
                "name": "Vic Warehouse",
                "role": "warehouse",
                "locations": wh["code"],
                "time_zone": "Europe/Lisbon",
            },
        )
        assert r.status_code == 303
    changed = _user(database, user.id)
    assert (changed.name, changed.role, changed.location_ids, changed.time_zone) == (
        "Vic Warehouse",
        "warehouse",
        (wh["id"],),
        "Europe/Lisbon",
    )


def _attempt(app, email, password):
    """One sign-in at a fresh browser."""
    browser = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    page = browser.get("/console/login")
    return browser.post(
        "/console/login",
        data={"email": email, "password": password, "csrf_token": csrf_in(page.text)},
    )


def test_resetting_a_locked_user_s_password_lifts_the_lock_and_ends_sessions(app, database):
    user = make_user(database, "viewer")
    signed_in = Console(app, user.email)  # a session that the reset must end
    for _ in range(MAX_FAILED_SIGN_INS):
        _attempt(app, user.email, "wrong guess")
    assert _attempt(app, user.email, PASSWORD).status_code == 401  # locked
    with _admin(app, database) as admin:
        page = admin.get(f"/console/settings/users/{user.id}")
        assert "Locked until" in page.text
        r = admin.post(f"/console/settings/users/{user.id}/password", {"password": "short"})
        assert r.status_code == 422 and "use at least 10 characters" in r.text
        r = admin.post(
            f"/console/settings/users/{user.id}/password", {"password": "a fresh new phrase"}
        )
        assert r.status_code == 303
        assert "Locked" not in admin.get(f"/console/settings/users/{user.id}").text
    assert _user(database, user.id).locked_until is None
    assert signed_in.get("/console").status_code == 303  # signed out by the reset
    assert _attempt(app, user.email, "a fresh new phrase").status_code == 303


def test_disable_and_enable_an_account(app, database):
    user = make_user(database, "viewer")
    session = Console(app, user.email)
    with _admin(app, database) as admin:
        page = admin.get(f"/console/settings/users/{user.id}")
        assert "data-confirm=" in page.text
        r = admin.post(f"/console/settings/users/{user.id}/disabled", {"disabled": "true"})
        assert r.status_code == 303
        assert session.get("/console").status_code == 303
        assert _attempt(app, user.email, PASSWORD).status_code == 401
        listing = admin.get("/console/settings/users", params={"after": user.email[:-1]})
        assert "Disabled" in listing.text
        r = admin.post(f"/console/settings/users/{user.id}/disabled", {"disabled": "false"})
        assert r.status_code == 303
    assert _attempt(app, user.email, PASSWORD).status_code == 303


def test_an_admin_cannot_disable_themself(app, database):
    me = make_user(database, "admin")
    with Console(app, me.email) as admin:
        r = admin.post(f"/console/settings/users/{me.id}/disabled", {"disabled": "true"})
        assert r.status_code == 409
        assert admin.get("/console").status_code == 200


def test_roles_are_shown_with_their_scopes(app, database):
    with _admin(app, database) as admin:
        page = admin.get("/console/settings/roles")
        assert page.status_code == 200
        assert "Store associate" in page.text and "<code>fulfillment:write</code>" in page.text
        assert "Named locations only" in page.text


def test_an_unknown_user_is_a_404_page(app, database):
    with _admin(app, database) as admin:
        r = admin.get("/console/settings/users/usr_nobody")
        assert r.status_code == 404 and "does not exist" in r.text


def test_non_admins_are_refused_every_admin_section(app, database, client):
    loc = make_location(client, type="store")
    for role, locations in (
        ("customer_service", None),
        ("viewer", None),
        ("merchandiser", None),
        ("store_associate", [loc["code"]]),
    ):
        user = make_user(database, role, locations=locations)
        with Console(app, user.email) as person:
            for url in (
                "/console/settings",
                "/console/settings/users",
                "/console/settings/users/new",
                f"/console/settings/users/{user.id}",
                "/console/settings/roles",
                "/console/settings/api-keys",
            ):
                r = person.get(url)
                assert r.status_code == 403, (role, url)
                assert "Not allowed" in r.text
            r = person.post(
                "/console/settings/users",
                {"email": f"{ref('x')}@staff.example", "role": "admin", "password": PASSWORD},
            )
            assert r.status_code == 403
            r = person.post(f"/console/settings/users/{user.id}", {"role": "admin"})
            assert r.status_code == 403
    assert _user(database, user.id).role == "store_associate"


# API keys


def test_create_and_revoke_an_api_key_and_the_key_stops_working(settings, database):
    # an application that keeps authenticated keys for a minute, as production does for
    # some seconds: revoking must clear that cache, as the API's revoke does
    app = create_app(dataclasses.replace(settings, auth_cache_seconds=60.0), database)
    anon = TestClient(app, raise_server_exceptions=False)
    with _admin(app, database) as admin:
        name = ref("Shop front-end")
        r = admin.post(
            "/console/settings/api-keys", {"name": name, "scopes": ["orders:read", "catalog:read"]}
        )
        assert r.status_code == 303, r.text[:500]  # to the page that shows it once
        r = admin.get(r.headers["location"])
        secret = re.search(r'id="new-key" class="secret-value" readonly value="([^"]+)"', r.text)
        assert secret, r.text[:2000]
        key = secret.group(1)
        headers = {"Authorization": f"Bearer {key}"}
        assert anon.get("/api/v1/orders", headers=headers).status_code == 200
        listing = admin.get("/console/settings/api-keys")
        assert name in listing.text and key not in listing.text  # never shown again
        key_id = re.search(
            r'action="/console/settings/api-keys/(key_[^/"]+)/revoke" data-confirm="[^"]*'
            + re.escape(name),
            listing.text,
        )
        assert key_id
        r = admin.post(f"/console/settings/api-keys/{key_id.group(1)}/revoke")
        assert r.status_code == 303
        assert "revoked" in admin.get(r.headers["location"]).text
    assert anon.get("/api/v1/orders", headers=headers).status_code == 401


def test_an_api_key_form_with_bad_input_shows_errors(app, database):
    with _admin(app, database) as admin:
        r = admin.post("/console/settings/api-keys", {"name": "", "scopes": []})
        assert r.status_code == 422
        assert 'aria-describedby="e-name"' in r.text
        r = admin.post(
            "/console/settings/api-keys",
            {"name": "x", "scopes": ["orders:read"], "locations": "NOWHERE-1"},
        )
        assert r.status_code == 422 and "NOWHERE-1" in r.text
        r = admin.post("/console/settings/api-keys", {"name": "x", "scopes": ["galaxy:rule"]})
        assert r.status_code == 422 and "Unknown scope(s): galaxy:rule" in r.text
