"""Counts a user chose, and counts left at their default, which must fit any model.

``-n 10`` typed on a 3-word model is a mistake worth reporting; the same 10 as a default is not
the user's doing, so it shrinks to what the model has. Both front doors mark a count the user did
not give as `Default`; the core fits every count with `fit`. `within` and `between` are the one
range check for numbers the command line and the Python API both take; they name a number by its
Python parameter (``seed``), which the command line says as its flag (``--seed``).
"""

from __future__ import annotations

import math

from latentcli.errors import CountError, RangeError

SEEDS = 2**32  # a random seed is a whole number in 0..2**32-1, as numpy and scikit-learn take


class Default(int):
    """A count the user did not give (an option's default): clamped, never refused."""


def fit(value: int, available: int, option: str, what: str) -> int:
    """``value`` if 1 <= value <= ``available``; a `Default` is clamped; else a `CountError`."""
    if isinstance(value, Default):
        return max(1, min(int(value), available))
    within(value, 1, None, option)
    if value > available:
        raise CountError(option, f"{value} is more than the {available} {what}")
    return int(value)


def within(value: int, low: int, high: int | None, option: str) -> int:
    """``value`` if ``low <= value`` (and ``<= high``, if given); else a `CountError` naming
    ``option``."""
    if value < low or (high is not None and value > high):
        bound = f"at least {low}" if high is None else f"between {low} and {high}"
        raise CountError(option, f"must be {bound}, not {value}")
    return int(value)


def between(value: float, low: float, high: float, option: str, *, above: bool = False) -> float:
    """``value`` if it is finite and ``low <= value <= high`` (``above``: ``low < value``); else a
    `RangeError` naming ``option``."""
    inside = math.isfinite(value) and (low < value if above else low <= value) and value <= high
    if not inside:
        bound = (f"above {low:g} and at most {high:g}" if above
                 else f"at least {low:g}" if high == math.inf
                 else f"between {low:g} and {high:g}")
        raise RangeError(option, f"must be {'a finite number ' if high == math.inf else ''}"
                                 f"{bound}, not {value:g}")
    return float(value)
