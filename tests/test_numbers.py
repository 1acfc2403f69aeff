"""Numbers out of range are refused with their range; nothing reaches JSON as NaN (issue 10)."""

import json

import pytest

from latentcli.cli.app import app
from latentcli.core.queries import analogy
from latentcli.errors import ExpressionError


@pytest.mark.parametrize("weight", ["1" + "0" * 40, "0.0000000001", "9" * 400])
def test_weights_outside_the_documented_range_are_refused(tiny_space, weight):
    with pytest.raises(ExpressionError, match=r"a weight must be between 1e-06 and 1e\+06"):
        analogy(tiny_space, f"{weight}*king - man", 3)


def test_large_weights_keep_their_direction(tiny_space):
    """1e6*king - 1e6*man + woman: float32 norms would overflow to inf and zero the query."""
    big = analogy(tiny_space, "1000000*king - 1000000*man + woman", 3, allow_inputs=True)
    small = analogy(tiny_space, "king - man + 0.000001*woman", 3, allow_inputs=True)
    assert [item.word for item in big.results][:2] == [item.word for item in small.results][:2]


@pytest.mark.parametrize("strength", ["nan", "inf", "-inf", "101", "1e300"])
def test_steer_strength_must_be_finite_and_in_range(runner, tiny_model, strength):
    result = runner.invoke(app, ["steer", "king", "--toward", "queen", "--strength", strength,
                                 "-n", "2", "-m", str(tiny_model)])
    assert result.exit_code == 2
    assert "--strength must be between -100 and 100" in result.stderr


@pytest.mark.parametrize("seed", ["-1", "4294967296"])
@pytest.mark.parametrize("command", ["cluster", "map"])
def test_seeds_outside_32_bits_are_usage_errors(runner, tiny_model, command, seed):
    result = runner.invoke(app, [command, "king", "queen", "apple", "--seed", seed, "--json",
                                 "-m", str(tiny_model)])
    assert result.exit_code == 2
    assert f"--seed must be between 0 and 4294967295, not {seed}" in result.stderr
    assert result.stdout == ""


def test_similarities_never_leave_minus_one_to_one(runner, glove, default_cache, monkeypatch):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    words = ["cat", "king", "the", "paris", "frog", "1990"]
    result = runner.invoke(app, ["similarity", *[w for w in words for _ in (1, 2)], "--json"])
    matrix = json.loads(result.stdout)["matrix"]
    assert all(-1.0 <= value <= 1.0 for line in matrix for value in line)
    for word in words:
        found = analogy(glove, f"{word} + {word}", 1, allow_inputs=True).results[0]
        assert found.similarity <= 1.0


def test_a_result_json_cannot_hold_leaves_no_partial_output(runner, tiny_model, monkeypatch):
    from latentcli.results import NeighborsResult

    monkeypatch.setattr(NeighborsResult, "to_dict", lambda self: {"score": float("nan")})
    result = runner.invoke(app, ["neighbors", "king", "queen", "--json", "-m", str(tiny_model)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
