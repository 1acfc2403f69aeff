"""The vocabulary of a cached model, usable straight from disk.

A model has hundreds of thousands of words; building a dict of them costs more than the whole
query. So the cache keeps the words as one newline-terminated UTF-8 blob (``words.txt``), an array
of row start offsets (``offsets.npy``) and the rows in byte-sorted order (``sorted.npy``): a row's
word is a slice, a word's row is a binary search, and nothing is decoded that is not asked for.
"""

from __future__ import annotations

import mmap
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

WORDS_FILE = "words.txt"
OFFSETS_FILE = "offsets.npy"
SORTED_FILE = "sorted.npy"


class Vocabulary:
    """Row ↔ word mapping over memory-mapped files, rows in the model's own (frequency) order."""

    def __init__(self, blob: bytes | mmap.mmap, offsets: npt.NDArray[np.int64],
                 order: npt.NDArray[np.int64]) -> None:
        self._blob = blob
        self._offsets = offsets
        self._order = order

    @classmethod
    def open(cls, directory: Path) -> Vocabulary:
        offsets = np.load(directory / OFFSETS_FILE, mmap_mode="r")
        order = np.load(directory / SORTED_FILE, mmap_mode="r")
        with open(directory / WORDS_FILE, "rb") as handle:
            blob: bytes | mmap.mmap = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if offsets[-1] else b""
            )
        return cls(blob, offsets, order)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def problem(self, samples: int = 64) -> str | None:
        """What is wrong with the files, or None. Run on every open, so it samples rather than
        reads (touching all three files would fault in every page of them): the sizes
        agree, and at ``samples`` spread-out rows the offsets rise onto newlines, the words
        decode, and the sorted order holds valid rows in order. Same-size garbage fails it."""
        offsets, order, count = self._offsets, self._order, len(self)
        if offsets.ndim != 1 or order.shape != (count,) or count < 1:
            return "the vocabulary files disagree on the number of words"
        if offsets.dtype.kind != "i" or order.dtype.kind != "i":
            return "the vocabulary offsets are not integers"
        if offsets[0] != 0 or offsets[-1] != len(self._blob):
            return "words.txt does not match its offsets"
        at = np.arange(0, count, max(1, count // samples))  # (np.unique imports numpy.ma)
        starts, ends = offsets[at], offsets[at + 1]
        if not ((starts < ends) & (ends <= len(self._blob))).all():
            return "the vocabulary offsets are out of order"
        rows = order[at]
        if not ((rows >= 0) & (rows < count)).all():
            return "sorted.npy holds rows out of range"
        words = [bytes(self._blob[int(a) : int(b)]) for a, b in zip(starts, ends, strict=True)]
        if any(word[-1:] != b"\n" or b"\n" in word[:-1] for word in words):
            return "words.txt does not match its offsets"
        try:
            b"".join(words).decode("utf-8")
        except UnicodeDecodeError:
            return "words.txt is not UTF-8"
        keys = [self._raw(int(row)) for row in rows]
        if keys != sorted(keys):
            return "sorted.npy is not in sorted order"
        return None

    def _raw(self, row: int) -> bytes:
        return self._blob[int(self._offsets[row]) : int(self._offsets[row + 1]) - 1]

    def word(self, row: int) -> str:
        return self._raw(row).decode("utf-8")

    def row(self, word: str) -> int | None:
        """The row of ``word``, or None: a binary search over the byte-sorted order."""
        key = word.encode("utf-8", "surrogatepass")  # a lone surrogate matches no UTF-8 word
        order = self._order
        at = bisect_left(range(len(order)), key, key=lambda i: self._raw(int(order[i])))
        if at < len(order) and self._raw(int(order[at])) == key:
            return int(order[at])
        return None

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.row(word) is not None

    def __iter__(self) -> Iterator[str]:
        text = bytes(self._blob[: int(self._offsets[-1])]).decode("utf-8")
        return iter(text.split("\n")[:-1])

    def blob_bytes(self) -> npt.NDArray[np.uint8]:
        """The whole blob as bytes, for vectorised scans (suggestions) that must not decode it."""
        return np.frombuffer(self._blob, dtype=np.uint8, count=int(self._offsets[-1]))

    @property
    def offsets(self) -> npt.NDArray[np.int64]:
        return self._offsets

    def first(self, count: int) -> Vocabulary:
        """The vocabulary of the first ``count`` rows (a model opened with ``--limit``)."""
        if count >= len(self):
            return self
        offsets = np.asarray(self._offsets[: count + 1])
        order = np.asarray(self._order)
        return Vocabulary(bytes(self._blob[: int(offsets[-1])]), offsets, order[order < count])


def _encode(words: Iterable[str]) -> tuple[bytes, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    encoded = [word.encode("utf-8") for word in words]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(item) + 1 for item in encoded], out=offsets[1:])
    order = np.array(sorted(range(len(encoded)), key=encoded.__getitem__), dtype=np.int64)
    return b"".join(item + b"\n" for item in encoded), offsets, order


def vocabulary_from_words(words: Iterable[str]) -> Vocabulary:
    """An in-memory vocabulary, for tests and spaces that never touch the cache."""
    return Vocabulary(*_encode(words))


def write_vocabulary(directory: Path, words: Iterable[str]) -> int:
    """Write the three vocabulary files for ``words`` (in row order); returns the word count.

    Words must be unique and free of newlines; readers guarantee both.
    """
    blob, offsets, order = _encode(words)
    (directory / WORDS_FILE).write_bytes(blob)
    np.save(directory / OFFSETS_FILE, offsets)
    np.save(directory / SORTED_FILE, order)
    return len(offsets) - 1
