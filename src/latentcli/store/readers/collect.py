"""`Collector`: where every reader puts its rows, so all formats share one set of rules.

It owns the preallocated float32 matrix (the only big allocation of a conversion), decodes
words (invalid UTF-8 is replaced with U+FFFD and counted), keeps the first of duplicate words,
rejects NaN and infinite values and stops at ``--limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from latentcli.core.subwords import Subwords
from latentcli.errors import BadVectorFile
from latentcli.store.entries import chunk_rows


@dataclass(frozen=True)
class Vectors:
    """What a reader produced: unique words in file order, their float32 rows, and what it fixed."""

    words: list[str]
    matrix: npt.NDArray[np.float32]
    format: str
    duplicates: int = 0
    replaced: int = 0
    subwords: Subwords | None = None

    def notes(self, path: Path) -> list[str]:
        notes = []
        if self.duplicates:
            notes.append(f"{path.name}: {self.duplicates} duplicate word(s) skipped "
                         "(the first occurrence of each is kept)")
        if self.replaced:
            notes.append(f"{path.name}: {self.replaced} word(s) had invalid UTF-8; the bad bytes "
                         "were replaced with U+FFFD")
        return notes


class Collector:
    """Accumulates rows into a preallocated matrix of ``capacity`` rows."""

    def __init__(self, path: Path, capacity: int, dims: int, *, unit: str) -> None:
        self.path = path
        self.unit = unit  # "line", "row" or "offset": how positions are reported in errors
        self.dims = dims
        try:
            self.matrix = np.empty((capacity, dims), dtype=np.float32)
        except (MemoryError, ValueError):
            raise BadVectorFile(path, f"claims {capacity} x {dims} vectors, more than fit in "
                                      "memory (a damaged header?)") from None
        self.words: list[str] = []
        self._seen: set[str] = set()
        self.duplicates = 0
        self.replaced = 0

    @property
    def full(self) -> bool:
        return len(self.words) >= len(self.matrix)

    def error(self, problem: str, position: int) -> BadVectorFile:
        if self.unit == "line":
            return BadVectorFile(self.path, problem, line=position)
        if self.unit == "row":
            return BadVectorFile(self.path, problem, row=position)
        return BadVectorFile(self.path, problem, offset=position)

    def add(self, raw_words: Sequence[bytes], block: npt.NDArray[np.float32],
            positions: Sequence[int]) -> None:
        """Append ``block``'s rows (one per raw word), skipping duplicates, up to capacity."""
        finite = np.isfinite(block).all(axis=1)
        if not finite.all():
            raise self.error("NaN or infinite value", positions[int(np.argmin(finite))])
        room = len(self.matrix) - len(self.words)
        words = self._decode_all(raw_words[:room])
        fresh = set(words or ())
        start = len(self.words)
        if words is not None and len(fresh) == len(words) and self._seen.isdisjoint(fresh):
            self._seen |= fresh  # the common case: no duplicates, no per-word Python work
            self.words.extend(words)
            self.matrix[start : start + len(words)] = block[: len(words)]
            return
        keep: list[int] = []
        for index, raw in enumerate(raw_words):
            if len(keep) >= room:
                break
            word = self._decode(raw, positions[index])
            if word in self._seen:
                self.duplicates += 1
                continue
            self._seen.add(word)
            self.words.append(word)
            keep.append(index)
        self.matrix[start : start + len(keep)] = block[keep]

    @staticmethod
    def _decode_all(raw_words: Sequence[bytes]) -> list[str] | None:
        """All words decoded in one call if they are clean UTF-8, non-empty, without newlines."""
        if not raw_words:
            return []
        try:
            words = b"\n".join(raw_words).decode("utf-8").split("\n")
        except UnicodeDecodeError:
            return None
        return words if len(words) == len(raw_words) and "" not in words else None

    def _decode(self, raw: bytes, position: int) -> str:
        if not raw:
            raise self.error("empty word", position)
        if b"\n" in raw:
            raise self.error("a word contains a newline", position)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.replaced += 1
            return raw.decode("utf-8", errors="replace")

    def result(self, kind: str) -> Vectors:
        if not self.words:
            raise BadVectorFile(self.path, "holds no vectors")
        return Vectors(self.words, self.matrix[: len(self.words)], kind, self.duplicates,
                       self.replaced)


def from_matrix(path: Path, words: Sequence[bytes], matrix: npt.NDArray[np.generic],
                limit: int | None) -> Collector:
    """A collector filled from an in-memory or memory-mapped matrix, a chunk of rows at a time.

    Errors name rows as line numbers, as in a vocabulary file with one word per line.
    """
    rows = min(len(words), limit) if limit else len(words)
    collector = Collector(path, rows, matrix.shape[1], unit="line")
    step = chunk_rows(matrix.shape[1])
    for start in range(0, len(words), step):
        stop = start + step
        block = np.asarray(matrix[start:stop], dtype=np.float32)
        collector.add(words[start:stop], block, range(start + 1, start + 1 + len(block)))
        if collector.full:
            break
    return collector
