"""What a ``-m`` value means is decided by one table (`store.resolve.RESOLVERS`): each kind,
did-you-mean across every kind, and ``--limit`` and the column options applied or refused for
every kind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import vectorfiles
from conftest import TINY_VECTORS, TINY_WORDS
from decoder_files import TINY_GGUF
from encoder_files import TINY_BERT
from latentcli.cli.app import app
from latentcli.environment import Environment
from latentcli.store.builtins import Kind
from latentcli.store.entries import write_entry
from latentcli.store.paths import cache_root
from latentcli.store.resolve import resolve


def space(name: str) -> Path:
    """A named space of the tiny words, as `latent embed --name` saves one."""
    directory = cache_root() / "spaces" / name
    write_entry(directory, TINY_WORDS, TINY_VECTORS, {
        "name": name, "encoder": {"name": "tiny-bert", "builtin": False,
                                  "directory": str(TINY_BERT)},
        "source": {"kind": "texts", "encoder": "tiny-bert", "texts": len(TINY_WORDS)}})
    return directory


@pytest.mark.parametrize(("spec", "kind", "name"), [
    ("DIRECTORY", Kind.DIRECTORY, "tiny"),
    ("faq", Kind.NAMED_SPACE, "faq"),
    ("glove-6b-50d", Kind.WORDS, "glove-6b-50d"),
    ("minilm", Kind.ENCODER, "all-minilm-l6-v2"),
    ("all-MiniLM-L6-v2", Kind.ENCODER, "all-minilm-l6-v2"),
    (str(TINY_BERT), Kind.ENCODER, "tiny-bert"),
    ("smollm", Kind.LANGUAGE_MODEL, "smollm2-135m"),
    (str(TINY_GGUF), Kind.LANGUAGE_MODEL, "tiny-llama.gguf"),
    ("missing.gguf", Kind.LANGUAGE_MODEL, "missing.gguf"),
    ("glove-twitter-25", Kind.WORDS, "glove-twitter-25"),
    ("FILE", Kind.WORDS, "tiny.txt"),
    ("./not-yet.txt", Kind.WORDS, "not-yet.txt"),
])
def test_each_kind_is_recognised_without_reading_or_writing_anything(tiny_model, tmp_path,
                                                                      spec, kind, name):
    space("faq")
    before = sorted(path for path in cache_root().rglob("*"))
    given = {"DIRECTORY": str(tiny_model),
             "FILE": str(vectorfiles.glove(tmp_path / "tiny.txt"))}.get(spec, spec)
    reference = resolve(given)
    assert (reference.kind, reference.name, reference.spec) == (kind, name, given)
    assert sorted(path for path in cache_root().rglob("*")) == before


@pytest.mark.parametrize(("name", "kind"), [("minilm", Kind.ENCODER),
                                          ("smollm", Kind.LANGUAGE_MODEL),
                                          ("glove-6b-50d", Kind.WORDS),
                                          ("glove-twitter-25", Kind.WORDS)])
def test_a_space_under_a_reserved_name_never_shadows_the_model(name, kind):
    """An earlier version could save a space under a model's name: the model still wins."""
    space(name)
    assert resolve(name).kind is kind


@pytest.mark.parametrize(("typo", "meant"), [
    ("smolm", "smollm2-135m"),  # a language model, by its alias
    ("minlm", "all-minilm-l6-v2"),  # an encoder, by its alias
    ("glove-6b-5Od", "glove-6b-50d"),  # the built-in word model
    ("glove-twiter-25", "glove-twitter-25"),  # a catalogue model
    ("faqs", "faq"),  # a named space of yours
])
def test_did_you_mean_looks_at_every_kind(runner, typo, meant):
    space("faq")
    result = runner.invoke(app, ["neighbors", "king", "-m", typo])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"Error: unknown model {typo!r}: not a file, and not a "
                                    f"known name — did you mean: {meant}")
    assert result.stderr.count("\n") == 1


def words_of(runner, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The query and its neighbours: with ``-n`` one less than the words, every word."""
    result = runner.invoke(app, ["neighbors", *args, "--json"])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    return [answer["query"], *(item["word"] for item in answer["neighbors"])]


def test_limit_applies_to_a_cache_directory(runner, default_cache):
    """The issue's case: ``-m <cache>/models/glove-6b-50d --limit 10`` answered from all
    400,000 words, and ``models info`` said 400000."""
    directory = str(default_cache / "models" / "glove-6b-50d")
    first = words_of(runner, "the", "-m", directory, "--limit", "10", "-n", "9")
    assert len(first) == 10 and first[0] == "the"
    unknown = runner.invoke(app, ["neighbors", "king", "-m", directory, "--limit", "10"])
    assert unknown.exit_code == 1 and "unknown word 'king'" in unknown.stderr
    info = json.loads(runner.invoke(app, ["models", "info", directory, "--limit", "10",
                                          "--json"]).stdout)
    glove_first = (Path(directory) / "words.txt").read_text("utf-8").split("\n")[:10]
    assert info["words"] == 10 and info["sample"] == glove_first
    assert set(first) == set(glove_first)
    assert not (cache_root() / "models").exists()  # a view of the directory, nothing written


def test_limit_applies_to_a_named_space(runner):
    space("faq")
    assert sorted(words_of(runner, "king", "-m", "faq", "--limit", "4", "-n", "3")) == sorted(
        TINY_WORDS[:4])
    info = json.loads(runner.invoke(app, ["models", "info", "faq", "--limit", "4",
                                          "--json"]).stdout)
    assert info["words"] == 4 and info["sample"] == TINY_WORDS[:4]


def test_limit_applies_to_a_language_models_tokens(runner):
    # the first 20 rows: lower-case words first (tokens have no frequency order)
    tokens = words_of(runner, "the", "-m", str(TINY_GGUF), "--limit", "20", "-n", "19")
    assert len(set(tokens)) == 20
    every = words_of(runner, "the", "-m", str(TINY_GGUF), "-n", "338")  # all of them
    assert set(tokens) < set(every)
    too_many = runner.invoke(app, ["neighbors", "the", "-m", str(TINY_GGUF),
                                   "--limit", "20", "-n", "21"])
    assert "more than the 20 words in tiny-llama.gguf-tokens" in too_many.stderr


def test_limit_on_a_converted_model_is_a_view_of_its_entry(runner, tmp_path):
    path = str(vectorfiles.glove(tmp_path / "tiny.txt"))
    whole = words_of(runner, "king", "-m", path, "-n", "9")
    assert sorted(words_of(runner, "king", "-m", path, "--limit", "3", "-n", "2")) == sorted(
        TINY_WORDS[:3])
    assert sorted(whole) == sorted(TINY_WORDS)
    entries = [entry.name for entry in (cache_root() / "models").iterdir()]
    assert len(entries) == 1 and "-first" not in entries[0]  # no second conversion


@pytest.mark.parametrize("spec", ["minilm", "TINY_GGUF"])
def test_models_info_refuses_limit_where_it_describes_no_words(runner, spec):
    given = str(TINY_GGUF) if spec == "TINY_GGUF" else spec
    result = runner.invoke(app, ["models", "info", given, "--limit", "5"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "--limit applies to a model's words" in result.stderr
    assert not cache_root().exists() or not any(cache_root().iterdir())  # nothing fetched


@pytest.mark.parametrize(("command", "says"), [
    ("get", ["language model", "GGUF", "catalogue", "sentence encoder"]),
    ("info", ["language model", "GGUF", "sentence encoder", "fetching and converting"]),
])
def test_models_get_and_info_help_say_what_they_do(runner, command, says):
    text = " ".join(runner.invoke(app, ["models", command, "--help"]).stdout.split())
    assert all(phrase in text for phrase in says), text


def test_opening_an_encoders_candidates_again_neither_opens_glove_nor_reads_its_json(
        default_cache, monkeypatch):
    """The candidates' fingerprint holds GloVe's fingerprint and the encoder's files by size
    and time, so a warm open needs neither GloVe's entry nor the model directory's JSON."""
    from latentcli.networks.encoder import directory
    from latentcli.store.sources import BuiltinWords

    models = cache_root() / "models"
    models.mkdir(parents=True)
    (models / "glove-6b-50d").symlink_to(default_cache / "models" / "glove-6b-50d")
    first = resolve(str(TINY_BERT)).open_space(Environment(), limit=40)

    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("opened on a warm open")

    monkeypatch.setattr(BuiltinWords, "open_space", never)
    monkeypatch.setattr(directory, "open_directory", never)
    again = resolve(str(TINY_BERT)).open_space(Environment(), limit=40)
    assert [again.word(row) for row in range(len(again))] == [
        first.word(row) for row in range(len(first))]
    np.testing.assert_array_equal(np.asarray(again.vectors), np.asarray(first.vectors))


def test_the_fingerprint_of_a_model_directory_changes_with_any_of_its_files(tmp_path):
    from encoder_files import copy_model
    from latentcli.store.encoder_spaces import EncoderReference
    from latentcli.store.encoders import identity

    model = copy_model(TINY_BERT, tmp_path / "m")
    reference = resolve(str(model))
    assert isinstance(reference, EncoderReference)
    before = identity(reference.choice)
    config = model / "tokenizer_config.json"
    config.write_text(config.read_text())  # same bytes, a new modification time
    os.utime(config, ns=(1, 1))
    assert identity(reference.choice) != before
