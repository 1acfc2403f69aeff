"""The Python API: docs/api.md's examples run as written, and ``import latentcli`` stays cheap."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import latentcli
import latentcli.errors
from latentcli.errors import ArgumentError, UsageError

API_PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"


LANGUAGE_SECTION = "\n## A language model\n"


def run_examples(text: str, name: str) -> tuple[int, int]:
    """Failures and examples tried of the doctests in ``text`` (a part of docs/api.md)."""
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS)
    runner.run(parser.get_doctest(text, {"latentcli": latentcli}, name, str(API_PAGE), 0))
    return runner.failures, runner.tries


def test_the_api_page_examples_hold(default_cache, monkeypatch):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    words = API_PAGE.read_text("utf-8").split(LANGUAGE_SECTION)[0]
    failures, tried = run_examples(words, "api.md")
    assert tried > 20
    assert failures == 0


@pytest.mark.network
@pytest.mark.slow
def test_the_language_model_examples_hold(smollm_cache, monkeypatch):
    """The real SmolLM2-135M (fetched once, as users fetch it) answers as the page says."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    section = API_PAGE.read_text("utf-8").split(LANGUAGE_SECTION)[1]
    failures, tried = run_examples(section, "api.md: a language model")
    assert tried >= 10
    assert failures == 0


def test_everything_in_all_is_there():
    for name in latentcli.__all__:
        assert getattr(latentcli, name) is not None


def test_importing_the_package_imports_no_library():
    code = "import sys, latentcli; print(sorted(m for m in ('numpy', 'latentcli.api') " \
           "if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_model_from_a_directory_answers_like_the_cli(tiny_model):
    model = latentcli.open(str(tiny_model))
    assert model.name == "tiny"
    assert model.neighbors("king", 2).to_dict()["neighbors"][0]["word"] == "prince"


# --- arguments: the command line's rules, the project's errors (issue 16, problem 2) ----------

NONSENSE = [
    (lambda m: latentcli.open(m, limit=-1), UsageError, "limit must be at least 1, not -1"),
    (lambda m: latentcli.open(m, limit=0), UsageError, "limit must be at least 1, not 0"),
    (lambda m: latentcli.open(m, limit=True), ArgumentError, "limit must be a whole number"),
    (lambda m: latentcli.open(m, trust="yes"), ArgumentError, "trust must be True or False"),
    (lambda m: latentcli.open(None), ArgumentError,
     "name_or_path must be a str or an os.PathLike (a pathlib.Path), not NoneType None"),
    (lambda m: latentcli.open(m).cluster("king"), ArgumentError,
     "words must be a list or tuple of str, not str 'king' (one word goes in a list: ['king'])"),
    (lambda m: latentcli.open(m).map("king"), ArgumentError, "words must be a list or tuple"),
    (lambda m: latentcli.open(m).axis("man", "woman", words="king"), ArgumentError,
     "words must be a list"),
    (lambda m: latentcli.open(m).cluster(["king", None, "apple"]), ArgumentError,
     "words must be a list or tuple of str, not list"),
    (lambda m: latentcli.open(m).neighbors(None), ArgumentError, "query must be a str, not None"),
    (lambda m: latentcli.open(m).vector(3), ArgumentError, "word must be a str, not int 3"),
    (lambda m: latentcli.open(m).neighbors("king", top="3"), ArgumentError,
     "top must be a whole number, not str '3'"),
    (lambda m: latentcli.open(m).neighbors("king", top=2.5), ArgumentError, "not float 2.5"),
    (lambda m: latentcli.open(m).neighbors("king", top=True), ArgumentError, "not bool True"),
    (lambda m: latentcli.open(m).neighbors("king", top=0), UsageError,
     "top must be at least 1, not 0"),
    (lambda m: latentcli.open(m).similarity("king", 2), ArgumentError,
     "each of words must be a str, not int 2"),
    (lambda m: latentcli.open(m).steer("king", "woman", strength="1"), ArgumentError,
     "strength must be a number"),
    (lambda m: latentcli.open(m).compare("tiny"), ArgumentError, "other must be a Model"),
    (lambda m: latentcli.open(m).cluster(["king", "queen", "apple"], seed=-1), UsageError,
     "seed must be between 0 and 4294967295, not -1"),
    (lambda m: latentcli.open(m).map(["king", "queen", "apple"], neighbors=-1), UsageError,
     "neighbors must be at least 0, not -1"),
    (lambda m: latentcli.open(m).map(["king", "queen"], x=("man", "woman", "king")), UsageError,
     "x takes two words, not ['man', 'woman', 'king']"),
    (lambda m: latentcli.open(m).map(["king", "queen"], y="man"), UsageError,
     "y is written LOW:HIGH (man:woman)"),
    (lambda m: latentcli.open(m).map(["king", "queen"], x=("man", 3)), ArgumentError,
     "x must be a str or a list or tuple of str or None"),
    (lambda m: latentcli.open(m).neighbors("king", literal="yes"), ArgumentError,
     "literal must be True or False"),
]


@pytest.mark.parametrize(("call", "error", "message"), NONSENSE)
def test_nonsense_is_refused_at_the_door_with_the_projects_errors(tiny_model, call, error,
                                                                   message):
    with pytest.raises(error) as raised:
        call(str(tiny_model))
    assert message in str(raised.value)
    assert isinstance(raised.value, latentcli.LatentError)


def test_a_word_that_looks_like_an_expression_can_be_asked_for_as_it_is():
    """GloVe has '-', '+', '1:30' and '3:00': ``literal`` words and an axis given as two words
    reach them, where parsing would read a sign, or split the axis at the wrong ':'."""
    import numpy as np

    from latentcli.api.model import Model
    from latentcli.core.space import Space

    words = ["king", "-", "+", "1:30", "3:00", "queen", "new - york"]
    model = Model(Space.from_vectors("odd", words, np.eye(7, dtype=np.float32) + 0.1))
    with pytest.raises(latentcli.UnknownWordError):  # read as an expression: new minus york
        model.neighbors("new - york")
    near = model.neighbors("new - york", 2, literal=True)
    assert [term.word for term in near.terms] == ["new - york"]
    assert near.excluded == ("new - york",)
    near = model.neighbors("-", 2, literal=True)
    assert [term.word for term in near.terms] == ["-"] and near.excluded == ("-",)
    assert model.explain("+", literal=True).word == "+"
    with pytest.raises(UsageError):
        model.map(["king", "queen", "-"], x="1:30:3:00")
    page = model.map(["king", "queen", "-"], x=("1:30", "3:00"))
    assert (page.x_axis.low, page.x_axis.high) == ("1:30", "3:00")
    assert page.to_dict() == model.map(["king", "queen", "-"], x=["1:30", "3:00"]).to_dict()


def test_every_public_method_checks_its_arguments():
    """One mechanism, so no method can be left out: each is wrapped by `checked`."""
    methods = [name for name, member in vars(latentcli.Model).items()
               if callable(member) and not name.startswith("_")]
    assert len(methods) > 15
    assert [name for name in methods if not hasattr(getattr(latentcli.Model, name),
                                                    "__wrapped__")] == []
    assert hasattr(latentcli.open, "__wrapped__")


def test_a_wrong_type_is_a_type_error_too(tiny_model):
    with pytest.raises(TypeError):
        latentcli.open(str(tiny_model)).neighbors(None)


def test_the_errors_are_exported():
    for name in latentcli.ERRORS:
        assert getattr(latentcli, name) is getattr(latentcli.errors, name)
        assert name in latentcli.__all__
        assert issubclass(getattr(latentcli, name), latentcli.LatentError)


def test_paths_may_be_any_path_like(tiny_model, tmp_path):
    model = latentcli.open(tiny_model)  # a pathlib.Path
    assert model.name == "tiny" and len(model) == 10
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t8\nking\tapple\t1\nqueen\tprincess\t9\napple\tbanana\t7\n",
                     "utf-8")
    [scored] = model.evaluate_similarity(pairs, restrict=10)
    assert scored.file == str(pairs) and scored.pairs == 4


def test_the_api_and_the_command_line_refuse_alike(runner, tiny_model):
    """The same rule, so the same words: the command's Error line is the exception's message,
    but for the name of a count (the API's parameter, the command's flag)."""
    from latentcli.cli.app import app

    for argv, call, parameter, flag in (
            (["--limit", "0"], lambda: latentcli.open(str(tiny_model), limit=0), "limit",
             "--limit"),
            (["-n", "0"], lambda: latentcli.open(str(tiny_model)).neighbors("king", top=0),
             "top", "-n/--top")):
        result = runner.invoke(app, ["neighbors", "king", "-m", str(tiny_model), *argv])
        with pytest.raises(UsageError) as raised:
            call()
        assert result.exit_code == 2
        assert str(raised.value) == f"{parameter} must be at least 1, not 0"
        assert result.stderr == f"Error: {flag} must be at least 1, not 0\n"
