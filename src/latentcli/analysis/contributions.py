"""Why an analogy answer scores what it scores: the exact split of a 3CosAdd score by term.

3CosAdd scores a word ``v`` by the cosine between ``v`` and ``q = Σ wᵢ·uᵢ`` (the weighted sum of
the terms' unit vectors). Because cosine is linear in ``q``::

    cos(q, v) = Σ wᵢ · cos(uᵢ, v) / |q|

so each term contributes ``wᵢ · cos(uᵢ, v) / |q|``, and the contributions add up to the score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from latentcli.core.space import WordRow
from latentcli.results.explain import Contribution, Decomposition


def decompose(terms: Sequence[WordRow], weights: Sequence[float],
              answer: WordRow) -> Decomposition:
    """Split the 3CosAdd score of ``answer`` into one contribution per term."""
    units = np.stack([np.asarray(term.unit, dtype=np.float64) for term in terms])
    total = (np.asarray(weights, dtype=np.float64)[:, np.newaxis] * units).sum(axis=0)
    length = float(np.linalg.norm(total))
    target = np.asarray(answer.unit, dtype=np.float64)
    cosines = units @ target
    parts = tuple(
        Contribution(word=term.word, weight=weight, cosine=float(cosine),
                     contribution=float(weight * cosine / length))
        for term, weight, cosine in zip(terms, weights, cosines, strict=True))
    pairs = units @ units.T
    between = tuple(float(pairs[i, j]) for i in range(len(terms))
                    for j in range(i + 1, len(terms)))
    return Decomposition(word=answer.word, score=float(total @ target / length),
                         contributions=parts, length=length, between=between)
