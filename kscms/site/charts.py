"""Inline SVG charts as geometry: Python computes positions, `partials/_*.svg` templates draw them.

Every chart has a title (`<title>`, `role="img"`) and the page shows its numbers as a table too, so
the chart adds nothing that a screen reader would miss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 250
VALUE_WIDTH = 60
TOP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: float
    text_y: int


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars: one row per label."""

    id: str
    title: str
    width: int
    height: int
    label_width: int
    bars: tuple[Bar, ...]
    bar_height: int = BAR_HEIGHT


def bar_chart(
    chart_id: str, title: str, rows: Sequence[tuple[str, float, str]], scale_max: float | None = None
) -> BarChart:
    """rows: (label, value, value as text); bars scale to `scale_max` (default: the largest value)."""
    top = scale_max or max((v for _l, v, _t in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = tuple(
        Bar(
            label=label if len(label) <= 34 else label[:33] + "…",
            value_text=text,
            y=TOP + i * (BAR_HEIGHT + GAP),
            width=round(max(value, 0) / top * span, 1),
            text_y=TOP + i * (BAR_HEIGHT + GAP) + BAR_HEIGHT - 6,
        )
        for i, (label, value, text) in enumerate(rows)
    )
    height = TOP * 2 + max(1, len(rows)) * (BAR_HEIGHT + GAP)
    return BarChart(chart_id, title, WIDTH, height, LABEL_WIDTH, bars)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class ParetoChart:
    """Columns (signals per customer, descending) and the cumulative share as a line (0-100 %)."""

    id: str
    title: str
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    plot_right: int
    columns: tuple[Column, ...]
    line: str
    """SVG `points` of the cumulative line."""
    marker_y: float
    """y of the 80 % line."""


def pareto_chart(
    chart_id: str, title: str, counts: Sequence[tuple[str, int]], limit: int = 40
) -> ParetoChart:
    """counts: (customer, signals) sorted descending; shows the first `limit` customers."""
    width, height, left, right, top, bottom = WIDTH, 260, 40, WIDTH - 40, 10, 230
    total = sum(c for _k, c in counts) or 1
    shown = list(counts[:limit])
    step = (right - left) / max(1, len(shown))
    peak = max((c for _k, c in shown), default=1) or 1
    columns = []
    points = []
    running = 0
    for i, (key, count) in enumerate(shown):
        h = count / peak * (bottom - top)
        x = left + i * step
        columns.append(
            Column(round(x + step * 0.1, 1), round(bottom - h, 1), round(step * 0.8, 1), round(h, 1), key)
        )
        running += count
        share = running / total
        points.append(f"{round(x + step / 2, 1)},{round(bottom - share * (bottom - top), 1)}")
    marker = round(bottom - 0.8 * (bottom - top), 1)
    return ParetoChart(
        chart_id, title, width, height, top, bottom, left, right, tuple(columns), " ".join(points), marker
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    label_x: float
    anchor: str


@dataclass(frozen=True)
class MatrixChart:
    """Importance (x, 0 to the largest weight) against rating (y, 0-10), split into four quadrants."""

    id: str
    title: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    mid_x: float
    mid_y: float
    points: tuple[Point, ...]
    x_label: str
    y_label: str


def matrix_chart(
    chart_id: str, title: str, rows: Sequence[tuple[str, float, float]], x_label: str, y_label: str
) -> MatrixChart:
    """rows: (element, importance 0-1, rating 0-10)."""
    width, height, left, right, top, bottom = WIDTH, 360, 50, WIDTH - 20, 15, 315
    max_x = max((imp for _e, imp, _r in rows), default=1) or 1
    max_x = max_x * 1.1
    mean_imp = sum(imp for _e, imp, _r in rows) / len(rows) if rows else max_x / 2
    mean_rating = sum(r for _e, _i, r in rows) / len(rows) if rows else 5

    def px(imp: float) -> float:
        return round(left + imp / max_x * (right - left), 1)

    def py(rating: float) -> float:
        return round(bottom - rating / 10 * (bottom - top), 1)

    points = []
    for element, imp, rating in rows:
        x = px(imp)
        right_half = x > (left + right) / 2
        points.append(
            Point(
                x,
                py(rating),
                element,
                round(x - 8 if right_half else x + 8, 1),
                "end" if right_half else "start",
            )
        )
    return MatrixChart(
        chart_id,
        title,
        width,
        height,
        left,
        right,
        top,
        bottom,
        px(mean_imp),
        py(mean_rating),
        tuple(points),
        x_label,
        y_label,
    )
