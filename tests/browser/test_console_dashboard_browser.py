"""The home dashboard in chromium: the charts render with the seeded figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from tests.browser.conftest import TABLET, Desk
from tests.console.dashboard_seed import seed
from tests.console.staff import make_user


def _bars(page: Page, chart: str) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        f"#{chart} rect.bar",
        """rects => rects.map(r => ({
            series: r.dataset.series, label: r.dataset.label,
            value: Number(r.dataset.value), height: r.getBBox().height,
            shown: r.getBoundingClientRect().height }))""",
    )


def test_the_dashboard_charts_render_the_seeded_figures(
    desk: Desk, live_url, client, database, tmp_path: Path
):
    shop = seed(client, database)
    user = make_user(database, "store_associate", locations=[shop.location["id"]])

    def look(page: Page) -> dict[str, Any]:
        page.goto("/console")
        return {
            "title": page.title(),
            "charts": page.locator("svg.chart").count(),
            "orders": _bars(page, "chart-orders"),
            "backlog": _bars(page, "chart-backlog"),
            "stock": _bars(page, "chart-stock"),
            "points": page.eval_on_selector_all(
                "#chart-rates circle.point",
                "cs => cs.map(c => [c.dataset.series, c.dataset.value])",
            ),
            "name": page.locator("#chart-orders").get_attribute("aria-labelledby"),
            "x_labels": page.locator("#chart-orders text.x-label").count(),
            "scroll": page.evaluate("document.scrollingElement.scrollWidth"),
            "width": page.evaluate("window.innerWidth"),
        }

    seen = desk.act(live_url, user.email, look, device=TABLET, screenshot=tmp_path / "home.png")
    assert seen["title"].startswith("Home")
    assert seen["charts"] == 5  # orders, rates, exceptions, stock, backlog
    assert seen["name"] == "chart-orders-title chart-orders-desc"
    assert seen["x_labels"] == 8  # every sixth of the 48 hours
    ((bar,),) = [seen["orders"]]
    assert (bar["series"], bar["value"]) == (shop.channel["code"], 3) and bar["shown"] > 0
    # The y axis runs to 5 (the next round figure above 3): the bar is 3/5 of the plot.
    plot = 200 - 10 - 34
    assert abs(bar["height"] - 3 / 5 * plot) < 0.5
    (backlog,) = seen["backlog"]
    assert (backlog["label"], backlog["value"]) == (shop.location["code"], 2)
    assert abs(backlog["height"] - 2 / 2 * plot) < 0.5
    assert sorted((b["series"], b["value"]) for b in seen["stock"]) == [
        ("below safety stock", 1),
        ("out of stock", 1),
    ]
    assert ["Fill rate", "50"] in seen["points"] and ["On time", "100"] in seen["points"]
    assert seen["scroll"] <= seen["width"]  # no sideways scrolling on a tablet
