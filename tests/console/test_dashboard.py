"""The home dashboard: real figures from seeded data, in the viewer's zone, in scope."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from switchyard.kernel.clock import utcnow
from tests.console.dashboard_seed import held_order, seed
from tests.console.staff import Console, make_user
from tests.e2e.skeleton import make_sku, stock


def figure(html: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert found, f"no figure {name}"
    return found.group(1).strip()


def section(html: str, tile: str) -> str:
    start = html.index(f'id="tile-{tile}"')
    return html[start : html.index("</section>", start)]


def bars(html: str, chart: str) -> list[tuple[str, str, float]]:
    """(series, label, value) of each bar of the chart."""
    start = html.index(f'id="{chart}"')
    svg = html[start : html.index("</svg>", start)]
    found = re.findall(
        r'<rect class="bar"[^>]*height="([\d.]+)"[^>]*data-series="([^"]*)" '
        r'data-label="([^"]*)" data-value="([^"]*)"',
        svg,
    )
    assert all(float(h) > 0 for h, *_ in found)
    return [(s, label, float(v)) for _, s, label, v in found]


def test_a_store_associate_sees_the_real_figures_of_their_location_only(app, client, database):
    shop = seed(client, database)
    user = make_user(database, "store_associate", locations=[shop.location["id"]])
    with Console(app, user.email) as console:
        page = console.get("/console")
    assert page.status_code == 200, page.text
    html = page.text
    assert "for your locations only" in html
    # Orders: the three with a fulfillment here, not the other store's order.
    assert figure(html, "orders-48h") == "3"
    code = shop.channel["code"]
    assert f'data-channel="{code}"' in html and f"({code}): <span data-count>3</span>" in html
    assert bars(html, "chart-orders") == [(code, bars(html, "chart-orders")[0][1], 3.0)]
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-orders" role="img"' in html
    )
    assert '<title id="chart-orders-title">Orders per channel per hour' in html
    # Of the two orders not held, the shipped one is filled, the backordered one is not;
    # the shipped parcel left on time, the two others are not due yet.
    assert figure(html, "fill-rate") == "50 %"
    assert figure(html, "on-time") == "100 %"
    rates = section(html, "rates")
    assert "<td>1 of 2</td><td>100 %</td><td>1 / 0</td>" in rates
    # One order waits for two scarves.
    assert (figure(html, "backorder-orders"), figure(html, "backorder-units")) == ("1", "2")
    # The price hold, placed just now.
    assert figure(html, "held") == "1"
    exceptions = section(html, "exceptions")
    assert (
        'data-hold-type="price"' in exceptions and '<td class="num" data-total>1</td>' in exceptions
    )
    assert bars(html, "chart-exceptions") == [("under 1 hour", "price", 1.0)]
    # Scarves: nothing free; hats: 2 free under a safety stock of 5.
    assert (figure(html, "out-of-stock"), figure(html, "below-safety")) == ("1", "1")
    stock_rows = section(html, "stock")
    assert f'data-location="{shop.location["code"]}"' in stock_rows
    assert 'data-out>1</td><td class="num" data-below>1</td>' in stock_rows
    # Two parcels not yet picked here (the shipped one is no longer open).
    assert figure(html, "backlog") == "2"
    assert bars(html, "chart-backlog") == [("created", shop.location["code"], 2.0)]
    # Never the other location's figures.
    assert shop.other_location["code"] not in html


def test_an_admin_sees_every_location_and_the_tiles_link_to_their_lists(app, client, database):
    admin = make_user(database, "admin")
    with Console(app, admin.email) as console:
        before = console.get("/console").text
        shop = seed(client, database)
        html = console.get("/console").text
    code = shop.channel["code"]
    assert f"({code}): <span data-count>4</span>" in html  # with the other store's order
    assert int(figure(html, "held")) == int(figure(before, "held")) + 1
    assert int(figure(html, "backorder-units")) == int(figure(before, "backorder-units")) + 2
    assert int(figure(html, "out-of-stock")) >= int(figure(before, "out-of-stock")) + 1
    # Each tile leads to the list behind it, with the API's filter names.
    assert re.search(rf'href="/console/orders\?channel={code}&amp;placed_from=[^"]+Z"', html)
    assert 'href="/console/orders?status=backordered"' in html
    assert 'href="/console/exceptions?reason=price"' in html
    assert 'href="/console/orders?at_risk=true"' in html
    assert 'href="/console/exceptions"' in html


def test_the_hourly_axis_follows_the_viewers_time_zone(app, client, database):
    shop = seed(client, database)
    user = make_user(database, "store_associate", locations=[shop.location["id"]])
    with Console(app, user.email) as console:
        console.http.cookies.set("sy_tz", "Asia/Kolkata")
        html = console.get("/console").text
    zone = ZoneInfo("Asia/Kolkata")
    hour = utcnow().astimezone(zone).replace(minute=0, second=0, microsecond=0)
    start = (hour - timedelta(hours=47)).astimezone(UTC)
    assert start.minute == 30  # Kolkata is UTC+05:30: local hours start at :30 UTC
    assert f"placed_from={start:%Y-%m-%dT%H}%3A30%3A00Z" in html
    assert f'<th scope="row">{hour:%d %b %Y, %H:%M}</th><td>3</td>' in html
    assert "hours in Asia/Kolkata" in html


def test_tiles_follow_the_role_scopes(app, client, database):
    shop = seed(client, database)
    merchandiser = make_user(database, "merchandiser")  # orders and stock, no fulfilment
    with Console(app, merchandiser.email) as console:
        html = console.get("/console").text
    assert 'id="tile-stock"' in html and 'id="tile-orders"' in html
    assert 'id="tile-backlog"' not in html
    warehouse = make_user(database, "warehouse", locations=[shop.other_location["id"]])
    with Console(app, warehouse.email) as console:
        html = console.get("/console").text
    assert figure(html, "orders-48h") == "1"  # only the order at their location
    assert figure(html, "held") == "0" and figure(html, "backorder-orders") == "0"
    assert shop.location["code"] not in html


def test_a_new_hold_moves_the_exception_figures(app, client, database):
    shop = seed(client, database)
    sku = make_sku(client, shop.channel, "20.00")
    stock(database, sku, shop.location, 3)
    held_order(client, shop.channel, sku)
    user = make_user(database, "store_associate", locations=[shop.location["id"]])
    with Console(app, user.email) as console:
        html = console.get("/console").text
    assert figure(html, "held") == "2"
    assert bars(html, "chart-exceptions") == [("under 1 hour", "price", 2.0)]
