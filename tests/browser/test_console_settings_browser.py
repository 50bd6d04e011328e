"""Settings in a real browser (chromium): an admin creates a staff user, who then signs
in; the forms work on a tablet."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.conftest import TABLET, Desk
from tests.console.staff import make_user
from tests.e2e.skeleton import make_location
from tests.helpers import ref


def test_an_admin_creates_a_user_who_then_signs_in(
    desk: Desk, live_url, database, client, tmp_path: Path
):
    admin = make_user(database, "admin", name="Ada Admin")
    store = make_location(client, type="store", name="Berlin Mitte")
    email = f"{ref('berta')}@staff.example"

    def create_user(page: Page) -> dict[str, object]:
        page.get_by_role("link", name="Settings").click()
        page.get_by_role("link", name="Users").first.click()
        page.get_by_role("link", name="New user").click()
        page.get_by_label("Email").fill(email)
        page.get_by_label("Name").fill("Berta Store")
        page.get_by_label("Role").select_option("store_associate")
        page.get_by_label("Initial password").fill("short")
        page.get_by_role("button", name="Create user").click()
        # the browser's own check stops nothing here (no minlength): the server's error
        # shows beside the fields, the typed values kept
        errors = page.locator(".field-error").all_inner_texts()
        kept = page.get_by_label("Email").input_value()
        page.get_by_label("Locations").fill(store["code"])
        page.get_by_label("Initial password").fill("berta's long phrase")
        page.get_by_role("button", name="Create user").click()
        page.wait_for_url("**/console/settings/users/usr_*")
        return {
            "errors": errors,
            "kept": kept,
            "flash": page.get_by_role("status").inner_text(),
            "facts": page.locator("dl.facts").first.inner_text(),
            "width": page.evaluate("document.scrollingElement.scrollWidth"),
        }

    made = desk.act(
        live_url,
        admin.email,
        create_user,
        device=TABLET,
        screenshot=tmp_path / "user-created.png",
    )
    assert any("locations" in e for e in made["errors"]), made["errors"]  # type: ignore[union-attr]
    assert made["kept"] == email
    assert "The user was created" in str(made["flash"])
    assert "Store associate" in str(made["facts"])
    assert int(made["width"]) <= 820  # type: ignore[call-overload]

    def signed_in(page: Page) -> str:
        return page.locator("header.top").inner_text()

    header = desk.act(live_url, email, signed_in, password="berta's long phrase")
    assert "Berta Store" in header and "Store associate" in header
    assert "Settings" not in header  # not an admin


def test_revoking_an_api_key_asks_first(desk: Desk, live_url, database, tmp_path: Path):
    admin = make_user(database, "admin")
    name = ref("POS feed")

    def create_and_revoke(page: Page) -> dict[str, str]:
        page.goto("/console/settings/api-keys")
        page.get_by_label("Name").fill(name)
        page.get_by_label("orders:read").check()
        page.get_by_role("button", name="Create key").click()
        secret = page.get_by_label("Secret key").input_value()
        questions: list[str] = []

        def decline(dialog) -> None:  # the first time: keep the key
            questions.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", decline)
        page.get_by_role("button", name=f"Revoke {name}").click()
        still = page.get_by_role("button", name=f"Revoke {name}").count()
        page.once("dialog", lambda d: d.accept())
        page.get_by_role("button", name=f"Revoke {name}").click()
        page.wait_for_url("**done=key_revoked")
        return {
            "secret": secret,
            "question": questions[0] if questions else "",
            "still": str(still),
            "flash": page.get_by_role("status").inner_text(),
            "table": page.locator("table").inner_text(),
        }

    seen = desk.act(live_url, admin.email, create_and_revoke, screenshot=tmp_path / "api-keys.png")
    assert seen["secret"].startswith("sy_")
    assert "Revoke the key" in seen["question"] and seen["still"] == "1"
    assert "revoked" in seen["flash"] and seen["secret"] not in seen["table"]
