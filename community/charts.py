"""Charts drawn on the server as SVG with axes, labelled ticks, a value on every point that
shows on hover and on keyboard focus, and the same figures as a table (the text
alternative). One approach for every chart on the site: no script, nothing for the CSP to
allow, readable without CSS.

Render a ``Chart`` with ``{% include "includes/chart.html" with chart=... %}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.text import slugify

WIDTH, HEIGHT = 560, 220
# Room for the y tick labels on the left and the x labels below.
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 36
MAX_X_LABELS = 8


@dataclass
class Point:
    x: float
    y: float
    value: float
    text: str  # what the point says on hover and focus, e.g. "week of 2 Nov: 4"
    bar_height: float = 0.0
    bar_x: float = 0.0  # left edge of the bar
    label_y: float = 0.0


@dataclass
class Series:
    name: str
    points: list[Point]
    css: str  # chart-series-1, -2, ... (colours in hearth.css)
    # "x,y x,y" per unbroken run of values: a line has a gap where a value is missing.
    paths: list[str] = field(default_factory=list)


@dataclass
class Chart:
    title: str
    kind: str  # "line" or "bar"
    id: str
    labels: list[str]
    series: list[Series]
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    bar_width: float = 0.0
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    top: int = TOP

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The data as table rows (label, one formatted value per series)."""
        return [(label, [_format(s.points[i].value, self.unit) if s.points[i] else "–"
                         for s in self.series])
                for i, label in enumerate(self.labels)]

    @property
    def is_empty(self) -> bool:
        return not any(point and point.value for s in self.series for point in s.points)


def _nice_step(top: float, ticks: int = 4) -> float:
    """A step of 1, 2, 2.5 or 5 times a power of ten that covers ``top`` in about ``ticks``."""
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _format(value: float, unit: str) -> str:
    number = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"
    return f"{number}{unit}" if unit == "%" else (f"{number} {unit}" if unit else number)


def _axes(chart: Chart, values: list[float], y_max: float | None) -> tuple[float, float]:
    top_value = y_max if y_max is not None else max([0.0, *values])
    step = _nice_step(top_value or 1)
    top_value = step * math.ceil((top_value or 1) / step)
    plot_height = chart.baseline - chart.top
    chart.y_ticks = [(chart.baseline - plot_height * (i * step) / top_value,
                      _format(i * step, chart.unit if chart.unit == "%" else ""))
                     for i in range(int(round(top_value / step)) + 1)]
    return top_value, plot_height


def _x_positions(chart: Chart, series_count: int) -> list[float]:
    count = len(chart.labels)
    plot_width = chart.right_edge - chart.left
    if chart.kind == "bar":
        slot = plot_width / max(count, 1)
        chart.bar_width = slot * 0.7 / max(series_count, 1)
        return [chart.left + slot * (i + 0.5) for i in range(count)]
    if count == 1:
        return [chart.left + plot_width / 2]
    return [chart.left + plot_width * i / (count - 1) for i in range(count)]


def _runs(points: list[Point | None]) -> list[str]:
    runs, current = [], []
    for point in [*points, None]:
        if point is None:
            if len(current) > 1:
                runs.append(" ".join(current))
            current = []
        else:
            current.append(f"{point.x},{point.y}")
    return runs


def make_chart(*, title: str, labels: list[str], series: dict[str, list[float | None]],
               kind: str = "line", unit: str = "", y_max: float | None = None) -> Chart:
    """A chart of one or more series over ``labels`` (weeks, rewards...). A None value is a
    gap (a line skips it; the table shows a dash). ``y_max`` fixes the top (100 for %)."""
    chart = Chart(title=title, kind=kind, labels=list(labels), series=[], unit=unit,
                  id=f"chart-{slugify(title)}")
    values = [v for vs in series.values() for v in vs if v is not None]
    top_value, plot_height = _axes(chart, values, y_max)
    xs = _x_positions(chart, len(series))
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    chart.x_ticks = [(x, label) for i, (x, label) in enumerate(zip(xs, labels, strict=True))
                     if i % every == 0]
    for n, (name, raw) in enumerate(series.items()):
        points: list[Point | None] = []
        for i, value in enumerate(raw):
            if value is None:
                points.append(None)
                continue
            x = xs[i]
            if kind == "bar":
                x += (n - (len(series) - 1) / 2) * chart.bar_width
            height = plot_height * min(value, top_value) / top_value
            y = chart.baseline - height
            prefix = f"{name}, " if len(series) > 1 else ""
            points.append(Point(x=round(x, 1), y=round(y, 1), value=value,
                                text=f"{prefix}{labels[i]}: {_format(value, unit)}",
                                bar_height=round(height, 1),
                                bar_x=round(x - chart.bar_width / 2, 1), label_y=round(max(y - 6, 10), 1)))
        chart.series.append(Series(name=name, points=points, css=f"chart-series-{n % 4 + 1}",
                                   paths=_runs(points)))
    return chart
