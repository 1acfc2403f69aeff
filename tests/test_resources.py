"""Work that cannot fit is refused with its limit and the way around; long work reports progress
(issue 10)."""

import pytest

from latentcli.analysis.clustering import cluster
from latentcli.analysis.words import select_words
from latentcli.cli.app import app


@pytest.mark.parametrize(("argv", "message"), [
    (["cluster", "--top", "10001", "--method", "agglomerative"],
     "agglomerative clustering takes at most 10,000 words, not 10,001; --method kmeans"),
    (["cluster", "--top", "20001"], "kmeans clustering takes at most 20,000 words"),
    (["map", "--top", "5001"], "a map takes at most 5,000 words, not 5,001"),
])
def test_work_too_big_to_finish_is_refused_with_the_way_around(runner, glove, default_cache,
                                                                 monkeypatch, argv, message):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    result = runner.invoke(app, [*argv, "--json"])
    assert result.exit_code == 2
    assert message in result.stderr and "fewer words" in result.stderr
    assert result.stdout == ""


def test_choosing_k_reports_progress(tiny_space):
    seen = []
    selection = select_words(tiny_space, ["king", "queen", "man", "woman", "apple", "banana"])
    cluster(tiny_space, selection, None, "kmeans", 0, lambda done, total=None: seen.append(done))
    assert seen[:3] == [0, 1, 2]


@pytest.mark.parametrize("command", ["cluster", "map"])
def test_too_many_words_on_stdin_are_refused_before_any_lookup(runner, tiny_model, command):
    result = runner.invoke(app, [command, "-", "-m", str(tiny_model)],
                           input="kingg\n" * 100_000)
    assert result.exit_code == 2
    assert "not 100,000: pass fewer words" in result.stderr
