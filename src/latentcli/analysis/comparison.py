"""Comparing two models by their neighbourhoods: do the same words sit next to each other?

Only the vocabulary both models share takes part, as queries and as neighbours, so a word one
model lacks never counts against the other. A word's overlap is the share of its ``k`` nearest
neighbours that both models agree on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from latentcli.core.counts import fit
from latentcli.core.ranking import ranked_rows
from latentcli.core.space import Matrix, Space
from latentcli.errors import LatentError, UsageError
from latentcli.results.comparison import CompareResult, WordOverlap

SCORE_ELEMENTS = 1 << 24  # similarities held at once while finding neighbours (64 MB)
PREFIX_ROWS = 4096


class SharedVocabulary:
    """The words two spaces both have, in the first space's order, with their rows in each."""

    def __init__(self, first: Space, second: Space) -> None:
        second_rows = {word: row for row, word in enumerate(second.vocabulary)}
        pairs = [(row, second_rows[word]) for row, word in enumerate(first.vocabulary)
                 if word in second_rows]
        if not pairs:
            raise LatentError(f"{first.name} and {second.name} have no words in common")
        rows = np.array(pairs, dtype=np.int64)
        self.first_rows, self.second_rows = rows[:, 0], rows[:, 1]
        self.position = {int(row): index for index, row in enumerate(self.first_rows)}

    def __len__(self) -> int:
        return len(self.first_rows)


def _shared_matrix(space: Space, rows: npt.NDArray[np.int64]) -> Matrix:
    if len(rows) == len(space) and np.array_equal(rows, np.arange(len(space))):
        return np.asarray(space.vectors)
    return np.asarray(space.vectors[rows])


def neighbor_sets(matrix: Matrix, queries: npt.NDArray[np.int64], k: int) -> list[set[int]]:
    """Each query row's ``k`` nearest rows of ``matrix`` (itself left out), in blocks.

    The k-th best score among the first `PREFIX_ROWS` rows is a floor the true k-th best cannot
    be under, so only the few rows at or above it are ranked, not the whole vocabulary.
    """
    block = max(1, SCORE_ELEMENTS // len(matrix))
    prefix = min(len(matrix), max(PREFIX_ROWS, 4 * k))
    found: list[set[int]] = []
    for start in range(0, len(queries), block):
        chosen = queries[start:start + block]
        scores = matrix[chosen] @ matrix.T
        scores[np.arange(len(chosen)), chosen] = -np.inf
        floors = np.partition(scores[:, :prefix], prefix - k, axis=1)[:, prefix - k]
        for line, floor in zip(scores, floors, strict=True):
            candidates = np.flatnonzero(line >= floor)
            best = candidates[ranked_rows(line[candidates], k)]
            found.append(set(best.tolist()))
    return found


def compare(first: Space, second: Space, words: Sequence[str] = (), top: int = 1000,
            k: int = 10, show: int = 10) -> CompareResult:
    """Mean top-``k`` neighbour overlap over ``words`` (else the ``top`` most frequent shared
    words), and the ``show`` words whose neighbourhoods differ most."""
    if k < 1 or top < 1 or show < 1:
        raise UsageError("-k, --top and --show must be at least 1")
    shared = SharedVocabulary(first, second)
    if len(shared) < 2:
        raise UsageError(f"the models share {len(shared)} words: too few to compare neighbours")
    k = fit(k, len(shared) - 1, "-k", "other words the two models share")
    notes: list[str] = []
    if words:
        positions = []
        for word in words:
            found = first.lookup(word)
            if found.subword:
                raise LatentError(f"{word!r} is not in the vocabulary of {first.name}; compare "
                                  "uses the words both models have")
            if found.note:
                notes.append(found.note)
            if found.row not in shared.position:
                second.lookup(found.word)  # an unknown word: raises, with the second's suggestions
                raise LatentError(f"{found.word!r} is spelled differently in {second.name}")
            positions.append(shared.position[found.row])
        chosen = np.array(positions, dtype=np.int64)
    else:
        chosen = np.arange(min(top, len(shared)), dtype=np.int64)
    in_first = neighbor_sets(_shared_matrix(first, shared.first_rows), chosen, k)
    in_second = neighbor_sets(_shared_matrix(second, shared.second_rows), chosen, k)
    overlaps = [len(a & b) / k for a, b in zip(in_first, in_second, strict=True)]

    def words_of(positions: set[int]) -> tuple[str, ...]:
        return tuple(first.vocabulary.word(int(shared.first_rows[p])) for p in sorted(positions))

    order = sorted(range(len(chosen)), key=overlaps.__getitem__)[:show]
    differing = tuple(
        WordOverlap(word=first.vocabulary.word(int(shared.first_rows[chosen[i]])),
                    overlap=overlaps[i], only_a=words_of(in_first[i] - in_second[i]),
                    only_b=words_of(in_second[i] - in_first[i]))
        for i in order)
    return CompareResult(model_a=first.name, model_b=second.name, k=k, shared=len(shared),
                         compared=len(chosen), mean_overlap=float(np.mean(overlaps)),
                         words=differing, notes=tuple(dict.fromkeys(notes)))
