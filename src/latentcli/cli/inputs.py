"""Text a command reads from a file or, for ``-``, from stdin: one set of rules for all of them.

Every such input (``cluster --from``, ``embed --from``, ``generate --pairs``, a prompt of ``-``) is
UTF-8 whose bad byte names its line, has its leading byte-order mark dropped, and is one
``Error:`` line naming the file when it cannot be read (a missing file, a directory, no
permission).
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from latentcli.errors import LatentError, UsageError
from latentcli.failures import os_message

STDIN = "-"


def read_text(name: str, stdin: TextIO, what: str) -> str:
    """The text of the file ``name`` (``-``: stdin, read once); ``what`` it holds, for the error
    (``words``, ``texts``, ``pairs``)."""
    from latentcli.core.text_checks import decode

    if name == STDIN:
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        return decode(data, "stdin")
    try:
        data = Path(name).expanduser().read_bytes()
    except OSError as error:
        raise LatentError(f"cannot read {what} from {name}: {os_message(error)}") from None
    return decode(data, name)


def read_lines(name: str, stdin: TextIO, what: str) -> list[str]:
    """The non-blank lines of ``name`` (``-``: stdin); a file holding none is refused."""
    lines = [line for line in read_text(name, stdin, what).splitlines() if line.strip()]
    if not lines:
        raise UsageError(f"{'stdin' if name == STDIN else name} holds no {what} (it is empty "
                         "or blank)")
    return lines
