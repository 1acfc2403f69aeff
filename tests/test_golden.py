"""Every case of tests/golden_cases.py prints exactly what tests/golden/ holds.

After a deliberate change of output, run ``python scripts/golden.py`` and review the diff. Numbers
may differ by one unit in their last printed digit (`golden_cases.matches`): other machines' kernels
give other last bits, and rankings already ignore them (core/ranking.py).
"""

from __future__ import annotations

import pytest

from golden_cases import CASES, GOLDEN, matches, render, slug, typer_invoke


@pytest.mark.parametrize("argv", CASES, ids=slug)
def test_output_is_unchanged(default_cache, monkeypatch, argv):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    expected = (GOLDEN / f"{slug(argv)}.txt").read_text("utf-8")
    actual = render(*typer_invoke()(argv))
    assert matches(actual, expected), f"{actual}\n!=\n{expected}"  # the one-digit tolerance aside


def test_only_the_last_printed_digit_may_differ():
    assert matches("queen 0.8524 █", "queen 0.8523 █")
    assert matches('{"similarity": 0.8523604273796082}', '{"similarity": 0.85236037}')
    assert not matches("queen 0.8526 █", "queen 0.8524 █")  # two units: a real change
    assert not matches("queen 0.852 █", "queen 0.8524 █")  # a table's decimals are its format
    assert not matches("prince 0.8524 █", "queen 0.8524 █")
    assert not matches('{"similarity": 0.8524}', '{"similarity": 0.8623604273796082}')
