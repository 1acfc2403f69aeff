"""One ranking for every list latent prints: best score first, near-equal scores by row.

Two scores that are equal in exact arithmetic (the midpoint of cat and dog is as close to one as to
the other) come out of a matrix product differing in their last bits, and which one is larger
depends on the BLAS and SIMD kernels the machine runs. So, walking down the scores, each score
within `TIE_TOLERANCE` of the first score of its group counts as tied with it, and a tie goes to the
lower row, which is the more frequent word in every frequency-ordered model. Kernels differ by a
few float32 ulps (~1e-7 for a cosine), well inside the tolerance; a group never spans more than the
tolerance, so no score is ever listed below one that is visibly lower. Real scores that close are
rare, and printed to four decimals they look equal anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # numpy.typing would cost start-up time; annotations are never evaluated
    import numpy.typing as npt

    Rows = npt.NDArray[np.intp]

TIE_TOLERANCE = 1e-6


def ranked_rows(scores: npt.NDArray[np.floating], k: int | None = None,
                tolerance: float = TIE_TOLERANCE) -> Rows:
    """The rows of the ``k`` best ``scores`` (all, if ``k`` is None), best first; scores within
    ``tolerance`` of the next better one are tied and ordered by row. Without a full sort when
    ``k`` is small: every row within ``tolerance`` of the k-th best score is a candidate, so a
    tie at the cut is decided by row too, never by where a partition happened to put it."""
    count = len(scores)
    k = count if k is None else max(0, min(k, count))
    if k == 0:
        return np.zeros(0, dtype=np.intp)
    if k < count:
        kth = np.partition(scores, count - k)[count - k]
        candidates = np.flatnonzero(scores >= kth - tolerance)
    else:
        candidates = np.arange(count)
    values = np.asarray(scores[candidates], dtype=np.float64)
    order = np.argsort(-values, kind="stable")
    rows = candidates[order]
    groups = np.array(_tie_groups(values[order].tolist(), tolerance))
    return rows[np.lexsort((rows, groups))][:k]


def _tie_groups(descending: list[float], tolerance: float) -> list[int]:
    """A group number per score: a group starts at its first score and takes every later score
    within ``tolerance`` of it (not of the previous one, so a group cannot creep downwards)."""
    groups, group, first = [], 0, descending[0] if descending else 0.0
    for value in descending:
        if value < first - tolerance:  # a NaN stays in the group it meets
            group, first = group + 1, value
        groups.append(group)
    return groups
