"""Settings → Users pages through the accounts by email (keyset on the unique email),
50 a page; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import secrets

from switchyard.console import settings_users
from switchyard.kernel.events import Actor
from switchyard.staff.repository import UserRepository
from tests.console.staff import Console, make_user


def _emails(page: str) -> list[str]:
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<td>([^<@]+@[^<]+)</td>", table)


def test_the_repository_pages_users_by_email(database):
    prefix = f"pg{secrets.token_hex(4)}"
    made = [make_user(database, "viewer", email=f"{prefix}-{i}@staff.example") for i in (3, 1, 2)]
    start = f"{prefix}-"  # sorts before the three, after every other test's users
    repo_page = lambda after: database.run(  # noqa: E731
        Actor.system("tests"),
        lambda uow: uow.repo(UserRepository).page(after_email=after, limit=2),
        read_only=True,
    )
    first = repo_page(start)
    assert [u.email for u in first] == [f"{prefix}-{i}@staff.example" for i in (1, 2, 3)]
    second = repo_page(first[1].email)
    assert [u.email for u in second][:1] == [f"{prefix}-3@staff.example"]
    assert {u.id for u in made} == {u.id for u in first}


def test_the_users_list_shows_a_page_and_links_the_next(app, database, monkeypatch):
    monkeypatch.setattr(settings_users, "PAGE_SIZE", 2)
    prefix = f"pl{secrets.token_hex(4)}"
    for i in (1, 2, 3):
        make_user(database, "viewer", email=f"{prefix}-{i}@staff.example")
    admin = make_user(database, "admin")
    with Console(app, admin.email) as desk:
        r = desk.get("/console/settings/users", params={"after": f"{prefix}-"})
        assert r.status_code == 200, r.text[:500]
        assert _emails(r.text) == [f"{prefix}-1@staff.example", f"{prefix}-2@staff.example"]
        found = re.search(r'<a rel="next" href="([^"]+)"', r.text)
        assert found and "First page" in r.text
        r = desk.get(found.group(1).replace("&amp;", "&"))
        assert _emails(r.text)[:1] == [f"{prefix}-3@staff.example"]
        first = desk.get("/console/settings/users")
        assert len(_emails(first.text)) == 2 and "First page" not in first.text
