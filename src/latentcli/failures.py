"""Every way a run can end badly, as one ``Error:`` line and an exit code.

`Environment.run` hands whatever escaped a command to `describe`, so a user never sees a
traceback by default: a `LatentError` says its own message (exit 1, or 2 for usage), Ctrl-C and
termination signals exit 128 + the signal, an I/O error names its cause and file, a broken pipe is
quiet, and anything unexpected is still one line that points at ``LATENT_DEBUG=1``.
"""

from __future__ import annotations

import errno
import os
import signal

DEBUG_ENVVAR = "LATENT_DEBUG"
INTERRUPTED = 128 + signal.SIGINT


class Terminated(BaseException):
    """A signal arrived (SIGTERM, SIGHUP; or Ctrl-C, carried past Typer, which would swallow it):
    unwinds like Ctrl-C, so ``finally`` blocks remove half-built cache entries."""

    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__("interrupted" if number == signal.SIGINT
                         else f"terminated by {signal.Signals(number).name}")


def _terminate(number: int, frame: object) -> None:
    raise Terminated(number)


def catch_termination() -> None:
    """Turn SIGTERM/SIGHUP into `Terminated`, so ``finally`` blocks run (as for Ctrl-C)."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(number) == signal.SIG_DFL:
            signal.signal(number, _terminate)


def broken_pipe(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno == errno.EPIPE


def debugging() -> bool:
    return os.environ.get(DEBUG_ENVVAR, "") not in ("", "0")


def os_message(error: OSError) -> str:
    """``reason: file`` (the file's name is often the only clue: a long path, a cache entry)."""
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is None:
        return reason
    name = os.fsdecode(error.filename)
    return f"{reason}: {name[:200] + '…' if len(name) > 200 else name}"


def describe(error: BaseException) -> tuple[str | None, int]:
    """The one line to print (None: nothing, as for a closed pipe) and the exit code."""
    from latentcli.errors import LatentError

    if isinstance(error, LatentError):
        return str(error), error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return "interrupted", INTERRUPTED
    if isinstance(error, Terminated):
        return str(error), 128 + error.number
    if broken_pipe(error):
        return None, 1
    if isinstance(error, OSError):
        return os_message(error), 1
    if isinstance(error, MemoryError):  # work that knows what it was doing says so itself
        return ("out of memory: close other programs, or ask for less (fewer words or tokens, "
                "a smaller --top, a --limit, a shorter text)"), 1
    hint = "" if debugging() else f" (set {DEBUG_ENVVAR}=1 to see the traceback)"
    detail = f": {error}" if str(error) else ""
    return f"unexpected {type(error).__name__}{detail}{hint}", 1
