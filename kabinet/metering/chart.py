"""Geometry of the monthly consumption chart, drawn as SVG by the template (no JavaScript).

The page's content security policy forbids style attributes, so the template draws with
presentation attributes (x, y, width, height, fill) computed here.
"""

from dataclasses import dataclass
from decimal import Decimal

from .consumption import MonthShare

WIDTH = 640
HEIGHT = 240
TOP = 24
BOTTOM = 40
LEFT = 8
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Bar:
    share: MonthShare
    x: int
    y: int
    width: int
    height: int
    label_x: int
    complete: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM
    label_y: int = HEIGHT - BOTTOM + 18
    year_y: int = HEIGHT - BOTTOM + 34


def monthly_chart(shares: list[MonthShare]) -> Chart:
    """Return bars for `shares`, the tallest filling the plot's height."""
    if not shares:
        return Chart(bars=[])
    largest = max((share.consumption for share in shares), default=Decimal(0))
    slot = (WIDTH - 2 * LEFT) // len(shares)
    bar_width = max(4, slot * 2 // 3)
    bars = []
    for index, share in enumerate(shares):
        height = int(share.consumption / largest * PLOT_HEIGHT) if largest > 0 else 0
        if share.consumption > 0:
            height = max(height, 1)
        x = LEFT + index * slot + (slot - bar_width) // 2
        bars.append(
            Bar(
                share=share,
                x=x,
                y=TOP + PLOT_HEIGHT - height,
                width=bar_width,
                height=height,
                label_x=x + bar_width // 2,
                complete=share.complete,
            )
        )
    return Chart(bars=bars)
