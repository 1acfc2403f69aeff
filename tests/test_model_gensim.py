"""gensim's own files: pickles refused unless --trust; fastText .bin with subword vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

import vectorfiles
from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.cli.app import app


@pytest.fixture
def keyed_file(tmp_path):
    from gensim.models import KeyedVectors

    keyed = KeyedVectors(vector_size=4)
    keyed.add_vectors(TINY_WORDS, TINY_VECTORS)
    path = tmp_path / "tiny.kv"
    keyed.save(str(path))
    return path


def test_pickles_are_refused_without_trust(runner, keyed_file):
    result = runner.invoke(app, ["neighbors", "king", "-m", str(keyed_file)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {keyed_file} is a gensim native (pickled) file")
    assert "--trust" in result.stderr


def test_keyed_vectors_with_trust(runner, keyed_file):
    result = runner.invoke(app, ["neighbors", "king", "-n", "2", "--json", "--trust",
                                 "-m", str(keyed_file)])
    assert result.exit_code == 0, result.output
    assert [n["word"] for n in json.loads(result.stdout)["neighbors"]] == ["prince", "man"]


def test_word2vec_model_with_trust(runner, tmp_path):
    from gensim.models import Word2Vec

    model = Word2Vec(vectorfiles.SENTENCES, vector_size=8, min_count=1, epochs=2, seed=1, workers=1)
    path = tmp_path / "w2v.model"
    model.save(str(path))
    result = runner.invoke(app, ["neighbors", "king", "-n", "3", "--json", "--trust",
                                 "-m", str(path)])
    assert result.exit_code == 0, result.output
    expected = [word for word, _ in model.wv.most_similar("king", topn=3)]
    assert [n["word"] for n in json.loads(result.stdout)["neighbors"]] == expected


def test_damaged_pickle_is_a_clean_error(runner, keyed_file):
    keyed_file.write_bytes(keyed_file.read_bytes()[:40])
    result = runner.invoke(app, ["neighbors", "king", "--trust", "-m", str(keyed_file)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {keyed_file}: gensim could not load it")


def test_fasttext_binary_builds_unknown_words_from_ngrams(runner, fasttext_bin):
    from gensim.models.fasttext import load_facebook_vectors

    result = runner.invoke(app, ["neighbors", "kingdoms", "-n", "3", "--json",
                                 "-m", str(fasttext_bin)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["subword_words"] == ["kingdoms"]
    assert "'kingdoms' is not in the vocabulary; its vector was built from its character " \
           "n-grams" in result.stderr
    expected = load_facebook_vectors(str(fasttext_bin)).most_similar("kingdoms", topn=3)
    assert [n["word"] for n in doc["neighbors"]] == [word for word, _ in expected]
    np.testing.assert_allclose([n["similarity"] for n in doc["neighbors"]],
                               [score for _, score in expected], rtol=1e-5)


def test_fasttext_known_words_are_not_marked(runner, fasttext_bin):
    result = runner.invoke(app, ["neighbors", "king", "--json", "-m", str(fasttext_bin)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["subword_words"] == []
    assert result.stderr == ""


def test_truncated_fasttext_binary(runner, fasttext_bin, tmp_path):
    damaged = tmp_path / "damaged.bin"
    damaged.write_bytes(fasttext_bin.read_bytes()[:300])
    result = runner.invoke(app, ["neighbors", "king", "-m", str(damaged)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {damaged}: not a readable fastText binary")
