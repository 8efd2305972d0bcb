"""Bar charts drawn on the server as SVG geometry: no chart library, no script, and the
Content-Security-Policy stays strict."""

from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    label_x: float


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    axis_y: float


def bar_chart(rows: list[tuple[str, int]], *, width: int = 560, height: int = 200) -> BarChart:
    top, bottom = 16, 24
    plot = height - top - bottom
    peak = max([value for _label, value in rows] + [1])
    slot = width / max(len(rows), 1)
    bars = []
    for index, (label, value) in enumerate(rows):
        bar_height = plot * value / peak
        x = index * slot + slot * 0.15
        bars.append(Bar(x=round(x, 1), y=round(top + plot - bar_height, 1), width=round(slot * 0.7, 1),
                        height=round(bar_height, 1), label=label, value=value,
                        label_x=round(index * slot + slot / 2, 1)))
    return BarChart(width=width, height=height, bars=bars, axis_y=height - 8)
