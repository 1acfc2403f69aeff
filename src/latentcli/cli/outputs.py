"""Files a command writes for the user (an HTML page): whole or not at all."""

from __future__ import annotations

from pathlib import Path

from latentcli.errors import LatentError


def write_file(path: Path, text: str) -> None:
    """``text`` written to ``path`` through a temporary sibling renamed into place, so an error
    or Ctrl-C never leaves half a page; an `OSError` is one line naming the file."""
    from latentcli.failures import os_message
    from latentcli.store.artifacts import atomic_file

    try:
        with atomic_file(path) as temporary:
            temporary.write_text(text, "utf-8")
    except OSError as error:
        raise LatentError(f"cannot write {path}: {os_message(error)}") from None
