"""The one way latent draws a number as a bar, and a vector as a strip.

Every bar starts at zero and is as long as the value (``full`` fills ``width`` cells), so bars in
different commands compare. When a column holds negative values, a zero axis ``│`` is drawn and
negative bars grow to its left, positive ones to its right: the sign reads from the position,
without colour (a printout, ``NO_COLOR``). The strip of a vector does the same on two rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text

BAR_WIDTH = 20
AXIS = "│"
_EIGHTHS = " ▏▎▍▌▋▊▉"  # partial blocks that grow from the left
_UP = "▁▄█"  # strip, above zero: small, middling, large
_DOWN = "▔▀█"  # strip, below zero: the same sizes hanging from the top of the cell


def _cells(value: float, full: float, width: int) -> float:
    return min(abs(value) / full, 1.0) * width


def _rightward(value: float, full: float, width: int) -> str:
    eighths = round(_cells(value, full, width) * 8)
    whole, part = divmod(eighths, 8)
    return "█" * whole + (_EIGHTHS[part] if part else "")


def _leftward(value: float, full: float, width: int) -> str:
    """Only a right half-block exists for bars growing leftward, so these round to half cells."""
    halves = round(_cells(value, full, width) * 2)
    whole, half = divmod(halves, 2)
    return ("▐" if half else "") + "█" * whole


def bars(values: Sequence[float], width: int = BAR_WIDTH, full: float = 1.0) -> list[str]:
    """One bar per value of a column, on the same scale; an axis appears if any is negative."""
    left = max((math.ceil(_cells(v, full, width)) for v in values if v < 0), default=0)
    if not left:
        return [_rightward(v, full, width) for v in values]
    return [(_leftward(v, full, width).rjust(left) + AXIS) if v < 0
            else " " * left + AXIS + _rightward(v, full, width) for v in values]


def bar(value: float, width: int = BAR_WIDTH, full: float = 1.0) -> str:
    """A single value's bar (see `bars`)."""
    return bars([value], width, full)[0]


def heat_strip(values: Sequence[float], colour: bool) -> tuple[Text, Text]:
    """One column per dimension on two rows: above zero on the upper row, below on the lower.

    The height (three sizes, relative to the largest magnitude) says how large; the row says the
    sign, so the strip reads in black and white; on a colour terminal positives are also red and
    negatives blue.
    """
    reach = max((abs(v) for v in values), default=0.0) or 1.0
    upper, lower = Text(), Text()
    for value in values:
        size = min(len(_UP) - 1, int(abs(value) / reach * len(_UP)))
        up, down = (_UP[size], " ") if value >= 0 else (" ", _DOWN[size])
        style = ("red" if value >= 0 else "blue") if colour else ""
        upper.append(up, style=style)
        lower.append(down, style=style)
    return upper, lower
