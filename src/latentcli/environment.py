"""`Environment`: the streams and terminal facts the CLI writes through, swappable in tests.

Colour and progress (docs/design.md): colour only when stdout is a terminal and ``NO_COLOR`` is
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

from latentcli.core.progress import Progress, no_progress

if TYPE_CHECKING:
    from rich.console import Console


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@dataclass
class Environment:
    """Built once per process (by `latentcli.entry`) and handed to every command."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)

    @property
    def colour(self) -> bool:
        return _isatty(self.stdout) and "NO_COLOR" not in os.environ

    @property
    def interactive(self) -> bool:
        """Someone is at a terminal, reading stdout and typing on stdin (worth pausing for)."""
        return _isatty(self.stdout) and _isatty(self.stdin)

    def ask_to_continue(self) -> bool:
        """Between sections of the tour: Enter goes on; q, or the end of input, stops."""
        print("[Enter: next section, q: quit] ", end="", file=self.stdout, flush=True)
        answer = self.stdin.readline()
        return bool(answer) and answer.strip().lower() not in ("q", "quit")

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
        from latentcli.render.terminal import spinner

        with spinner(self.stderr, message):
            yield

    @contextmanager
    def progress(self, message: str, total: int | None,
                 in_bytes: bool = True) -> Iterator[Progress]:
        """A bar on stderr (bytes done and time left, or a count) fed by the `Progress` it yields.

        Silent (the callback does nothing) when stderr is not a terminal.
        """
        if not _isatty(self.stderr):
            yield no_progress
            return
        from latentcli.render.terminal import progress_bar

        with progress_bar(self.stderr, message, total, in_bytes) as update:
            yield update

    def console(self) -> Console:
        from latentcli.render.terminal import console

        return console(self.stdout, self.colour)
