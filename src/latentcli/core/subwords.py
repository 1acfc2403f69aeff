"""fastText subword vectors: a vector for any word, built from its character n-grams.

This is fastText's (and gensim's ``FastTextKeyedVectors.get_vector``) rule, reimplemented so that a
cached fastText model answers out-of-vocabulary words without importing gensim: the n-grams of
``<word>`` (whole UTF-8 characters, ``min_n``..``max_n`` long) are hashed with fastText's FNV-1a
variant into ``len(ngrams)`` buckets, and the word's vector is the mean of those bucket rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

NGRAMS_FILE = "ngrams.npy"
_CONTINUATION_MASK, _CONTINUATION = 0xC0, 0x80


def ngrams(word: str, min_n: int, max_n: int) -> list[bytes]:
    """The UTF-8 n-grams fastText uses for ``word`` (gensim's ``compute_ngrams_bytes``)."""
    data = f"<{word}>".encode()
    size = len(data)
    found = []
    for start in range(size):
        if data[start] & _CONTINUATION_MASK == _CONTINUATION:
            continue
        end, length = start, 1
        while end < size and length <= max_n:
            end += 1
            while end < size and data[end] & _CONTINUATION_MASK == _CONTINUATION:
                end += 1
            if length >= min_n and not (length == 1 and (start == 0 or end == size)):
                found.append(data[start:end])
            length += 1
    return found


def ngram_hash(data: bytes) -> int:
    """fastText's FNV-1a over bytes taken as signed chars (as its C++ code does)."""
    value = 2166136261
    for byte in data:
        value = ((value ^ ((byte - 256 if byte > 127 else byte) & 0xFFFFFFFF)) * 16777619
                 ) & 0xFFFFFFFF
    return value


@dataclass(frozen=True)
class Subwords:
    """The n-gram bucket matrix of a fastText model, and its n-gram lengths."""

    vectors: npt.NDArray[np.float32]
    min_n: int
    max_n: int

    def vector(self, word: str) -> npt.NDArray[np.float32] | None:
        """The raw vector fastText gives ``word`` from its n-grams; None if it has none."""
        buckets = [ngram_hash(gram) % len(self.vectors)
                   for gram in ngrams(word, self.min_n, self.max_n)]
        if not buckets:
            return None
        return np.asarray(self.vectors[buckets].sum(axis=0) / np.float32(len(buckets)),
                          dtype=np.float32)
