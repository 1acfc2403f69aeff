"""How many threads BLAS (and, if asked, OpenMP) may use inside a ``with`` block: one helper for
every caller, so the process's thread pools are looked up once."""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    """The thread pools of the libraries loaded so far (found once: the search walks every
    loaded library)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def limited(threads: int = 1, openmp: bool = False) -> AbstractContextManager[object]:
    """A context in which BLAS runs on at most ``threads`` threads (and OpenMP too if
    ``openmp``); the previous limits come back on leaving it."""
    limiter: AbstractContextManager[object] = _controller().limit(
        limits=threads, user_api=None if openmp else "blas")
    return limiter
