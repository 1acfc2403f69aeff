"""A word built from fastText subwords works in every command, or is refused cleanly."""

import json

import pytest

from latentcli.cli.app import app

BUILT = "kingdoms"  # not in the fixture's vocabulary; its vector comes from its n-grams
WORKS = [
    ["neighbors", BUILT], ["analogy", "king", "-", "man", "+", BUILT],
    ["cluster", BUILT, "king", "queen", "apples", "bananas"],
    ["cluster", "-", "king", "queen"],
    ["map", BUILT, "king", "queen", "apples", "bananas", "--neighbors", "2"],
    ["explain", BUILT], ["explain", "king", "-", "man", "+", BUILT],
    ["explain", BUILT, "-", "man", "+", "woman", "--expect", "queen"],
    ["axis", BUILT, "queen"], ["steer", BUILT, "--toward", "queen"],
    ["path", BUILT, "queen", "--steps", "3"], ["odd", BUILT, "king", "apples"],
    ["similarity", BUILT, "king", BUILT],
]
REFUSED = [
    ["explain", "king", "-", "man", "+", "woman", "--expect", BUILT],
    ["compare", "{model}", "{model}", BUILT],
]


@pytest.mark.parametrize("argv", WORKS)
def test_a_subword_word_works_everywhere(runner, fasttext_bin, argv):
    result = runner.invoke(app, [*argv, "-m", str(fasttext_bin), "--json"],
                           input=f"{BUILT}\n")
    assert result.exit_code == 0, result.stderr
    for line in result.stdout.splitlines():
        json.loads(line)
    assert BUILT in result.stdout


@pytest.mark.parametrize("argv", REFUSED)
def test_a_subword_word_is_refused_where_it_cannot_be(runner, fasttext_bin, argv):
    argv = [part.format(model=fasttext_bin) for part in argv]
    extra = [] if argv[0] == "compare" else ["-m", str(fasttext_bin)]
    result = runner.invoke(app, [*argv, *extra, "--json"])
    assert result.exit_code in (1, 2)
    assert result.stderr.startswith("Error: ")
    assert result.stdout == ""


def test_a_nan_in_the_ngrams_a_word_touches_is_reported_then_rebuilt(runner,
                                                                      fasttext_bin):
    import numpy as np

    from latentcli.core.subwords import NGRAMS_FILE
    from latentcli.store.paths import cache_root

    assert runner.invoke(app, ["neighbors", BUILT, "-m", str(fasttext_bin)]).exit_code == 0
    (entry,) = [path for path in (cache_root() / "models").iterdir()
                if (path / NGRAMS_FILE).is_file()]
    ngrams = np.load(entry / NGRAMS_FILE)
    ngrams[:] = np.nan  # the file keeps its size: opening does not notice
    np.save(entry / NGRAMS_FILE, ngrams)
    result = runner.invoke(app, ["neighbors", BUILT, "-m", str(fasttext_bin)])
    assert result.exit_code == 1 and "n-gram vectors hold values that are not numbers" in \
        result.stderr and "zero vector" not in result.stderr
    result = runner.invoke(app, ["neighbors", BUILT, "-m", str(fasttext_bin)])
    assert result.exit_code == 0, result.output
    assert "rebuilding" in result.stderr
