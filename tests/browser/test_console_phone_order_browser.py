"""An order taken on the phone, end to end in a real browser (chromium): find the
customer, find the SKU and add it, see the promise date, place, land on the order."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import TABLET, Desk
from tests.console.staff import make_user
from tests.e2e.skeleton import make_channel, make_location, make_sku, stock
from tests.helpers import ref

# No htmx request in flight and no swap still settling.
SETTLED = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def test_a_phone_order_end_to_end(desk: Desk, live_url, client, database, tmp_path: Path):
    warehouse = make_location(client)
    channel = make_channel(
        client, type="call_center", name=ref("Phone"), location_ids=[warehouse["id"]]
    )
    sku = make_sku(client, channel, price="59.00")
    stock(database, sku, warehouse, 5)
    email = f"{ref('rosa')}@example.com"
    phone = f"+4930{secrets.randbelow(10**8):08d}"
    customer = client.post(
        "/api/v1/customers", json={"email": email, "name": "Rosa Rufer", "phone": phone}
    )
    assert customer.status_code == 201, customer.text
    r = client.post(
        f"/api/v1/customers/{customer.json()['id']}/addresses",
        json={
            "name": "Rosa Rufer",
            "line1": "Invalidenstrasse 12",
            "city": "Berlin",
            "postal_code": "10115",
            "country_code": "DE",
        },
    )
    assert r.status_code == 201, r.text
    agent = make_user(database, "customer_service", name="Paula Phone")

    def take_the_call(page: Page) -> dict[str, str]:
        page.goto("/console/orders/new")
        page.get_by_label("Channel").select_option(channel["code"])
        page.wait_for_load_state("networkidle")
        # the customer, found by their phone number as they say it
        page.get_by_label("Find a customer by email or phone").fill("0" + phone[3:])
        results = page.locator("#customer-results")
        expect(results).to_contain_text("Rosa Rufer")
        results.get_by_role("button", name="Use").click()
        expect(page.get_by_label("Email", exact=True)).to_have_value(email)
        expect(page.get_by_label("Postal code")).to_have_value("10115")
        expect(page.locator("#address-check")).to_contain_text("Address checked")
        # htmx wires up the swapped-in form as it settles: a person cannot type sooner
        page.wait_for_function(SETTLED)
        # a postal code that does not fit is flagged as it is typed, then corrected
        page.get_by_label("Postal code").fill("1011")
        expect(page.locator("#e-ship_postal_code")).to_contain_text("not a postal code in DE")
        page.get_by_label("Postal code").fill("10115")
        expect(page.locator("#e-ship_postal_code")).to_have_text("")
        # the SKU, with its price and stock, added to the order
        page.get_by_label("Find a product by name, SKU or barcode").fill(sku["sku"])
        found = page.locator("#sku-results tbody tr")
        expect(found).to_have_count(1)
        expect(found).to_contain_text("€59.00")
        expect(found).to_contain_text(f"{warehouse['code']}: 5")
        found.get_by_role("button", name=f"Add {sku['sku']}").click()
        line = page.locator("table.po-lines tbody tr")
        expect(line).to_have_count(1)
        page.get_by_label(f"Quantity of {sku['sku']}").fill("2")
        expect(page.locator("#amount-0")).to_have_text("€118.00")  # live, with the dates
        expect(page.locator("#subtotal")).to_have_text("€118.00")
        promise = page.locator("#promise")
        expect(promise).to_contain_text("Delivered by")
        date = promise.locator("tr.po-option td").nth(1).inner_text()
        page.screenshot(path=str(tmp_path / "phone-order-form.png"), full_page=True)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 820, f"the form scrolls sideways on a tablet ({width} px)"
        page.get_by_role("button", name="Place order").click()
        page.wait_for_url(re.compile(r".*/console/orders/ord_[^/?]+\?done=.*"))
        return {"url": page.url, "text": page.inner_text("main"), "date": date}

    seen = desk.act(
        live_url,
        agent.email,
        take_the_call,
        device=TABLET,
        screenshot=tmp_path / "phone-order.png",
    )
    assert "was placed." in seen["text"], seen["text"][:1000]
    assert re.search(r"Delivered by \w{3} \d{2} \w{3} \d{4}", seen["date"]), seen["date"]
    order_id = re.search(r"/console/orders/(ord_[^/?]+)", seen["url"])
    assert order_id
    order = client.get(f"/api/v1/orders/{order_id.group(1)}").json()
    assert order["email"] == email and order["customer_id"] == customer.json()["id"]
    assert [(ln["sku"], ln["quantity"]) for ln in order["lines"]] == [(sku["sku"], 2)]
    events = client.get(f"/api/v1/orders/{order['id']}/events").json()["items"]
    assert events[0]["actor"]["name"] == "Paula Phone"
