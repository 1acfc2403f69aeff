"""The terminal as rich draws it: consoles, spinners and progress bars (for the `Environment`,
which decides whether anyone sees them)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from rich import markup
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from latentcli.render.escape import escape

if TYPE_CHECKING:
    from latentcli.core.progress import Progress as Report


def console(stream: TextIO, colour: bool) -> Console:
    """Where results are printed: colour only when asked, never a re-wrapped line, and no rich
    markup (a word such as "[note]" or "[/]" is printed as it is)."""
    return Console(file=stream, force_terminal=colour, no_color=not colour, highlight=False,
                   markup=False, soft_wrap=False)


@contextmanager
def progress_bar(stream: TextIO, message: str, total: int | None,
                 in_bytes: bool) -> Iterator[Report]:
    """A transient bar: bytes done and time left for reading, a count for anything else."""
    columns = (TextColumn("{task.description}"), BarColumn(),
               DownloadColumn() if in_bytes else MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(markup.escape(escape(message)), total=total)  # a name may hold [b]

        def update(done: int, total: int | None = None, /) -> None:
            if total is not None:
                bar.update(task, total=total)
            bar.update(task, completed=done)

        yield update


@contextmanager
def spinner(stream: TextIO, message: str) -> Iterator[None]:
    with Console(file=stream).status(Text(escape(message))):
        yield
