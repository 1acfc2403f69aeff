"""Defaults shrink to what a small model has; only a value the user typed can be too big."""

import io
import json

import pytest

from latentcli.cli.app import app
from latentcli.cli.fastpath import fast_path
from latentcli.environment import Environment

WORDS = {"a", "b", "c"}  # the three-word model below
# Each command, and where its JSON lists the words it answers with.
COMMANDS = [pytest.param(argv, lists, id=" ".join(argv)) for argv, lists in [
    (["neighbors", "a"], lambda doc: [doc["neighbors"]]),
    (["analogy", "a", "-", "b", "+", "c"], lambda doc: [doc["results"]]),
    (["axis", "a", "b"], lambda doc: [doc["words"]]),
    (["steer", "a", "--toward", "b"], lambda doc: [step["neighbors"] for step in doc["steps"]]),
    (["explain", "a"], lambda doc: [doc["neighbors"]]),
    (["explain", "a", "-", "b", "+", "c"], lambda doc: [doc["add"]["results"]]),
]]


def answers_with_every_other_word(argv, lists, doc):  # type: ignore[no-untyped-def]
    """The default count shrank to the model: each list holds every word but the inputs."""
    for listed in lists(doc):
        assert sorted(item["word"] for item in listed) == sorted(WORDS - set(argv)), argv


@pytest.fixture
def three_words(tmp_path):
    path = tmp_path / "three.txt"
    path.write_text("a 1 0\nb 0 1\nc 1 1\n", "utf-8")
    return str(path)


@pytest.mark.parametrize(("argv", "lists"), COMMANDS)
def test_defaults_fit_a_three_word_model(runner, three_words, argv, lists):
    result = runner.invoke(app, [*argv, "-m", three_words, "--json"])
    assert result.exit_code == 0, result.stderr
    answers_with_every_other_word(argv, lists, json.loads(result.stdout))
    too_many = runner.invoke(app, [*argv, "-n", "5", "-m", three_words, "--json"])
    assert too_many.exit_code == 2
    assert too_many.stderr == ("Error: -n/--top 5 is more than the 3 words in three.txt\n")


def test_compare_defaults_fit_a_three_word_model(runner, three_words):
    result = runner.invoke(app, ["compare", three_words, three_words, "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["k"] == 2 and doc["mean_overlap"] == 1.0  # each word's 2 others, the same twice
    too_many = runner.invoke(app, ["compare", three_words, three_words, "-k", "3"])
    assert too_many.exit_code == 2
    assert "-k 3 is more than the 2 other words" in too_many.stderr


@pytest.mark.parametrize(("argv", "lists"), COMMANDS[:2])
def test_the_fast_path_fits_defaults_the_same_way(three_words, argv, lists):
    stdout, stderr = io.StringIO(), io.StringIO()
    environment = Environment(stdout, stderr)
    action = fast_path([*argv, "-m", three_words, "--json"], environment)
    assert action is not None
    assert environment.run(action) == 0, stderr.getvalue()
    answers_with_every_other_word(argv, lists, json.loads(stdout.getvalue()))


def test_limit_below_the_default_top_is_not_an_error(runner, glove, default_cache, monkeypatch):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    result = runner.invoke(app, ["neighbors", "the", "--limit", "5", "--json"])
    assert result.exit_code == 0, result.stderr
    first = [glove.word(row) for row in range(5)]
    assert first[0] == "the"
    assert sorted(n["word"] for n in json.loads(result.stdout)["neighbors"]) == sorted(first[1:])
