"""Why an analogy answer scores what it scores: the exact split of a 3CosAdd score by term.

3CosAdd scores a word ``v`` by the cosine between ``v`` and ``q = Σ wᵢ·uᵢ`` (the weighted sum of
the terms' unit vectors). Because cosine is linear in ``q``::

    cos(q, v) = Σ wᵢ · cos(uᵢ, v) / |q|

so each term contributes ``wᵢ · cos(uᵢ, v) / |q|``, and the contributions add up to the score.
"""

from __future__ import annotations

import numpy as np

from latentcli.core.space import Space
from latentcli.results.explain import Contribution, Decomposition


def decompose(space: Space, rows: list[int], weights: list[float],
              answer_row: int) -> Decomposition:
    """Split the 3CosAdd score of ``answer_row`` into one contribution per term."""
    units = np.stack([np.asarray(space.unit(row), dtype=np.float64) for row in rows])
    total = (np.asarray(weights, dtype=np.float64)[:, np.newaxis] * units).sum(axis=0)
    length = float(np.linalg.norm(total))
    answer = np.asarray(space.unit(answer_row), dtype=np.float64)
    cosines = units @ answer
    parts = tuple(
        Contribution(space.vocabulary.word(row), weight, float(cosine),
                     float(weight * cosine / length))
        for row, weight, cosine in zip(rows, weights, cosines, strict=True))
    return Decomposition(space.vocabulary.word(answer_row),
                         float(total @ answer / length), parts, length)
