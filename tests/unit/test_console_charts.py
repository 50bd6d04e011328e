"""The console's SVG charts: pure functions from figures to accessible, escaped markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from switchyard.console.charts import Series, line_chart, nice_max, stacked_bars

NS = {"s": "http://www.w3.org/2000/svg"}


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (3, 5), (5, 5), (7, 10), (11, 20), (260, 500)]
)
def test_nice_max_rounds_up_to_one_two_or_five(value, expected):
    assert nice_max(value) == expected


def test_stacked_bars_have_one_rect_per_non_empty_segment_scaled_to_the_axis():
    svg = _svg(
        stacked_bars(
            "c1",
            "Orders",
            "two channels",
            ["08:00", "09:00", "10:00"],
            [Series("web", [2, 0, 4]), Series("pos", [1, None, 1])],
        )
    )
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find("s:title", NS).text == "Orders"
    assert svg.find("s:desc", NS).text == "two channels"
    rects = svg.findall(".//s:rect[@class='bar']", NS)
    found = [(r.get("data-label"), r.get("data-series"), r.get("data-value")) for r in rects]
    assert found == [("08:00", "web", "2"), ("08:00", "pos", "1"), ("10:00", "web", "4"),
                     ("10:00", "pos", "1")]  # fmt: skip
    plot = 200 - 10 - 34  # the y axis runs to 5, the tallest stack's next round figure
    heights = [float(r.get("height")) for r in rects]
    assert heights == pytest.approx([2 / 5 * plot, 1 / 5 * plot, 4 / 5 * plot, 1 / 5 * plot])
    assert rects[0].find("s:title", NS).text == "08:00, web: 2"
    # The segments of one bar sit on each other.
    assert float(rects[1].get("y")) + heights[1] == pytest.approx(float(rects[0].get("y")))
    legend = [t.text for t in svg.findall(".//s:g[@class='legend']/s:text", NS)]
    assert legend == ["web", "pos"]
    axis = [t.text for t in svg.findall(".//s:g[@class='axis']/s:text", NS)]
    assert axis[:3] == ["0", "2.5", "5"] and axis[3:] == ["08:00", "09:00", "10:00"]


def test_labels_are_thinned_and_everything_is_escaped():
    markup = stacked_bars(
        "c2", 'A <b>"quoted"</b>', "x & y", [f"h{i}" for i in range(12)],
        [Series("<script>", [1] * 12)], every=6,
    )  # fmt: skip
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "<b>" not in markup and "x &amp; y" in markup
    svg = _svg(markup)
    assert [t.text for t in svg.findall(".//s:text[@class='x-label']", NS)] == ["h0", "h6"]


def test_an_empty_chart_still_renders_its_axes():
    svg = _svg(stacked_bars("c3", "Nothing", "no data", ["a", "b"], []))
    assert svg.findall(".//s:rect[@class='bar']", NS) == []
    assert [t.text for t in svg.findall(".//s:g[@class='axis']/s:text", NS)][:3] == [
        "0",
        "0.5",
        "1",
    ]


def test_line_chart_breaks_at_missing_figures():
    svg = _svg(
        line_chart(
            "c4", "Rates", "fill", ["d1", "d2", "d3", "d4"],
            [Series("Fill rate", [50, 100, None, 25])],
        )
    )  # fmt: skip
    points = svg.findall(".//s:circle[@class='point']", NS)
    assert [p.get("data-value") for p in points] == ["50", "100", "25"]
    plot = 200 - 10 - 34
    assert float(points[1].get("cy")) == pytest.approx(10)  # 100 % at the top
    assert float(points[0].get("cy")) == pytest.approx(10 + plot / 2)
    lines = svg.findall(".//s:polyline", NS)
    assert len(lines) == 1  # d1-d2; d4 stands alone after the gap
    assert len(re.findall(r"[\d.]+,[\d.]+", lines[0].get("points"))) == 2
    assert points[2].find("s:title", NS).text == "d4, Fill rate: 25%"
