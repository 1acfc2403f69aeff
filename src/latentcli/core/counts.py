"""Counts a user chose, and counts left at their default, which must fit any model.

``-n 10`` typed on a 3-word model is a mistake worth reporting; the same 10 as a default is not
the user's doing, so it shrinks to what the model has. Both front doors mark a count the user did
not give as `Default`; the core fits every count with `fit`.
"""

from __future__ import annotations

from latentcli.errors import UsageError


class Default(int):
    """A count the user did not give (an option's default): clamped, never refused."""


def fit(value: int, available: int, option: str, what: str) -> int:
    """``value`` if 1 <= value <= ``available``; a `Default` is clamped; else a `UsageError`."""
    if isinstance(value, Default):
        return max(1, min(int(value), available))
    if value < 1:
        raise UsageError(f"{option} must be at least 1, not {value}")
    if value > available:
        raise UsageError(f"{option} {value} is more than the {available} {what}")
    return int(value)
