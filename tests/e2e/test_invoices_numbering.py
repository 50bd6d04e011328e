"""Invoice numbers are consecutive with no gaps, even when shipments race (real HTTP server)."""

from __future__ import annotations

import concurrent.futures as cf

import httpx
import pytest

from switchyard.invoicing.repository import InvoiceRepository
from switchyard.kernel.events import Actor
from tests.e2e.skeleton import make_channel, make_location, make_sku, order_body, stock
from tests.helpers import ref

SHIPMENTS = 8


def test_concurrent_shipments_get_distinct_consecutive_numbers(
    client, database, live_url, admin_key
):
    prefix = ref("N")
    channel = make_channel(client, settings={"invoice_prefix": prefix})
    loc = make_location(client)
    orders = []
    for _ in range(SHIPMENTS):
        # one SKU per order, so shipments share no stock row: only the number counter
        sku = make_sku(client, channel)
        stock(database, sku, loc, 1)
        order = client.post("/api/v1/orders", json=order_body(channel, [(sku, 1)])).json()
        fid = order["fulfillments"][0]["id"]
        assert client.post(f"/api/v1/fulfillments/{fid}/pick").status_code == 200
        assert client.post(f"/api/v1/fulfillments/{fid}/pack").status_code == 200
        orders.append((order["id"], fid))
    headers = {"Authorization": f"Bearer {admin_key}"}

    def ship(fid: str) -> httpx.Response:
        body = {"carrier": "DHL", "tracking_number": fid[-10:]}
        return httpx.post(
            f"{live_url}/api/v1/fulfillments/{fid}/ship", json=body, headers=headers, timeout=60
        )

    with cf.ThreadPoolExecutor(SHIPMENTS) as pool:
        answers = list(pool.map(ship, [fid for _, fid in orders]))
    assert [r.status_code for r in answers] == [200] * SHIPMENTS, [r.text for r in answers]

    numbers = []
    for order_id, _ in orders:
        (invoice,) = client.get(f"/api/v1/orders/{order_id}/invoices").json()["items"]
        numbers.append(invoice["number"])
    year = numbers[0].split("-")[-2]
    assert all(n.startswith(f"{prefix}-{year}-") for n in numbers)
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, SHIPMENTS + 1))


def test_a_rolled_back_number_is_handed_out_again(database):
    series = ref("S")
    actor = Actor.system("tests")

    def take(uow):
        return uow.repo(InvoiceRepository).next_number(series)

    def take_and_fail(uow):
        take(uow)
        raise RuntimeError("the invoice could not be stored")

    assert database.run(actor, take) == 1
    with pytest.raises(RuntimeError):
        database.run(actor, take_and_fail)
    assert database.run(actor, take) == 2
