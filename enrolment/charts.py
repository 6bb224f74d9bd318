"""Bar charts drawn on the server as SVG: no JavaScript, no style attribute (the CSP allows neither inline script
nor inline style), only presentation attributes. Each chart is drawn from a dashboard table whose data table is
shown next to it: the SVG is the picture, the table is what screen readers and the CSV read."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
LABEL_HEIGHT = 18  # the label sits above its bar: training titles are long
BAR_HEIGHT = 16
GAP = 10
VALUE_SPACE = 90  # room right of the longest bar for its value
COLOUR = "#000091"


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    label_y: int
    bar_y: int
    width: Decimal
    value_x: Decimal
    value_y: int


def horizontal_bars(items, *, maximum=None, max_rows=None):
    """The geometry of a chart of `items`, (label, value, value_text) triples; None values draw no bar.

    Bars are scaled to `maximum` (100 for a rate) or to the largest value. Returns a dict for the template:
    width, height, bar_height, colour and the bars.
    """
    items = list(items)[:max_rows] if max_rows else list(items)
    values = [Decimal(value) for _, value, _ in items if value is not None]
    scale_to = Decimal(maximum) if maximum else max(values, default=Decimal(0))
    room = WIDTH - VALUE_SPACE
    bars = []
    y = 0
    for label, value, value_text in items:
        length = (Decimal(value) / scale_to * room).quantize(Decimal("0.1")) if value and scale_to else Decimal(0)
        bar_y = y + LABEL_HEIGHT
        bars.append(
            Bar(
                label=label,
                value_text=value_text,
                label_y=y + LABEL_HEIGHT - 5,
                bar_y=bar_y,
                width=length,
                value_x=length + 6,
                value_y=bar_y + BAR_HEIGHT - 3,
            )
        )
        y = bar_y + BAR_HEIGHT + GAP
    return {"width": WIDTH, "height": max(y - GAP, 1), "bar_height": BAR_HEIGHT, "colour": COLOUR, "bars": bars}
