"""`Environment`: the streams and terminal facts the CLI writes through, swappable in tests.

Colour and progress (docs/design.md): colour only when stdout is a terminal, ``NO_COLOR`` is unset
or empty and ``TERM`` is not ``dumb``; spinners only when stderr is a terminal; notes always go to
stderr, never stdout.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from latentcli.core.progress import Progress, no_progress

if TYPE_CHECKING:
    from rich.console import Console


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class ClosedStream(io.TextIOBase):
    """Stands in for a standard stream the process was started without (``>&-``, ``<&-``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _closed(self, *args: object) -> NoReturn:
        raise OSError(errno.EBADF, f"{self.name} is closed")

    write = read = readline = fileno = _closed

    def flush(self) -> None:
        """Nothing was written, so nothing is lost."""


def standard_streams() -> None:
    """Make the process's standard streams safe to use: a closed descriptor is reserved with
    /dev/null (so no file opened later takes its number) and its stream raises a clear error;
    text a stream's encoding cannot represent is replaced instead of crashing the output."""
    for descriptor, name in enumerate(("stdin", "stdout", "stderr")):
        try:
            os.fstat(descriptor)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free number: this one
            setattr(sys, name, ClosedStream(name))
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")


@dataclass
class Environment:
    """Built once per process (by `latentcli.entry`) and handed to every command."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    mid_line: bool = field(default=False, init=False)  # `stream` left stdout's line unfinished

    @property
    def colour(self) -> bool:
        return _isatty(self.stdout) and not os.environ.get("NO_COLOR") and os.environ.get(
            "TERM") != "dumb"

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
        from latentcli.render.escape import escape  # a path or a word in it may hold controls

        print(f"Note: {escape(message)}", file=self.stderr)

    def notes(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.note(message)

    def stream(self, text: str) -> None:
        """Write ``text`` to stdout as it comes (a model writing), escaped by the rule every
        result's text follows (`render.escape`), and shown at once."""
        from latentcli.render.escape import escape

        if text:
            self.stdout.write(escape(text))
            self.stdout.flush()
            self.mid_line = True

    def end_stream(self) -> None:
        """The streamed text is complete: its line ends."""
        if self.mid_line:
            self.stdout.write("\n")
            self.mid_line = False

    def error(self, message: str) -> None:
        from latentcli.render.escape import escape

        print(f"Error: {escape(message)}", file=self.stderr)

    def run(self, action: Callable[[], object]) -> int:
        """Run a command; whatever it raises becomes one ``Error:`` line and an exit code.

        stdout is flushed here, inside the guard, so a full disk or a closed stdout is reported
        like any other failure instead of surfacing at interpreter shutdown. A closed pipe
        (``latent … | head``) ends the command quietly, as Unix tools do.
        """
        try:
            returned = action()
            self.stdout.flush()
        except SystemExit:
            raise
        except BaseException as error:  # the one place failures reach the user
            return self.fail(error)
        return returned if isinstance(returned, int) else 0

    def fail(self, error: BaseException) -> int:
        """Report ``error`` (with its traceback under ``LATENT_DEBUG=1``); its exit code."""
        from latentcli.failures import debugging, describe

        message, code = describe(error)
        if self.mid_line and _isatty(self.stdout):  # the error starts a line of its own
            with suppress(OSError, ValueError):
                self.end_stream()
        self._drop_output()
        with suppress(OSError, ValueError):  # stderr may be closed or full too
            if debugging():
                import traceback

                traceback.print_exception(error, file=self.stderr)
            if message is not None:
                self.error(message)
            self.stderr.flush()
        return code

    def _drop_output(self) -> None:
        """If stdout can no longer be written, point its descriptor at /dev/null, so that the
        interpreter's final flush of what is still buffered cannot fail a second time."""
        try:
            self.stdout.flush()
            return
        except (OSError, ValueError):
            pass
        with suppress(OSError, ValueError):
            descriptor = self.stdout.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, descriptor)
            os.close(devnull)

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

        return console(_drawable(self.stdout), self.colour)


# Bars and sparklines in ASCII, for a stream whose encoding has no block characters.
_ASCII_BLOCKS = str.maketrans({**dict.fromkeys("▏▎▍▁▂▃", " "), **dict.fromkeys("▌▋▊▉█▄▅▆▇", "#")})


class _AsciiBlocks(io.TextIOBase):
    """Writes through to ``stream`` with block characters drawn as ``#``; the rest of what the
    encoding cannot hold is replaced by the stream itself (`standard_streams`)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(text.translate(_ASCII_BLOCKS))

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return _isatty(self.stream)


def _drawable(stream: TextIO) -> TextIO:
    """``stream``, or an ASCII-drawing wrapper if its encoding cannot hold a full block."""
    try:
        "█▏".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return cast(TextIO, _AsciiBlocks(stream))
    return stream
