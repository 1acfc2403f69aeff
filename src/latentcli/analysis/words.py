"""Gathering the words a structure command works on, the same way for `cluster` and `map`.

Words come from the command line, a file, stdin or the vocabulary's most frequent rows; they are
resolved once, duplicates and all-zero vectors are left out, and unknown words are either dropped
with a note or (``strict``) an error. The order is the order of importance: words the user named
first, then added words by frequency rank (a model's rows are in frequency order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from latentcli.core.counts import within
from latentcli.core.space import Matrix, Space, WordRow
from latentcli.errors import LatentError, UnknownWordError, UsageError

MIN_WORDS = 2


@dataclass(frozen=True, eq=False)
class WordSelection:
    """Resolved words (each with its own vector: fastText words built from subwords have no
    row); the first ``given`` of them are the ones the user named."""

    found: tuple[WordRow, ...]
    given: int
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.found)

    @cached_property  # indexed per member by callers: built once, not on every access
    def words(self) -> tuple[str, ...]:
        return tuple(row.word for row in self.found)

    @cached_property
    def rows(self) -> list[int]:
        """The vocabulary rows among the words (to leave them out of labels and neighbours)."""
        return [row.row for row in self.found if row.row is not None]

    @property
    def units(self) -> Matrix:
        return np.stack([row.unit for row in self.found]).astype(np.float32, copy=False)


def read_word_lines(lines: Iterable[str]) -> list[str]:
    """One word per line; blank lines are skipped and surrounding whitespace ignored."""
    return [line.strip() for line in lines if line.strip()]


def select_words(space: Space, typed: Sequence[str], top: int | None = None,
                 strict: bool = False) -> WordSelection:
    """Resolve ``typed`` (plus the ``top`` most frequent words) into at least two usable rows.
    A space of your own texts with nothing chosen means all of them: it is small, and they are
    what a user clusters or maps (a word model's 400,000 words never are)."""
    if not typed and top is None and space.of_texts:
        top = len(space)
    if top is not None and not 1 <= top <= len(space):
        raise UsageError(f"--top must be between 1 and the {len(space)} words of {space.name}, "
                         f"not {top}")
    if len(typed) + (top or 0) < MIN_WORDS:
        raise UsageError(f"need at least {MIN_WORDS} words, got {len(typed) + (top or 0)} "
                         "(name them, or take the most frequent with --top N)")
    chosen: dict[str, WordRow] = {}
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
        chosen.setdefault(found.word, found)
    given = len(chosen)
    for row in range(top or 0):
        if space.word(row) not in chosen:
            chosen[space.word(row)] = space.at(row)
    if unknown:
        if strict:
            raise unknown[0]
        if not chosen:
            missing = ", ".join(repr(error.word) for error in unknown)
            raise LatentError(f"none of the words are in {space.name}: {missing}")
        notes.append("left out words not in the model: "
                     + ", ".join(repr(error.word) for error in unknown)
                     + " (--strict makes this an error)")
    return usable(list(chosen.values()), given, notes)


def add_neighbors(space: Space, selection: WordSelection, count: int) -> WordSelection:
    """The selection plus each given word's ``count`` nearest neighbours, by frequency rank."""
    if within(count, 0, None, "neighbors") == 0:
        return selection
    taken = set(selection.rows)
    added: set[int] = set()
    for word in selection.found[: selection.given]:
        scores = space.similarities(word.unit)
        added.update(row for row, _ in space.top(scores, count, exclude=taken | added))
    return usable([*selection.found, *(space.at(row) for row in sorted(added))], selection.given,
                  selection.notes)


def usable(found: list[WordRow], given: int, notes: Sequence[str] = ()) -> WordSelection:
    """Drop all-zero vectors (they have no direction) and insist on at least two words."""
    notes = list(notes)
    zero = [row.word for row in found if not row.norm > 0]
    if zero:
        notes.append("left out words with an all-zero vector (no direction): "
                     + ", ".join(map(repr, zero)))
        kept = [(index, row) for index, row in enumerate(found) if row.norm > 0]
        given = sum(1 for index, _ in kept if index < given)
        found = [row for _, row in kept]
    if len(found) < MIN_WORDS:
        words = ", ".join(row.word for row in found) or "none"
        raise LatentError(f"need at least {MIN_WORDS} usable words, got {len(found)} ({words})")
    return WordSelection(tuple(found), given, tuple(notes))
