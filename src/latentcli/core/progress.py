"""How long work tells its caller what it is doing: `Progress` (how far it has got: a terminal
bar, or nothing) and `Reporter` (notes, spinners and bars: stderr in the CLI, quiet in the
API)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol


class Progress(Protocol):
    """Called with the units done so far and, when it is known or changes, the total."""

    def __call__(self, done: int, total: int | None = None, /) -> None: ...


def no_progress(done: int, total: int | None = None, /) -> None:
    """The `Progress` of work nobody watches."""


class Reporter(Protocol):
    """Where model loading tells the user what it is doing (stderr, in the CLI)."""

    def note(self, message: str) -> None: ...

    def working(self, message: str) -> AbstractContextManager[None]: ...

    def progress(self, message: str, total: int | None,
                 in_bytes: bool = True) -> AbstractContextManager[Progress]: ...
