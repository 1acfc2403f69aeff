"""`Space`: a model's words and unit vectors, memory-mapped, with the lookups every command needs.

Rows are L2-normalised float32 (an all-zero row stays zero), so cosine similarity is one mat-vec.
The original norms are kept beside them for explanations. No printing, no UI: problems are raised
as `LatentError`s and notices (such as a word found only in lower case) are returned to the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from latentcli.cache import NORMS_FILE, VECTORS_FILE, normalise_rows
from latentcli.errors import UnknownWordError
from latentcli.vocabulary import Vocabulary, vocabulary_from_words

Matrix = npt.NDArray[np.float32]
Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class WordRow:
    """A word as the user typed it, the vocabulary entry it resolved to, and that entry's row."""

    typed: str
    word: str
    row: int

    @property
    def note(self) -> str | None:
        if self.typed == self.word:
            return None
        return f"{self.typed!r} is not in the vocabulary; using {self.word!r}"


class Space:
    """An embedding space: vocabulary plus unit-normalised vectors, in the model's row order."""

    def __init__(self, name: str, vocabulary: Vocabulary, vectors: Matrix,
                 norms: npt.NDArray[np.float32]) -> None:
        self.name = name
        self.vocabulary = vocabulary
        self.vectors = vectors
        self.norms = norms

    @classmethod
    def open(cls, name: str, directory: Path) -> Space:
        """Memory-map a cache directory that `latentcli.cache` has already validated."""
        return cls(
            name,
            Vocabulary.open(directory),
            np.load(directory / VECTORS_FILE, mmap_mode="r"),
            np.load(directory / NORMS_FILE, mmap_mode="r"),
        )

    @classmethod
    def from_vectors(cls, name: str, words: list[str], raw: npt.ArrayLike) -> Space:
        """An in-memory space (for tests and derived spaces); normalises like the cache does."""
        unit, norms = normalise_rows(np.ascontiguousarray(raw, dtype=np.float32))
        return cls(name, vocabulary_from_words(words), unit, norms)

    def __len__(self) -> int:
        return len(self.vocabulary)

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    def lookup(self, word: str) -> WordRow:
        """Exact match first, then the lower-case form; else `UnknownWordError` with suggestions."""
        row = self.vocabulary.row(word)
        if row is not None:
            return WordRow(word, word, row)
        lower = word.lower()
        if lower != word:
            row = self.vocabulary.row(lower)
            if row is not None:
                return WordRow(word, lower, row)
        from latentcli.suggestions import suggest

        raise UnknownWordError(word, self.name, suggest(self.vocabulary, word))

    def unit(self, row: int) -> Vector:
        return np.asarray(self.vectors[row])

    def similarities(self, query: Vector) -> npt.NDArray[np.float32]:
        """Cosine similarity of every row with ``query`` (which must be unit length or zero)."""
        return np.asarray(self.vectors @ query.astype(np.float32, copy=False))

    def top(self, scores: npt.NDArray[np.floating], k: int,
            exclude: Iterable[int] = ()) -> list[tuple[int, float]]:
        """The ``k`` highest-scoring rows, best first, skipping ``exclude``; no full sort."""
        excluded = set(exclude)
        want = min(k + len(excluded), len(scores))
        if want <= 0:
            return []
        best = np.argpartition(-scores, want - 1)[:want]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(row), float(scores[row])) for row in best if int(row) not in excluded][:k]
