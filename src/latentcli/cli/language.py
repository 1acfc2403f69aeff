"""Reading ``--steer`` and ``--pairs FILE`` into contrast pairs (the rest is in `language/`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from latentcli.errors import UsageError


def read_pairs(path: str | None, given: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The contrast pairs of ``--steer`` and of ``--pairs FILE`` (one ``A:B`` a line)."""
    from latentcli.language.steering import parse_pair

    lines = list(given)
    if path is not None:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read --pairs {path}: {error}") from None
        lines += [line for line in text.splitlines() if line.strip()]
    return tuple(parse_pair(line) for line in lines)
