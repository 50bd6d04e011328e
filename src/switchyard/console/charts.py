"""Server-rendered SVG charts for the console: pure functions from figures to markup.

No script and no external library: the SVG is part of the page, scales with its box
(``viewBox``), and is accessible (``role="img"`` named by its ``<title>`` and ``<desc>``;
each bar or point has its own ``<title>`` with the figure, and pages add the figures as
a table for screen readers). Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind-safe (Okabe-Ito), dark enough on white for the bars and lines.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7f7f7f")
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 34  # the plot area's margins
LEGEND_ROW = 18


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def nice_max(value: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    step = 1.0
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _axes(
    width: int, plot_h: int, y_max: float, unit: str, labels: Sequence[str], every: int
) -> list[str]:
    parts = ['<g class="axis" font-size="10" fill="#5b6472">']
    plot_w = width - LEFT - RIGHT
    for frac in (0, 0.5, 1):
        y = TOP + plot_h - frac * plot_h
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d9dde3" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">'
            f"{escape(_fmt(y_max * frac))}{escape(unit)}</text>"
        )
    n = max(len(labels), 1)
    slot = plot_w / n
    for i, label in enumerate(labels):
        if label and (i % every == 0):
            x = LEFT + slot * i + slot / 2
            parts.append(
                f'<text class="x-label" x="{x:.1f}" y="{TOP + plot_h + 12}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</g>")
    return parts


def _legend(series: Sequence[Series], width: int, y: float) -> list[str]:
    parts = ['<g class="legend" font-size="11" fill="#1d2430">']
    x = float(LEFT)
    for i, s in enumerate(series):
        size = 14 + 7 * len(s.name) + 16
        if x + size > width and x > LEFT:
            x, y = float(LEFT), y + LEGEND_ROW
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour(i)}"/>'
        )
        parts.append(f'<text x="{x + 14:.1f}" y="{y:.1f}">{escape(s.name)}</text>')
        x += size
    parts.append("</g>")
    return parts


def _legend_rows(series: Sequence[Series], width: int) -> int:
    rows, x = 1, float(LEFT)
    for s in series:
        size = 14 + 7 * len(s.name) + 16
        if x + size > width and x > LEFT:
            rows, x = rows + 1, float(LEFT)
        x += size
    return rows if series else 0


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    every: int = 1,
    width: int = 640,
    height: int = 200,
    unit: str = "",
) -> Markup:
    """One stacked bar per label, one segment per series (``None`` counts as 0).

    Each segment is a ``<rect class="bar">`` with ``data-series``, ``data-label`` and
    ``data-value`` and a ``<title>`` saying the figure; empty segments are left out.
    """
    legend_h = _legend_rows(series, width) * LEGEND_ROW
    total_h = height + legend_h
    plot_h = height - TOP - BOTTOM
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    y_max = nice_max(max(totals, default=0))
    parts = _open(chart_id, title, desc, width, total_h)
    parts += _axes(width, plot_h, y_max, unit, labels, every)
    n = max(len(labels), 1)
    slot = (width - LEFT - RIGHT) / n
    bar_w = min(max(slot * 0.8, 1.0), 48.0)
    parts.append('<g class="bars">')
    for i, label in enumerate(labels):
        base = 0.0
        x = LEFT + slot * i + (slot - bar_w) / 2
        for k, s in enumerate(series):
            value = s.values[i] or 0
            if value <= 0:
                continue
            h = value / y_max * plot_h
            y = TOP + plot_h - base - h
            parts.append(
                f'<rect class="bar" x="{x:.2f}" y="{y:.2f}" width="{bar_w:.2f}" '
                f'height="{h:.2f}" fill="{colour(k)}" data-series="{escape(s.name)}" '
                f'data-label="{escape(label)}" data-value="{escape(_fmt(value))}">'
                f"<title>{escape(label)}, {escape(s.name)}: {escape(_fmt(value))}{escape(unit)}"
                "</title></rect>"
            )
            base += h
    parts.append("</g>")
    parts += _legend(series, width, height + 4)
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_max: float = 100,
    unit: str = "%",
    every: int = 1,
    width: int = 640,
    height: int = 200,
) -> Markup:
    """One line per series over the labels; ``None`` (no figure that day) breaks the line.

    Each figure is a ``<circle class="point">`` with ``data-series``, ``data-label``,
    ``data-value`` and a ``<title>``.
    """
    legend_h = _legend_rows(series, width) * LEGEND_ROW
    plot_h = height - TOP - BOTTOM
    parts = _open(chart_id, title, desc, width, height + legend_h)
    parts += _axes(width, plot_h, y_max, unit, labels, every)
    n = max(len(labels), 1)
    slot = (width - LEFT - RIGHT) / n
    for k, s in enumerate(series):
        parts.append(f'<g class="line" data-series="{escape(s.name)}">')
        runs: list[list[tuple[float, float]]] = [[]]
        points: list[str] = []
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x = LEFT + slot * i + slot / 2
            y = TOP + plot_h - min(max(value, 0), y_max) / y_max * plot_h
            runs[-1].append((x, y))
            label = labels[i] if i < len(labels) else ""
            points.append(
                f'<circle class="point" cx="{x:.2f}" cy="{y:.2f}" r="3" fill="{colour(k)}" '
                f'data-series="{escape(s.name)}" data-label="{escape(label)}" '
                f'data-value="{escape(_fmt(value))}"><title>{escape(label)}, {escape(s.name)}: '
                f"{escape(_fmt(value))}{escape(unit)}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.2f},{y:.2f}" for x, y in run)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour(k)}" stroke-width="2"/>'
                )
        parts += points
        parts.append("</g>")
    parts += _legend(series, width, height + 4)
    parts.append("</svg>")
    return Markup("".join(parts))
