"""neighbors and analogy through the command line: JSON contract, tables, notes and every error."""

import json

import pytest

from latentcli.cli.app import app


def run(runner, *args):
    return runner.invoke(app, list(args))


def test_neighbors_json_is_one_object_per_query(runner, tiny_model):
    result = run(runner, "neighbors", "king", "king - man", "-n", "2", "--json", "-m",
                 str(tiny_model))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first, second = map(json.loads, lines)
    assert {"model", "query", "neighbors"} <= first.keys()
    assert first["model"] == "tiny" and first["query"] == "king"
    assert [n["word"] for n in first["neighbors"]] == ["prince", "man"]
    assert all(set(n) == {"word", "similarity"} for n in first["neighbors"])
    assert second["query"] == "king - man"
    assert second["excluded"] == ["king", "man"]


def test_analogy_json_keys_and_values(runner, tiny_model):
    result = run(runner, "analogy", "king", "-", "man", "+", "woman", "-n", "1", "--json", "-m",
                 str(tiny_model))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"model", "expression", "positive", "negative", "method", "results"} <= doc.keys()
    assert doc["expression"] == "king - man + woman"
    assert doc["positive"] == ["king", "woman"] and doc["negative"] == ["man"]
    assert doc["method"] == "add"
    assert doc["results"][0]["word"] == "queen"


def test_quoted_and_classic_notation_give_the_same_answer(runner, tiny_model):
    quoted = run(runner, "analogy", "king - man + woman", "--json", "-m", str(tiny_model))
    classic = run(runner, "analogy", "man : king :: woman : ?", "--json", "-m", str(tiny_model))
    assert json.loads(quoted.stdout)["results"] == json.loads(classic.stdout)["results"]


def test_method_mul_and_allow_inputs(runner, tiny_model):
    result = run(runner, "analogy", "king - man + woman", "--method", "mul", "--allow-inputs",
                 "-n", "10", "--json", "-m", str(tiny_model))
    doc = json.loads(result.stdout)
    assert doc["method"] == "mul"
    assert {"king", "woman"} & {r["word"] for r in doc["results"]}


def test_table_output_says_inputs_are_left_out(runner, tiny_model):
    result = run(runner, "analogy", "king - man + woman", "-n", "3", "-m", str(tiny_model))
    assert result.exit_code == 0
    assert "queen" in result.stdout
    assert "3CosAdd" in result.stdout
    assert "Left out, as inputs: king, man, woman (--allow-inputs keeps them)" in result.stdout
    assert "\x1b[" not in result.stdout


def test_neighbors_table_has_rank_word_similarity_and_bar(runner, tiny_model):
    result = run(runner, "neighbors", "king", "-n", "2", "-m", str(tiny_model))
    lines = result.stdout.splitlines()
    assert lines[0] == "Nearest to king in tiny"
    row = lines[2].split()
    assert row[:3] == ["1", "prince", "0.9934"]
    assert row[3].startswith("█")


def test_no_escape_codes_when_not_a_tty_even_without_no_color(runner, tiny_model, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    result = run(runner, "neighbors", "king", "-m", str(tiny_model))
    assert "\x1b[" not in result.stdout


def test_lowercase_fallback_note_goes_to_stderr(runner, tiny_model):
    result = run(runner, "neighbors", "KING", "--json", "-m", str(tiny_model))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["query"] == "KING"
    assert "Note: 'KING' is not in the vocabulary; using 'king'" in result.stderr


def test_model_from_environment_variable(runner, tiny_model, monkeypatch):
    monkeypatch.setenv("LATENT_MODEL", str(tiny_model))
    result = run(runner, "neighbors", "king", "--json")
    assert json.loads(result.stdout)["model"] == "tiny"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["neighbors", "kingg"], 1, "Error: unknown word 'kingg' in tiny — did you mean: king"),
    (["analogy", "king", "-"], 2, "Error: expected a word after '-' at position 7"),
    (["analogy", "king + + man"], 2, "Error: expected a word after '+', found '+'"),
    (["analogy", ""], 2, "Error: empty expression"),
    (["neighbors", "king", "-n", "0"], 2, "Error: -n/--top must be at least 1, not 0"),
    (["neighbors", "king", "-n", "-3"], 2, "Error: -n/--top must be at least 1, not -3"),
    (["neighbors", "king", "-n", "99999999999"], 2, "Error: -n/--top 99999999999 is more than"),
    (["neighbors", "king", "-n", "many"], 2, "Error: Invalid value for '--top' / '-n'"),
    (["analogy", "king", "--method", "sum"], 2, "Error: unknown method 'sum'"),
    (["neighbors", "king", "--bogus"], 2, "Error: No such option: --bogus"),
    (["neighbors"], 2, "Error: Missing argument 'WORD'"),
    (["neighbors", "king - king"], 1, "Error: the expression adds up to the zero vector"),
])
def test_bad_input_gets_one_line_and_an_exit_code(runner, tiny_model, args, code, message):
    result = run(runner, *args, "-m", str(tiny_model))
    assert result.exit_code == code
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize(("model", "message"), [
    ("/no/such/dir/vectors.txt", "Error: /no/such/dir/vectors.txt: no such file"),
    ("no-such-model", "Error: unknown model 'no-such-model': not a file, and not a known name"),
    ("glove-6b-5Od", "Error: unknown model 'glove-6b-5Od': not a file, and not a known name — "
                     "did you mean: glove-6b-50d?"),
])
def test_missing_model(runner, model, message):
    result = run(runner, "neighbors", "king", "-m", model)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)


def test_a_failing_query_prints_nothing_for_the_others(runner, tiny_model):
    result = run(runner, "neighbors", "king", "kingg", "--json", "-m", str(tiny_model))
    assert result.exit_code == 1
    assert result.stdout == ""


def test_version_and_help(runner):
    from latentcli import __version__

    assert run(runner, "--version").stdout.strip() == f"latent {__version__}"
    from declared import commands

    help_text = run(runner, "--help").stdout
    for command in commands():
        assert f"    latent {command}" in help_text.split("Examples:")[1]  # one example each


def test_no_arguments_shows_help_and_exits_2(runner):
    result = run(runner)
    assert result.exit_code == 2
    assert "Usage: latent" in result.stderr
