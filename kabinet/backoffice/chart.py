"""Geometry of the dashboard's readings-per-day chart, drawn as SVG by the template.

The content security policy forbids style attributes, so the template draws with presentation
attributes (x, y, width, height) computed here.
"""

from dataclasses import dataclass

from .selectors import DayCount

WIDTH = 640
HEIGHT = 200
TOP = 20
BOTTOM = 24
LEFT = 4
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class DayBar:
    day: DayCount
    x: int
    y: int
    width: int
    height: int
    label_x: int
    labelled: bool


@dataclass(frozen=True)
class DayChart:
    bars: list[DayBar]
    largest: int
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM
    label_y: int = HEIGHT - BOTTOM + 16


def daily_chart(days: list[DayCount]) -> DayChart:
    """Return one bar per day, the busiest day filling the plot's height."""
    if not days:
        return DayChart(bars=[], largest=0)
    largest = max(day.count for day in days)
    slot = (WIDTH - 2 * LEFT) // max(len(days), 1)
    bar_width = max(3, slot * 3 // 4)
    bars = []
    for index, day in enumerate(days):
        height = day.count * PLOT_HEIGHT // largest if largest else 0
        if day.count:
            height = max(height, 1)
        x = LEFT + index * slot + (slot - bar_width) // 2
        bars.append(
            DayBar(
                day=day,
                x=x,
                y=TOP + PLOT_HEIGHT - height,
                width=bar_width,
                height=height,
                label_x=x + bar_width // 2,
                # Every fifth day and the first carry a label; thirty would overlap.
                labelled=day.day.day == 1 or day.day.day % 5 == 0,
            )
        )
    return DayChart(bars=bars, largest=largest)
