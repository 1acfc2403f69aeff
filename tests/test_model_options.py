"""Every command opens its model the same way: --model, --limit and --trust all apply."""

import json

import pytest

import declared
from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.cli.app import app
from latentcli.cli.grammar import COMMAND_MODULES
from latentcli.cli.grammar import declared as declared_in

# the commands that run a language model, with its own --model
LANGUAGE = sorted({command.name for module in set(COMMAND_MODULES.values())
                   for command in declared_in(module) if getattr(command, "language", False)})


@pytest.fixture
def glove_file(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("".join(f"{word} {' '.join(map(str, row))}\n"
                            for word, row in zip(TINY_WORDS, TINY_VECTORS, strict=True)))
    return path


@pytest.mark.parametrize("args", [
    ["neighbors", "woman", "-n", "1"], ["analogy", "king - man + woman", "-n", "1"],
    ["explain", "woman", "-n", "1"], ["cluster", "king", "queen", "woman", "--strict"],
    ["map", "king", "queen", "woman", "man", "--strict"], ["axis", "king", "queen", "woman"],
    ["steer", "woman", "--toward", "king", "-n", "1"], ["path", "king", "woman"],
    ["odd", "king", "queen", "woman"], ["similarity", "king", "woman"],
])
def test_limit_keeps_the_first_words_for_every_command(runner, glove_file, args):
    full = runner.invoke(app, [*args, "-m", str(glove_file), "--json"])
    assert full.exit_code == 0, full.output
    assert '"woman"' in full.stdout  # the whole model answers about row 4
    limited = runner.invoke(app, [*args, "-m", str(glove_file), "--limit", "3", "--json"])
    assert limited.exit_code == 1
    assert limited.stderr.startswith("Error: unknown word 'woman'")  # row 4 is past the limit


def test_every_command_that_opens_a_model_takes_the_model_options():
    commands = declared.commands()
    commands.update({f"evaluate {n}": c
                     for n, c in declared.commands(commands.pop("evaluate")).items()})
    commands.pop("models")  # manages the cache; its subcommands take what they need
    commands.pop("embed")  # runs a sentence encoder (its own --model), opens no vector model
    for language in LANGUAGE:  # run a language model (their own --model)
        assert {"--model", "--json"} <= {opt for param in commands.pop(language).params
                                         for opt in getattr(param, "opts", [])}, language
    for name, command in commands.items():
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        if name == "compare":
            assert {"--limit", "--trust"} <= options, name
        elif name == "explore":  # interactive: its JSON is the view it saves
            assert {"--model", "--limit", "--trust"} <= options, name
        elif name == "context":  # reads sentences with a transformer; a table of vectors cannot
            assert {"--model", "--limit", "--trust", "--json"} <= options, name
        else:
            assert {"--model", "--limit", "--trust", "--json", "--vectors-column",
                    "--labels-column"} <= options, name


def test_evaluate_takes_limit(runner, glove_file, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t8\nman\twoman\t9\napple\tbanana\t7\nking\tman\t5\n")

    def oov(limit):
        result = runner.invoke(app, ["evaluate", "similarity", str(pairs), "-m", str(glove_file),
                                     "--limit", limit, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["oov_percent"]

    assert oov("10") == 0
    assert oov("4") == pytest.approx(25.0)  # apple and banana are past the first four words
