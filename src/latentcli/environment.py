"""`Environment`: the streams and terminal facts the CLI writes through, swappable in tests.

Colour and progress follow DESIGN.md: colour only when stdout is a terminal and ``NO_COLOR`` is
unset; spinners only when stderr is a terminal; notes always go to stderr, never stdout.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    @property
    def colour(self) -> bool:
        return _isatty(self.stdout) and "NO_COLOR" not in os.environ

    @property
    def interactive(self) -> bool:
        """Someone is watching stdout (so it is worth pausing for them)."""
        return _isatty(self.stdout)

    def ask_to_continue(self) -> bool:
        """Between sections of the tour: Enter goes on; q, or the end of input, stops."""
        print("[Enter: next section, q: quit] ", end="", file=self.stdout, flush=True)
        try:
            answer = input()
        except EOFError:
            return False
        return answer.strip().lower() not in ("q", "quit")

    def note(self, message: str) -> None:
        print(f"Note: {message}", file=self.stderr)

    def notes(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.note(message)

    def error(self, message: str) -> None:
        print(f"Error: {message}", file=self.stderr)

    def run(self, action: Callable[[], object]) -> int:
        """Run a command; a `LatentError` becomes one ``Error:`` line and its exit code.

        A closed pipe (``latent … | head``) ends the command quietly, as Unix tools do.
        """
        from latentcli.errors import LatentError

        try:
            returned = action()
        except LatentError as error:
            self.error(str(error))
            return error.exit_code
        except OSError as error:
            if not isinstance(error, BrokenPipeError) and error.errno != errno.EPIPE:
                raise
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 1
        return returned if isinstance(returned, int) else 0

    @contextmanager
    def working(self, message: str) -> Iterator[None]:
        """A spinner on stderr while a slow step runs; silent when stderr is not a terminal."""
        if not _isatty(self.stderr):
            yield
            return
        from rich.console import Console

        with Console(file=self.stderr).status(message):
            yield

    @contextmanager
    def progress(self, message: str, total: int | None) -> Iterator[Callable[[int], None]]:
        """A bar with bytes done and time left on stderr, fed by the callback it yields.

        Silent (the callback does nothing) when stderr is not a terminal.
        """
        if not _isatty(self.stderr):
            yield lambda done: None
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                   TimeRemainingColumn())
        with Progress(*columns, console=Console(file=self.stderr), transient=True) as bar:
            task = bar.add_task(message, total=total)
            yield lambda done: bar.update(task, completed=done)

    def console(self) -> Console:
        from rich.console import Console

        return Console(file=self.stdout, force_terminal=self.colour, no_color=not self.colour,
                       highlight=False, soft_wrap=False)
