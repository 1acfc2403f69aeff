"""How many threads BLAS (and, if asked, OpenMP) may use inside a ``with`` block: one helper for
every caller, so the process's thread pools are looked up once, not at every call."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller(modules: int) -> ThreadpoolController:
    """The thread pools of the libraries loaded when ``modules`` Python modules were (the search
    walks every loaded library; a module imported since may have loaded another, such as
    scikit-learn's OpenMP, so a new count searches again)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def limited(threads: int = 1, openmp: bool = False) -> AbstractContextManager[object]:
    """A context in which BLAS runs on at most ``threads`` threads (and OpenMP too if
    ``openmp``); the previous limits come back on leaving it."""
    limiter: AbstractContextManager[object] = _controller(len(sys.modules)).limit(
        limits=threads, user_api=None if openmp else "blas")
    return limiter
