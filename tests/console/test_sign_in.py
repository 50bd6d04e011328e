"""Signing in and out of the console: sessions, lockout, CSRF, expiry, admin reset."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from switchyard.kernel.clock import utcnow
from switchyard.kernel.events import Actor
from switchyard.staff.domain import MAX_FAILED_SIGN_INS, session_id
from switchyard.staff.repository import UserRepository
from switchyard.staff.service import reset_password, set_disabled
from switchyard.staff.tables import user_sessions
from tests.console.staff import PASSWORD, Console, csrf_in, make_user


def _attempt(client: TestClient, email: str, password: str, next: str = "/console"):
    page = client.get("/console/login")
    return client.post(
        "/console/login",
        data={"email": email, "password": password, "csrf_token": csrf_in(page.text), "next": next},
    )


def _browser(app) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def test_the_root_and_the_console_send_a_signed_out_visitor_to_sign_in(app):
    browser = _browser(app)
    r = browser.get("/")
    assert r.status_code == 307 and r.headers["location"] == "/console"
    r = browser.get("/console/orders?status=placed")
    assert r.status_code == 303
    assert r.headers["location"] == "/console/login?next=%2Fconsole%2Forders%3Fstatus%3Dplaced"
    page = browser.get(r.headers["location"])
    assert page.status_code == 200 and "Sign in to Switchyard" in page.text
    assert 'name="next" value="/console/orders?status=placed"' in page.text


def test_signing_in_opens_a_session_cookie_that_scripts_cannot_read(app, database):
    user = make_user(database, "viewer", name="Vera Viewer")
    browser = _browser(app)
    r = _attempt(browser, user.email.upper(), PASSWORD, next="/console/orders")
    assert r.status_code == 303 and r.headers["location"] == "/console/orders"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("sy_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    home = browser.get("/console")
    assert home.status_code == 200 and "Vera Viewer" in home.text
    assert "Sign out" in home.text


def test_a_wrong_password_and_an_unknown_email_read_the_same(app, database):
    user = make_user(database, "viewer")
    browser = _browser(app)
    wrong = _attempt(browser, user.email, "not the password")
    unknown = _attempt(browser, "nobody@staff.example", "not the password")
    for r in (wrong, unknown):
        assert r.status_code == 401
        assert "The email or the password is wrong." in r.text
        assert "sy_session=" not in r.headers.get("set-cookie", "")
    assert browser.get("/console").status_code == 303


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(app, database):
    user = make_user(database, "viewer")
    browser = _browser(app)
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        assert _attempt(browser, user.email, "guess").status_code == 401
    locked = _attempt(browser, user.email, "guess")
    assert locked.status_code == 401 and "locked" in locked.text
    right = _attempt(browser, user.email, PASSWORD)
    assert right.status_code == 401 and "locked" in right.text
    row = database.run(
        Actor.system("t"), lambda uow: uow.repo(UserRepository).get(user.id), read_only=True
    )
    assert row is not None and row.locked_until is not None
    assert row.locked_until - utcnow() > timedelta(minutes=14)
    # an admin's new password lifts the lock at once
    database.run(Actor.system("t"), lambda uow: reset_password(uow, user.id, "a brand new phrase"))
    assert _attempt(browser, user.email, "a brand new phrase").status_code == 303


def test_a_right_password_resets_the_count_of_wrong_ones(app, database):
    user = make_user(database, "viewer")
    browser = _browser(app)
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        _attempt(browser, user.email, "guess")
    assert _attempt(browser, user.email, PASSWORD).status_code == 303
    for _ in range(MAX_FAILED_SIGN_INS - 1):
        _attempt(_browser(app), user.email, "guess")
    assert _attempt(_browser(app), user.email, PASSWORD).status_code == 303


def test_the_sign_in_form_needs_its_own_token(app, database):
    user = make_user(database, "viewer")
    browser = _browser(app)
    r = browser.post(
        "/console/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert r.status_code == 403 and "expired" in r.text
    assert "sy_session=" not in r.headers.get("set-cookie", "")


def test_a_form_without_the_session_s_token_is_refused(app, database):
    user = make_user(database, "viewer")
    with Console(app, user.email) as staff:
        r = staff.http.post("/console/logout", data={"csrf_token": "not-it"})
        assert r.status_code == 403 and "csrf_failed" in r.text
        r = staff.http.post("/console/logout", headers={"X-CSRF-Token": "not-it"})
        assert r.status_code == 403
        assert staff.get("/console").status_code == 200  # still signed in
        r = staff.post("/console/logout")
        assert r.status_code == 303 and r.headers["location"] == "/console/login"
        assert staff.get("/console").status_code == 303  # signed out


def test_signing_out_ends_the_session_on_the_server(app, database):
    user = make_user(database, "viewer")
    staff = Console(app, user.email)
    token = staff.http.cookies["sy_session"]
    staff.post("/console/logout")
    replay = _browser(app)
    replay.cookies.set("sy_session", token)
    assert replay.get("/console").status_code == 303


def test_an_idle_session_expires(app, database):
    user = make_user(database, "viewer")
    staff = Console(app, user.email)
    token = staff.http.cookies["sy_session"]
    database.run(
        Actor.system("t"),
        lambda uow: uow.conn.execute(
            update(user_sessions)
            .where(user_sessions.c.id == session_id(token))
            .values(last_seen_at=utcnow() - timedelta(hours=5))
        ),
    )
    r = staff.get("/console/orders")
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login")


def test_disabling_a_user_ends_their_sessions(app, database):
    user = make_user(database, "viewer")
    staff = Console(app, user.email)
    database.run(Actor.system("t"), lambda uow: set_disabled(uow, user.id, True))
    assert staff.get("/console").status_code == 303
    r = _attempt(_browser(app), user.email, PASSWORD)
    assert r.status_code == 401 and "disabled" in r.text


def test_next_never_leads_off_the_console(app, database):
    user = make_user(database, "viewer")
    for target in ("https://evil.example/", "//evil.example/x", "/api/v1/orders"):
        r = _attempt(_browser(app), user.email, PASSWORD, next=target)
        assert r.status_code == 303 and r.headers["location"] == "/console", target


def test_an_unknown_console_page_is_an_html_404(app, database):
    user = make_user(database, "viewer")
    with Console(app, user.email) as staff:
        r = staff.get("/console/no-such-page")
        assert r.status_code == 404 and "text/html" in r.headers["content-type"]
        assert "There is no such page" in r.text


def test_the_static_files_are_served_from_the_package(app):
    r = _browser(app).get("/console/static/htmx.min.js")
    assert r.status_code == 200 and "htmx" in r.text[:200]
