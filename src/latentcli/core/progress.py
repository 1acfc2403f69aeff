"""`Progress`: how long work tells its caller how far it has got (a terminal bar, or nothing)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called with the units done so far and, when it is known or changes, the total."""

    def __call__(self, done: int, total: int | None = None, /) -> None: ...


def no_progress(done: int, total: int | None = None, /) -> None:
    """The `Progress` of work nobody watches."""
