"""The bounded analogy search finds exactly what scoring every row finds (ties to the lowest row),
whatever the chunk and tile sizes; the evaluation tests check the answers against gensim."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from latentcli.analysis import analogy_search
from latentcli.analysis.analogy_search import best_rows

Rows = npt.NDArray[np.int64]


def unit_rows(count: int, dims: int, seed: int) -> npt.NDArray[np.float32]:
    rows = np.random.default_rng(seed).standard_normal((count, dims))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def benchmark_like(vectors: npt.NDArray[np.float32], pairs: int, seed: int) -> Rows:
    """Questions as benchmarks make them: every pair (a, b) with every other pair's c."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(vectors), size=(pairs, 2), replace=False)
    return np.array([[a, b, c] for a, b in chosen for c, _ in chosen if c not in (a, b)],
                    dtype=np.int64)


def every_row(vectors: npt.NDArray[np.float32], limit: int, inputs: Rows) -> Rows:
    """The answer by scoring every candidate in float64: the best row, lowest on a tie."""
    candidates = vectors[:limit].astype(np.float64)
    query = candidates[inputs[:, 1]] + candidates[inputs[:, 2]] - candidates[inputs[:, 0]]
    scores = query @ candidates.T
    scores[np.arange(len(inputs))[:, np.newaxis], inputs] = -np.inf
    return scores.argmax(axis=1)


@pytest.mark.parametrize(("chunk", "tile"), [(32_768, 128), (1_000, 128), (300, 64), (50, 7)])
def test_bounded_search_equals_scoring_every_row(monkeypatch: pytest.MonkeyPatch, chunk: int,
                                                 tile: int) -> None:
    monkeypatch.setattr(analogy_search, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(analogy_search, "TILE_ROWS", tile)
    vectors = unit_rows(3_000, 12, seed=1)
    inputs = benchmark_like(vectors[:2_500], 40, seed=2)
    assert analogy_search._Bounds.worth_it(inputs)  # the bounded path is the one tested
    for limit in (3_000, 2_999, 700):
        known = inputs[(inputs < limit).all(axis=1)]
        assert np.array_equal(best_rows(vectors, limit, known, "add"),
                              every_row(vectors, limit, known))


def test_ties_go_to_the_lowest_row() -> None:
    """Each vector twice (rows i and i + 1500): the answer is the lower copy unless that copy is
    one of the question's own words."""
    half = unit_rows(1_500, 6, seed=3)
    vectors = np.concatenate([half, half])
    inputs = benchmark_like(half, 30, seed=4)
    found = best_rows(vectors, len(vectors), inputs, "add")
    lower = found % 1_500
    own = (inputs == lower[:, np.newaxis]).any(axis=1)
    assert np.array_equal(found, np.where(own, lower + 1_500, lower))
    assert np.array_equal(found, every_row(vectors, len(vectors), inputs))


def test_a_question_with_no_direction_answers_the_lowest_other_row() -> None:
    """``a - a + zero`` scores every candidate 0: the bounds must not rule any tile out."""
    vectors = unit_rows(600, 4, seed=5)
    vectors[7] = 0
    inputs = np.concatenate([benchmark_like(vectors[10:], 30, seed=6) + 10,
                             np.array([[0, 0, 7], [3, 3, 7]], dtype=np.int64)])
    found = best_rows(vectors, len(vectors), inputs, "add")
    assert found[-2:].tolist() == [1, 0]


def test_mul_without_bounds_equals_scoring_every_row() -> None:
    vectors = unit_rows(900, 5, seed=7)
    inputs = benchmark_like(vectors, 12, seed=8)
    candidates = vectors.astype(np.float64)
    shifted = (1 + candidates[inputs].reshape(-1, 5) @ candidates.T).reshape(len(inputs), 3, -1) / 2
    scores = shifted[:, 1] * shifted[:, 2] / (shifted[:, 0] + 1e-6)
    scores[np.arange(len(inputs))[:, np.newaxis], inputs] = -np.inf
    assert np.array_equal(best_rows(vectors, len(vectors), inputs, "mul"), scores.argmax(axis=1))
