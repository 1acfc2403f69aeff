"""core.ranking: one deterministic order for every ranked list, whatever kernel computed it."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from latentcli.core.ranking import TIE_TOLERANCE, ranked_rows


def test_best_first_and_exact_ties_by_row():
    scores = np.array([0.2, 0.9, 0.5, 0.9, 0.1], dtype=np.float32)
    assert ranked_rows(scores).tolist() == [1, 3, 2, 0, 4]
    assert ranked_rows(scores, 2).tolist() == [1, 3]


def test_last_bit_differences_are_ties():
    """The midpoint of two words scores the same against both in exact arithmetic; a kernel
    decides which comes out a few ulps higher. Either way the lower row wins."""
    for bump in (+3e-7, -3e-7):
        scores = np.array([0.1, 0.7, 0.7 + bump, 0.3], dtype=np.float32)
        assert ranked_rows(scores, 1).tolist() == [1]
        assert ranked_rows(scores).tolist() == [1, 2, 3, 0]


def test_a_tie_at_the_cut_goes_to_the_lower_row_wherever_a_partition_put_it():
    scores = np.zeros(1000)
    scores[[990, 500, 10]] = 0.5
    assert ranked_rows(scores, 2).tolist() == [10, 500]
    assert ranked_rows(scores, 5).tolist() == [10, 500, 990, 0, 1]


def test_a_group_never_spans_more_than_the_tolerance():
    """Scores falling in steps smaller than the tolerance stay in score order beyond it."""
    step = TIE_TOLERANCE * 0.6
    scores = np.array([1 - 3 * step, 1 - 2 * step, 1 - step, 1.0])  # best is the last row
    # groups: {1.0, 1 - step} from the best down, then {1 - 2 step, 1 - 3 step}; by row within
    assert ranked_rows(scores).tolist() == [2, 3, 0, 1]


def test_edge_cases():
    assert ranked_rows(np.array([]), 3).tolist() == []
    assert ranked_rows(np.array([0.5]), 0).tolist() == []
    assert ranked_rows(np.array([0.5, -np.inf, 0.7]), 10).tolist() == [2, 0, 1]


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=60), st.integers(0, 70),
       st.integers(0, 2**32 - 1))
def test_noise_below_the_tolerance_never_changes_the_order(levels, k, seed):
    """Scores on a coarse grid, each shaken by less than a tenth of the tolerance (as another
    kernel would), rank exactly as the unshaken ones: by score, then by row."""
    exact = np.array(levels, dtype=np.float64) * 0.01
    noise = np.random.default_rng(seed).uniform(-0.1, 0.1, len(exact)) * TIE_TOLERANCE
    expected = sorted(range(len(exact)), key=lambda row: (-exact[row], row))[:k]
    assert ranked_rows(exact + noise, k).tolist() == expected
    assert ranked_rows(exact, k).tolist() == expected
