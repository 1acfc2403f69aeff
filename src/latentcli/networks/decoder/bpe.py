"""BPE's merge step, one for both decoder tokenizers (byte-level and SentencePiece).

A word is a list of symbols; the adjacent pair ranked best (lowest) is merged into one symbol,
the leftmost on ties, until no pair has a rank. Candidate pairs wait in a heap and are checked
when they come out (a pair a merge has broken is skipped), as ``tokenizers`` and llama.cpp do it,
so a long word costs O(n log n) rather than a scan of every pair per merge. A SentencePiece
segment is one word however long (spaces are symbols there), so this matters.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from itertools import pairwise
from typing import Any, Protocol, TypeVar


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


Rank = TypeVar("Rank", bound=_Ordered)


def merge(parts: list[str], rank: Callable[[str, str], Rank | None]) -> list[str]:
    """``parts`` merged pairwise: ``rank(a, b)`` is the pair's rank, or None if it never
    merges. Ties between equal ranks go to the leftmost pair."""
    if len(parts) < 2:
        return parts
    symbols: list[str | None] = list(parts)  # None: merged into the symbol on its left
    after = [*range(1, len(parts)), -1]  # the index of the next live symbol, -1 at the end
    before = list(range(-1, len(parts) - 1))
    heap = [(found, i, left, right) for i, (left, right) in enumerate(pairwise(parts))
            if (found := rank(left, right)) is not None]
    heapq.heapify(heap)

    def consider(i: int) -> None:
        j = after[i]
        left, right = symbols[i], symbols[j] if j >= 0 else None
        if left is not None and right is not None:
            found = rank(left, right)
            if found is not None:
                heapq.heappush(heap, (found, i, left, right))

    while heap:
        _, i, left, right = heapq.heappop(heap)
        j = after[i]
        if symbols[i] != left or j < 0 or symbols[j] != right:
            continue  # a merge around it came first: this pair is gone
        symbols[i], symbols[j] = left + right, None
        after[i] = after[j]
        if after[i] >= 0:
            before[after[i]] = i
        if before[i] >= 0:
            consider(before[i])
        consider(i)
    return [symbol for symbol in symbols if symbol is not None]
