"""Worker threads for everything slower than a neighbours query (maps, clusters, explanations,
saving), so typing never waits for them.

A job's answer is dropped when a newer job of the same name started meanwhile (the query moved
on), and a loading indicator covers the job's panel once it has taken longer than `LOADING_AFTER`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from textual.app import App
from textual.widget import Widget
from textual.worker import get_current_worker

from latentcli.errors import LatentError
from latentcli.networks.threads import limited

LOADING_AFTER = 0.1  # seconds: the interaction budget; past it a spinner shows work is going on
T = TypeVar("T")


class Jobs:
    """Runs computations in threads for ``app``; ``failed`` shows a `LatentError`'s message."""

    def __init__(self, app: App[Any], failed: Callable[[str], None],
                 timings: dict[str, float]) -> None:
        self.app, self.failed, self.timings = app, failed, timings
        self.generations: dict[str, int] = {}

    def run(self, name: str, compute: Callable[[], T], done: Callable[[T], object],
            busy: Widget) -> None:
        """``done(compute())`` on the event loop, unless a newer job called ``name`` started."""
        generation = self.generations[name] = self.generations.get(name, 0) + 1
        timer = self.app.set_timer(LOADING_AFTER, lambda: setattr(busy, "loading", True))

        def finish(result: T | None, error: str | None, seconds: float) -> None:
            timer.stop()
            busy.loading = False
            if generation != self.generations[name]:
                return
            self.timings[name] = seconds
            if result is None:
                self.failed(error or "")
            else:
                done(result)

        def work() -> None:
            started = time.perf_counter()
            result: T | None = None
            error: str | None = None
            try:
                with _single_threaded():
                    result = compute()
            except LatentError as problem:
                error = str(problem)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(finish, result, error, time.perf_counter() - started)

        self.app.run_worker(work, thread=True, group=name)


def _single_threaded() -> AbstractContextManager[object]:
    """One thread for BLAS and OpenMP: on a dozen words, starting threads costs more than the
    arithmetic (docs/design.md, "The explorer computes nothing")."""
    return limited(1, openmp=True)
