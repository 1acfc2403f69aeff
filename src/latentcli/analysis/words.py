"""Gathering the words a structure command works on, the same way for `cluster` and `map`.

Words come from the command line, a file, stdin or the vocabulary's most frequent rows; they are
resolved once, duplicates and all-zero vectors are left out, and unknown words are either dropped
with a note or (``strict``) an error. The order is the order of importance: words the user named
first, then added words by frequency rank (a model's rows are in frequency order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from latentcli.core.space import Space
from latentcli.errors import LatentError, UnknownWordError, UsageError

MIN_WORDS = 2


@dataclass(frozen=True)
class WordSelection:
    """Resolved words with their rows; the first ``given`` of them are the ones the user named."""

    words: tuple[str, ...]
    rows: tuple[int, ...]
    given: int
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)


def read_word_lines(lines: Iterable[str]) -> list[str]:
    """One word per line; blank lines are skipped and surrounding whitespace ignored."""
    return [line.strip() for line in lines if line.strip()]


def select_words(space: Space, typed: Sequence[str], top: int | None = None,
                 strict: bool = False) -> WordSelection:
    """Resolve ``typed`` (plus the ``top`` most frequent words) into at least two usable rows."""
    if top is not None and not 1 <= top <= len(space):
        raise UsageError(f"--top must be between 1 and the {len(space)} words of {space.name}, "
                         f"not {top}")
    if len(typed) + (top or 0) < MIN_WORDS:
        raise UsageError(f"need at least {MIN_WORDS} words, got {len(typed) + (top or 0)}")
    rows: dict[int, None] = {}
    notes: list[str] = []
    unknown: list[UnknownWordError] = []
    for text in typed:
        try:
            found = space.lookup(text)
        except UnknownWordError as error:
            unknown.append(error)
            continue
        if found.note:
            notes.append(found.note)
        rows.setdefault(found.row)
    given = len(rows)
    rows.update(dict.fromkeys(range(top or 0)))
    if unknown:
        if strict:
            raise unknown[0]
        if not rows:
            missing = ", ".join(repr(error.word) for error in unknown)
            raise LatentError(f"none of the words are in {space.name}: {missing}")
        notes.append("left out words not in the model: "
                     + ", ".join(repr(error.word) for error in unknown)
                     + " (--strict makes this an error)")
    return _usable(space, list(rows), given, notes)


def add_neighbors(space: Space, selection: WordSelection, count: int) -> WordSelection:
    """The selection plus each given word's ``count`` nearest neighbours, by frequency rank."""
    if count < 1:
        return selection
    taken = set(selection.rows)
    added: set[int] = set()
    for row in selection.rows[: selection.given]:
        scores = space.similarities(space.unit(row))
        added.update(found for found, _ in space.top(scores, count, exclude=taken | added))
    rows = list(selection.rows) + sorted(added)
    return _usable(space, rows, selection.given, list(selection.notes))


def _usable(space: Space, rows: list[int], given: int, notes: list[str]) -> WordSelection:
    """Drop all-zero vectors (they have no direction) and insist on at least two words."""
    zero = [row for row in rows if not space.norms[row] > 0]
    if zero:
        notes.append("left out words with an all-zero vector (no direction): "
                     + ", ".join(repr(space.vocabulary.word(row)) for row in zero))
        kept = [(index, row) for index, row in enumerate(rows) if space.norms[row] > 0]
        given = sum(1 for index, _ in kept if index < given)
        rows = [row for _, row in kept]
    if len(rows) < MIN_WORDS:
        usable = ", ".join(space.vocabulary.word(row) for row in rows) or "none"
        raise LatentError(f"need at least {MIN_WORDS} usable words, got {len(rows)} ({usable})")
    return WordSelection(tuple(space.vocabulary.word(row) for row in rows), tuple(rows), given,
                         tuple(notes))
