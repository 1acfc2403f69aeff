"""Every command's table on a narrow terminal and with words that look like rich markup (issue
18): each goes through `render.tables.emit`, so none may raise or draw a line wider than the
terminal, and "[/]" is a word, not a style. Long tables: tests/test_terminals.py."""

import io

import numpy as np
import pytest

from latentcli.cli.app import app
from latentcli.render.context import context_view
from latentcli.render.embedding import embeddings_table
from latentcli.render.language import generation, lens_view
from latentcli.render.terminal import console
from latentcli.results import Scored
from latentcli.results.context import ContextResult, WordUse
from latentcli.results.language import (
    Continuation,
    Generation,
    Lens,
    LensLayer,
    Steering,
    TokenProbability,
    TrackedToken,
)
from latentcli.results.texts import EmbeddedText
from latentcli.store.entries import write_entry

WIDTHS = [20, 40]
MODEL = "{model}"  # stands for the tiny model's directory
QUESTIONS, PAIRS = "{questions}", "{pairs}"

COMMANDS = [
    ["neighbors", "king", "-n", "3"],
    ["neighbors", "king", "queen", "-n", "3"],
    ["analogy", "king", "-", "man", "+", "woman", "-n", "3"],
    ["cluster", "king", "queen", "man", "woman", "apple", "banana"],
    ["axis", "man", "woman", "king", "queen", "apple"],
    ["steer", "king", "--toward", "woman", "--away", "man"],
    ["path", "man", "woman", "--steps", "3"],
    ["odd", "king", "queen", "prince", "apple"],
    ["similarity", "king", "queen"],
    ["similarity", "king", "queen", "apple"],
    ["compare", MODEL, MODEL, "king", "apple"],
    ["evaluate", "analogies", QUESTIONS],
    ["evaluate", "similarity", PAIRS],
    ["models"],
    ["models", "info", MODEL],
]


def assert_fits(text: str, width: int) -> None:
    assert text.strip(), "nothing was printed"
    # a line may pass the width only as one address or path, kept whole so it can be copied
    wide = [line for line in text.splitlines() if len(line) > width and " " in line.strip()]
    assert not wide, f"wider than {width} columns: {wide}"


@pytest.fixture
def files(tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text(": royalty\nman king woman queen\nking prince queen princess\n")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t8.0\nman\twoman\t7.5\napple\tbanana\t6.0\nking\tapple\t1.0\n")
    return {"{questions}": str(questions), "{pairs}": str(pairs)}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_every_command_table_fits_a_narrow_terminal(runner, tiny_model, files, argv, width):
    given = {MODEL: str(tiny_model), **files}
    args = [given.get(arg, arg) for arg in argv]
    if argv[0] != "compare" and MODEL not in argv and "models" not in argv[:1]:
        args += ["-m", str(tiny_model)]
    result = runner.invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert_fits(result.stdout, width)


def near(*words: str) -> tuple[Scored, ...]:
    return tuple(Scored(word=word, similarity=0.5) for word in words)


def continuation(text: str) -> Continuation:
    return Continuation(token_ids=(1, 2), tokens=tuple(text.split()), text=text)


# The commands whose models are fetched from the network: their renderers, given results.
RESULTS = {
    "embed": (lambda out, result: embeddings_table(out, [result, result]), EmbeddedText(
        model="tiny-bert", text="a cat sat on the mat " * 5, vector=(0.25, -0.5, 0.125, 1.0, 0.0))),
    "context": (context_view, ContextResult(
        model="encoder", word="bank", static_model="glove", static_neighbors=near("banks"),
        similarity=((1.0, 0.8), (0.8, 1.0)),
        contexts=(WordUse(sentence="I sat by the river bank", start=19, end=23, pieces=("bank",),
                          neighbors=near("river", "shore", "water")),
                  WordUse(sentence="the bank raised its rates", start=4, end=8, pieces=("bank",),
                          neighbors=near("loan", "lender", "teller"))))),
    "lens": (lens_view, Lens(
        model="tiny-lm", prompt="The capital of France is", vocabulary=49152,
        final=TokenProbability(token=" Paris", id=7, probability=0.62),
        layers=tuple(LensLayer(layer=layer,
                               top=(TokenProbability(token=" the", id=1, probability=0.3),
                                    TokenProbability(token=" a", id=2, probability=0.2),
                                    TokenProbability(token=" Paris", id=7, probability=0.1)),
                               tracked=(TrackedToken(token=" Paris", id=7, rank=30 - 10 * layer,
                                                     probability=0.1),))
                     for layer in range(3)))),
    "generate": (generation, Generation(
        model="tiny-lm", prompt="The cat", prompt_token_ids=(1, 2), max_tokens=40,
        continuation=continuation(" is happy to see you again today"),
        steering=Steering(method="mean", layer=10, strength=4.0, pairs=(("happy", "sad"),),
                          start=1, defaults=("layer",),
                          unsteered=continuation(" sat on the mat and looked around")))),
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", RESULTS)
def test_the_network_commands_tables_fit_a_narrow_terminal(monkeypatch, command, width):
    monkeypatch.setenv("COLUMNS", str(width))
    render, result = RESULTS[command]
    out = io.StringIO()
    render(console(out, colour=False), result)
    assert_fits(out.getvalue(), width)


MARKUP = ["[note]", "[/]", "[bold]x[/bold]"]


@pytest.mark.parametrize("argv", [
    ["axis", "king", "queen"], ["steer", "king", "--toward", "queen", "--steps", "1"],
    ["similarity", "king", *MARKUP], ["neighbors", "king", "-n", "4"], ["explain", "king"],
], ids=lambda argv: argv[0])
def test_words_that_look_like_markup_are_printed_as_words(runner, tmp_path, argv):
    words = ["king", "queen", *MARKUP]
    vectors = np.random.default_rng(3).normal(size=(len(words), 4)).astype(np.float32)
    write_entry(tmp_path / "marked", words, vectors, {"name": "marked", "source": {}})
    result = runner.invoke(app, [*argv, "-m", str(tmp_path / "marked")])
    assert result.exit_code == 0, (result.stderr, result.exception)
    body = result.stdout.split("\n", 1)[1]  # the table, below the title that repeats the query
    assert all(word in body for word in MARKUP), body
